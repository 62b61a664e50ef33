package cloudfront

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// pageMarkers remembers the NextMarker of each page of one listing. The
// SDK's paginators go on while a page names a next one (they stop on a
// marker equal to the previous one only when asked, and never on a cycle),
// so an endpoint that answers a marker it gave before would be listed for
// ever; and a listing cut short could miss the distribution, OAC or key
// the call must find. A marker that comes back is an error instead.
type pageMarkers map[string]bool

// check remembers next, the NextMarker of the page of the listing what
// just read, and returns an error when an earlier page of it named the
// same marker.
func (m pageMarkers) check(what string, next *string) error {
	n := aws.ToString(next)
	if n == "" {
		return nil
	}
	if m[n] {
		return fmt.Errorf("cloudfront: listing %s: NextMarker %q came back again, so the listing would never end", what, n)
	}
	m[n] = true
	return nil
}
