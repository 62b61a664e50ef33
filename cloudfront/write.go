package cloudfront

import (
	"context"
	"fmt"

	"github.com/s3secure/s3secure/internal/rmw"
	"github.com/s3secure/s3secure/policy"
)

// documentEdit returns the policy to write, given the policy read just
// before the write (nil: there is none), and whether it differs from it.
// It may be called more than once, each time on a fresher read.
type documentEdit func(cur *policy.Document) (next *policy.Document, changed bool, err error)

// readDocument is a policy read: the document (nil when there is none) and
// its text as read.
type readDocument struct {
	doc *policy.Document
	raw string
}

// changeDocument applies edit to a policy document with the library's
// write discipline ([rmw.Cycle.Run]: fresh read, merge, write, verify;
// see "Writes" in the package documentation). key names the setting (the
// same key as securebucket's for a bucket policy, so that both packages'
// writes to one policy in a process take turns); read returns the
// document (nil when there is none) and its text; write writes a document.
// It reports whether it wrote. A change that another writer kept undoing,
// or that the endpoint did not keep, is an error wrapping [ErrConflict]:
// the distribution cannot rely on it.
func changeDocument(ctx context.Context, key, what string,
	read func(context.Context) (*policy.Document, string, error),
	write func(context.Context, *policy.Document) error,
	edit documentEdit,
) (bool, error) {
	out, err := rmw.Cycle[readDocument, *policy.Document]{
		Key: key, What: what, Conflict: ErrConflict,
		Read: func(ctx context.Context) (readDocument, error) {
			doc, raw, err := read(ctx)
			return readDocument{doc, raw}, err
		},
		Merge: func(cur readDocument) (*policy.Document, []string, error) {
			next, changed, err := edit(cur.doc)
			if err != nil || !changed {
				return nil, nil, err
			}
			return next, []string{"the change to the " + what}, nil
		},
		Write:   write,
		ReadFP:  func(cur readDocument) string { return cur.raw },
		WriteFP: documentFP,
	}.Run(ctx, rmw.Policy{})
	if err == nil && len(out.NotKept) > 0 {
		err = fmt.Errorf("%w: the endpoint did not keep %s (read back after the write; it does not support it, or another writer puts the old policy back)", ErrConflict, out.NotKept[0])
	}
	return out.Wrote, err
}

// documentFP identifies a document about to be written: its JSON, or ""
// for none (the policy is deleted, and reads back as "").
func documentFP(doc *policy.Document) string {
	if doc == nil || len(doc.Statements) == 0 {
		return ""
	}
	b, err := doc.Marshal()
	if err != nil {
		return "unmarshalable"
	}
	return string(b)
}
