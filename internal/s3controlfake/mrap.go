package s3controlfake

// Multi-Region Access Points: CreateMultiRegionAccessPoint,
// DeleteMultiRegionAccessPoint and PutMultiRegionAccessPointPolicy (each
// asynchronous: the answer is a request token that
// DescribeMultiRegionAccessPointOperation reports on),
// GetMultiRegionAccessPoint, ListMultiRegionAccessPoints,
// GetMultiRegionAccessPointPolicy and GetMultiRegionAccessPointPolicyStatus.
//
// The facts enforced, from the S3 user guide and API reference:
//
//   - "This action will always be routed to the US West (Oregon) Region"
//     (every MRAP operation's API reference). aws-sdk-go-v2's s3control
//     client does not route them itself: it signs for and sends to the
//     client's Region (checked with the real client, v1.71.1), so a caller
//     must set Region us-west-2. A request signed for another Region gets
//     301 PermanentRedirect "This API operation is only available in the
//     following Regions: us-west-2. Make sure to send all future requests
//     to a supported Region." (the answer AWS gives, quoted in
//     gruntwork-io/cloud-nuke#667).
//   - us-west-2 is in the aws partition, and "You cannot use IAM
//     credentials from one partition to interact with resources in a
//     different partition" (AWS Fault Isolation Boundaries: Partitions): a
//     fake whose Region is in another partition (China, GovCloud) serves
//     its account no Multi-Region Access Point. Signed for one of its own
//     Regions a request gets the redirect above; signed for us-west-2 it
//     gets 403 InvalidAccessKeyId, as a key unknown to that partition.
//   - The ARN is arn:aws:s3::ACCOUNT:accesspoint/ALIAS (mrap.ARN, in
//     us-west-2's partition), with no Region; the
//     alias "is a unique alphanumeric string that ends in .mrap", chosen
//     by S3, not derived from the name, never reused ("Rules for naming
//     Amazon S3 Multi-Region Access Points").
//   - Names: 3 to 50 characters, lowercase letters, digits and dashes, not
//     beginning or ending with a dash (API pattern
//     ^[a-z0-9][-a-z0-9]{1,48}[a-z0-9]$), unique in the account; at most
//     100 per account and 20 Regions each ("Multi-Region Access Point
//     restrictions and limitations").
//   - "The Multi-Region Access Point must be associated with exactly one
//     bucket in each of those Regions", fixed at creation.
//   - Block Public Access: all four settings on unless the request turns
//     them off, and "You can't change the Block Public Access settings for
//     a Multi-Region Access Point after it has been created": no operation
//     here changes them.
//   - The policy can be replaced, not deleted ("you can't delete the
//     policy"). A public policy is refused with BlockPublicPolicy on the
//     MRAP or the account, as for access points.
//
// Unverified choices, marked where made: a request that names a missing
// bucket or an existing name is accepted and its operation FAILED
// (creation is asynchronous: S3 "synchronously authorizes the request"
// and reports the rest through the token), and an MRAP without a policy
// answers GetMultiRegionAccessPointPolicy with an empty document.

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/mrap"
	"github.com/s3secure/s3secure/internal/sigv4"
)

// MRAPRegion is the only Region that serves the Multi-Region Access Point
// control-plane operations.
const MRAPRegion = mrap.Region

const (
	maxMRAPs       = 100
	maxMRAPRegions = 20
)

var mrapNameRE = regexp.MustCompile(`^[a-z0-9][-a-z0-9]{1,48}[a-z0-9]$`)

// BucketLocator, when the BucketChecker also implements it, tells the
// owner and Region of a bucket (the S3 fake does).
type BucketLocator interface {
	BucketLocation(name string) (owner, region string, ok bool)
}

func (a s3Store) BucketLocation(name string) (string, string, bool) {
	b, ok := a.srv.Bucket(name)
	return b.OwnerAccountID, b.Region, ok
}

type mrapRegion struct {
	bucket, bucketAccount, region string
}

type mrapState struct {
	name, alias string
	bpa         PublicAccessBlock
	regions     []mrapRegion
	created     time.Time
	policy      string
	hasPolicy   bool
	// proposed is a policy update still being applied (see
	// ProposeMultiRegionAccessPointPolicy).
	proposed    string
	hasProposed bool
}

type asyncOp struct {
	token, operation, status string
	created                  time.Time
	params                   string // the request parameters element, XML
	errCode, errMsg          string
	regions                  []mrapRegion // for a create
}

// MultiRegionAccessPoint is a Multi-Region Access Point as the fake holds
// it, for readers in the same process.
type MultiRegionAccessPoint struct {
	// Name and Alias identify it; ARN is arn:aws:s3::ACCOUNT:accesspoint/ALIAS
	// (mrap.ARN).
	Name, Alias, ARN string
	// Buckets are the buckets it fronts, with their owners and Regions.
	Buckets []MultiRegionBucket
	// PublicAccessBlock is its own setting, fixed at creation.
	PublicAccessBlock PublicAccessBlock
	// Policy is its policy, "" when it has none.
	Policy string
}

// MultiRegionBucket is one bucket behind a Multi-Region Access Point.
type MultiRegionBucket struct {
	Bucket, BucketAccount, Region string
}

// MultiRegionAccessPoints returns the account's Multi-Region Access
// Points, sorted by name.
func (s *Server) MultiRegionAccessPoints() []MultiRegionAccessPoint {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]MultiRegionAccessPoint, 0, len(s.mraps))
	for _, m := range s.mraps {
		v := MultiRegionAccessPoint{Name: m.name, Alias: m.alias, ARN: s.mrapARN(m.alias), PublicAccessBlock: m.bpa, Policy: m.policy}
		for _, r := range m.regions {
			v.Buckets = append(v.Buckets, MultiRegionBucket{Bucket: r.bucket, BucketAccount: r.bucketAccount, Region: r.region})
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (s *Server) mrapARN(alias string) string {
	return mrap.ARN(s.account, alias)
}

// mrapAlias returns a new alias: 13 lowercase base32 characters and
// ".mrap", from a counter, so never the same twice in one fake.
func (s *Server) mrapAlias() string {
	s.aliasSeq++
	sum := sha256.Sum256([]byte(s.account + "/mrap/" + strconv.Itoa(s.aliasSeq)))
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:]))[:13] + ".mrap"
}

// routeMRAP maps a request under /v20180820/mrap/ or
// /v20180820/async-requests/mrap/ to its operation; name is the MRAP name
// or the request token ARN.
func routeMRAP(r *http.Request, rest string) (op, name string) {
	if tail, ok := strings.CutPrefix(rest, "async-requests/mrap/"); ok {
		switch {
		case r.Method == http.MethodPost && tail == "create":
			return "CreateMultiRegionAccessPoint", ""
		case r.Method == http.MethodPost && tail == "delete":
			return "DeleteMultiRegionAccessPoint", ""
		case r.Method == http.MethodPost && tail == "put-policy":
			return "PutMultiRegionAccessPointPolicy", ""
		case r.Method == http.MethodGet && tail != "":
			tok, err := url.PathUnescape(tail)
			if err != nil {
				return "", ""
			}
			return "DescribeMultiRegionAccessPointOperation", tok
		}
		return "", ""
	}
	if rest == "mrap/instances" {
		if r.Method == http.MethodGet {
			return "ListMultiRegionAccessPoints", ""
		}
		return "", ""
	}
	tail, ok := strings.CutPrefix(rest, "mrap/instances/")
	if !ok || r.Method != http.MethodGet {
		return "", ""
	}
	op = "GetMultiRegionAccessPoint"
	if n, ok := strings.CutSuffix(tail, "/policystatus"); ok {
		op, tail = "GetMultiRegionAccessPointPolicyStatus", n
	} else if n, ok := strings.CutSuffix(tail, "/policy"); ok {
		op, tail = "GetMultiRegionAccessPointPolicy", n
	}
	n, err := url.PathUnescape(tail)
	if err != nil || strings.Contains(n, "/") {
		return "", ""
	}
	return op, n
}

func isMRAPOp(op string) bool {
	return strings.Contains(op, "MultiRegionAccessPoint")
}

// mrapRegionOK reports whether r may be served: signed for us-west-2, or
// unsigned (with AllowUnsigned), by a key of us-west-2's partition.
// Otherwise it writes AWS's redirect, or, for a request signed for
// us-west-2 by the key of an account of another partition (the fake's
// Region's), InvalidAccessKeyId.
func (s *Server) mrapRegionOK(w http.ResponseWriter, r *http.Request) bool {
	sc, signed := sigv4.RequestScope(r)
	switch {
	case signed && sc.Region != MRAPRegion:
		writeError(w, http.StatusMovedPermanently, "PermanentRedirect",
			"This API operation is only available in the following Regions: "+MRAPRegion+". Make sure to send all future requests to a supported Region.")
		return false
	case fakeutil.RegionPartition(s.region) != mrap.Partition():
		writeError(w, http.StatusForbidden, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
		return false
	}
	return true
}

func (s *Server) serveMRAP(w http.ResponseWriter, r *http.Request, op, name string) {
	switch op {
	case "CreateMultiRegionAccessPoint":
		s.createMRAP(w, r)
	case "DeleteMultiRegionAccessPoint":
		s.deleteMRAP(w, r)
	case "PutMultiRegionAccessPointPolicy":
		s.putMRAPPolicy(w, r)
	case "DescribeMultiRegionAccessPointOperation":
		s.describeMRAPOperation(w, name)
	case "GetMultiRegionAccessPoint":
		s.getMRAP(w, name)
	case "ListMultiRegionAccessPoints":
		s.listMRAPs(w, r)
	case "GetMultiRegionAccessPointPolicy":
		s.getMRAPPolicy(w, name)
	case "GetMultiRegionAccessPointPolicyStatus":
		s.getMRAPPolicyStatus(w, name)
	}
}

type xmlMRAPRegion struct {
	Bucket          string `xml:"Bucket"`
	BucketAccountID string `xml:"BucketAccountId"`
}

type createMRAPRequest struct {
	ClientToken string `xml:"ClientToken"`
	Details     struct {
		Name              string          `xml:"Name"`
		PublicAccessBlock *xmlBPA         `xml:"PublicAccessBlock"`
		Regions           []xmlMRAPRegion `xml:"Regions>Region"`
	} `xml:"Details"`
}

func badRequest(w http.ResponseWriter, msg string) {
	writeError(w, http.StatusBadRequest, "InvalidRequest", msg)
}

func (s *Server) createMRAP(w http.ResponseWriter, r *http.Request) {
	var req createMRAPRequest
	if !decodeBody(w, r, &req) {
		return
	}
	d := req.Details
	if !mrapNameRE.MatchString(d.Name) {
		badRequest(w, "Multi-Region Access Point names are 3 to 50 lowercase letters, digits and dashes, and neither begin nor end with a dash")
		return
	}
	if len(d.Regions) == 0 || len(d.Regions) > maxMRAPRegions {
		badRequest(w, "A Multi-Region Access Point has between 1 and 20 Regions")
		return
	}
	// New Multi-Region Access Points have all four settings on; a
	// configuration in the request replaces them (an omitted flag is false).
	bpa := PublicAccessBlock{true, true, true, true}
	if d.PublicAccessBlock != nil {
		bpa = d.PublicAccessBlock.value()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	op := s.newOp("CreateMultiRegionAccessPoint", "<CreateMultiRegionAccessPointRequest>"+createParams(d.Name, bpa, d.Regions)+"</CreateMultiRegionAccessPointRequest>")
	var regions []mrapRegion
	seen := map[string]bool{}
	for _, reg := range d.Regions {
		acct := reg.BucketAccountID
		if acct == "" {
			acct = s.account
		}
		rr := mrapRegion{bucket: reg.Bucket, bucketAccount: acct, region: s.region}
		exists := true
		if loc, ok := s.buckets.(BucketLocator); ok {
			owner, region, found := loc.BucketLocation(reg.Bucket)
			exists = found && (owner == "" || owner == acct)
			rr.region = region
		} else if s.buckets != nil {
			exists = s.buckets.BucketExists(reg.Bucket)
		}
		switch {
		case !exists:
			op.fail("NoSuchBucket", "The specified bucket does not exist: "+reg.Bucket)
		case seen[rr.region]:
			op.fail("InvalidRequest", "A Multi-Region Access Point has exactly one bucket in each Region; two are in "+rr.region)
		}
		seen[rr.region] = true
		regions = append(regions, rr)
	}
	switch {
	case op.errCode != "":
	case s.mraps[d.Name] != nil:
		op.fail("MultiRegionAccessPointAlreadyOwnedByYou", "A Multi-Region Access Point of this name already exists in the account")
	case len(s.mraps) >= maxMRAPs:
		op.fail("TooManyMultiRegionAccessPoints", "An account has at most 100 Multi-Region Access Points")
	default:
		s.mraps[d.Name] = &mrapState{name: d.Name, alias: s.mrapAlias(), bpa: bpa, regions: regions, created: s.now().UTC()}
		op.regions = regions
	}
	s.writeToken(w, "CreateMultiRegionAccessPointResult", op)
}

func createParams(name string, bpa PublicAccessBlock, regions []xmlMRAPRegion) string {
	var b strings.Builder
	b.WriteString("<Name>" + esc(name) + "</Name><PublicAccessBlock>" + bpaXML(bpa) + "</PublicAccessBlock><Regions>")
	for _, r := range regions {
		b.WriteString("<Region><Bucket>" + esc(r.Bucket) + "</Bucket>")
		if r.BucketAccountID != "" {
			b.WriteString("<BucketAccountId>" + esc(r.BucketAccountID) + "</BucketAccountId>")
		}
		b.WriteString("</Region>")
	}
	b.WriteString("</Regions>")
	return b.String()
}

// newOp records an asynchronous operation, SUCCEEDED unless it fails
// later. Call with s.mu held.
func (s *Server) newOp(operation, params string) *asyncOp {
	s.opSeq++
	sum := sha256.Sum256([]byte(s.account + "/op/" + strconv.Itoa(s.opSeq)))
	verb := map[string]string{"CreateMultiRegionAccessPoint": "create", "DeleteMultiRegionAccessPoint": "delete", "PutMultiRegionAccessPointPolicy": "put-policy"}[operation]
	op := &asyncOp{
		token:     "arn:" + mrap.Partition() + ":s3:" + MRAPRegion + ":" + s.account + ":async-request/mrap/" + verb + "/" + hex.EncodeToString(sum[:16]),
		operation: operation, status: "SUCCEEDED", created: s.now().UTC(), params: params,
	}
	s.asyncOps[op.token] = op
	return op
}

func (op *asyncOp) fail(code, msg string) {
	if op.errCode == "" {
		op.status, op.errCode, op.errMsg = "FAILED", code, msg
	}
}

func (s *Server) writeToken(w http.ResponseWriter, result string, op *asyncOp) {
	writeXML(w, http.StatusOK, `<`+result+` xmlns="`+xmlns+`"><RequestTokenARN>`+esc(op.token)+`</RequestTokenARN></`+result+`>`)
}

func (s *Server) deleteMRAP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Details struct {
			Name string `xml:"Name"`
		} `xml:"Details"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	name := req.Details.Name
	if !mrapNameRE.MatchString(name) {
		badRequest(w, "Details must name the Multi-Region Access Point to delete")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	op := s.newOp("DeleteMultiRegionAccessPoint", "<DeleteMultiRegionAccessPointRequest><Name>"+esc(name)+"</Name></DeleteMultiRegionAccessPointRequest>")
	if s.mraps[name] == nil {
		op.fail("NoSuchMultiRegionAccessPoint", "The specified Multi-Region Access Point does not exist.")
	} else {
		delete(s.mraps, name)
	}
	s.writeToken(w, "DeleteMultiRegionAccessPointResult", op)
}

func (s *Server) putMRAPPolicy(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Details struct {
			Name   string `xml:"Name"`
			Policy string `xml:"Policy"`
		} `xml:"Details"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	name, doc := req.Details.Name, req.Details.Policy
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.lookupMRAP(w, name)
	if m == nil {
		return
	}
	if msg := checkAccessPointPolicy(doc, s.mrapARN(m.alias)); msg != "" {
		writeError(w, http.StatusBadRequest, "MalformedPolicy", msg)
		return
	}
	// With BlockPublicPolicy on the Multi-Region Access Point (or the
	// account), a public policy is refused, as for access points.
	acct, _ := s.getBPA()
	if m.bpa.BlockPublicPolicy || acct.BlockPublicPolicy {
		public, err := s.judge(doc, false)
		if err != nil {
			writeError(w, http.StatusBadRequest, "MalformedPolicy", err.Error())
			return
		}
		if public {
			writeError(w, http.StatusForbidden, "AccessDenied", "Access Denied")
			return
		}
	}
	m.policy, m.hasPolicy = doc, true
	m.proposed, m.hasProposed = "", false
	op := s.newOp("PutMultiRegionAccessPointPolicy", "<PutMultiRegionAccessPointPolicyRequest><Name>"+esc(name)+"</Name><Policy>"+esc(doc)+"</Policy></PutMultiRegionAccessPointPolicyRequest>")
	s.writeToken(w, "PutMultiRegionAccessPointPolicyResult", op)
}

// lookupMRAP returns the Multi-Region Access Point, or writes
// NoSuchMultiRegionAccessPoint and returns nil. Call with s.mu held.
func (s *Server) lookupMRAP(w http.ResponseWriter, name string) *mrapState {
	m := s.mraps[name]
	if m == nil {
		writeError(w, http.StatusNotFound, "NoSuchMultiRegionAccessPoint", "The specified Multi-Region Access Point does not exist.")
	}
	return m
}

func (s *Server) describeMRAPOperation(w http.ResponseWriter, token string) {
	s.mu.Lock()
	op := s.asyncOps[token]
	s.mu.Unlock()
	if op == nil {
		writeError(w, http.StatusNotFound, "NoSuchAsyncRequest", "The specified async request does not exist.")
		return
	}
	var b strings.Builder
	b.WriteString(`<DescribeMultiRegionAccessPointOperationResult xmlns="` + xmlns + `"><AsyncOperation><CreationTime>` + op.created.Format(time.RFC3339) +
		`</CreationTime><Operation>` + op.operation + `</Operation><RequestTokenARN>` + esc(op.token) + `</RequestTokenARN><RequestParameters>` + op.params +
		`</RequestParameters><RequestStatus>` + op.status + `</RequestStatus><ResponseDetails>`)
	if op.errCode != "" {
		b.WriteString(`<ErrorDetails><Code>` + esc(op.errCode) + `</Code><Message>` + esc(op.errMsg) + `</Message></ErrorDetails>`)
	} else if len(op.regions) > 0 {
		b.WriteString(`<MultiRegionAccessPointDetails><Regions>`)
		for _, r := range op.regions {
			b.WriteString(`<Region><Name>` + esc(r.region) + `</Name><RequestStatus>COMPLETED</RequestStatus></Region>`)
		}
		b.WriteString(`</Regions></MultiRegionAccessPointDetails>`)
	}
	b.WriteString(`</ResponseDetails></AsyncOperation></DescribeMultiRegionAccessPointOperationResult>`)
	writeXML(w, http.StatusOK, b.String())
}

func mrapReport(m *mrapState) string {
	var b strings.Builder
	b.WriteString(`<Name>` + esc(m.name) + `</Name><Alias>` + esc(m.alias) + `</Alias><CreatedAt>` + m.created.Format(time.RFC3339) +
		`</CreatedAt><PublicAccessBlock>` + bpaXML(m.bpa) + `</PublicAccessBlock><Status>READY</Status><Regions>`)
	for _, r := range m.regions {
		b.WriteString(`<Region><Bucket>` + esc(r.bucket) + `</Bucket><Region>` + esc(r.region) + `</Region><BucketAccountId>` + esc(r.bucketAccount) + `</BucketAccountId></Region>`)
	}
	b.WriteString(`</Regions>`)
	return b.String()
}

func (s *Server) getMRAP(w http.ResponseWriter, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.lookupMRAP(w, name)
	if m == nil {
		return
	}
	writeXML(w, http.StatusOK, `<GetMultiRegionAccessPointResult xmlns="`+xmlns+`"><AccessPoint>`+mrapReport(m)+`</AccessPoint></GetMultiRegionAccessPointResult>`)
}

func (s *Server) listMRAPs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, after, ok := listPage(w, q, maxMRAPs, "mrap:")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for n := range s.mraps {
		if n > after {
			names = append(names, n)
		}
	}
	names, next := cutPage(names, limit, "mrap:")
	var b strings.Builder
	b.WriteString(`<ListMultiRegionAccessPointsResult xmlns="` + xmlns + `"><AccessPoints>`)
	for _, n := range names {
		b.WriteString(`<AccessPoint>` + mrapReport(s.mraps[n]) + `</AccessPoint>`)
	}
	b.WriteString(`</AccessPoints>`)
	if next != "" {
		b.WriteString(`<NextToken>` + next + `</NextToken>`)
	}
	b.WriteString(`</ListMultiRegionAccessPointsResult>`)
	writeXML(w, http.StatusOK, b.String())
}

func (s *Server) getMRAPPolicy(w http.ResponseWriter, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.lookupMRAP(w, name)
	if m == nil {
		return
	}
	// A policy written through the API is in effect in every Region at
	// once here: the established and the proposed policy are the same,
	// unless a test proposed another.
	pol := ""
	if m.hasPolicy {
		pol = `<Established><Policy>` + esc(m.policy) + `</Policy></Established>`
	}
	switch {
	case m.hasProposed:
		pol += `<Proposed><Policy>` + esc(m.proposed) + `</Policy></Proposed>`
	case m.hasPolicy:
		pol += `<Proposed><Policy>` + esc(m.policy) + `</Policy></Proposed>`
	}
	writeXML(w, http.StatusOK, `<GetMultiRegionAccessPointPolicyResult xmlns="`+xmlns+`"><Policy>`+pol+`</Policy></GetMultiRegionAccessPointPolicyResult>`)
}

// ProposeMultiRegionAccessPointPolicy makes doc the proposed policy of
// the Multi-Region Access Point name, its established policy unchanged: an
// update still being applied ("When you update the policy, the update is
// first listed as the proposed policy. After the update is finished and
// all Regions have been updated, the proposed policy is listed as the
// established policy", API reference, MultiRegionAccessPointPolicyDocument).
// It reports whether name exists.
func (s *Server) ProposeMultiRegionAccessPointPolicy(name, doc string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.mraps[name]
	if m != nil {
		m.proposed, m.hasProposed = doc, true
	}
	return m != nil
}

func (s *Server) getMRAPPolicyStatus(w http.ResponseWriter, name string) {
	s.mu.Lock()
	m := s.lookupMRAP(w, name)
	var doc string
	var has bool
	if m != nil {
		doc, has = m.policy, m.hasPolicy
	}
	s.mu.Unlock()
	if m == nil {
		return
	}
	public := false
	if has {
		var err error
		if public, err = s.judge(doc, false); err != nil {
			writeError(w, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
			return
		}
	}
	writeXML(w, http.StatusOK, `<GetMultiRegionAccessPointPolicyStatusResult xmlns="`+xmlns+`"><Established><IsPublic>`+strconv.FormatBool(public)+`</IsPublic></Established></GetMultiRegionAccessPointPolicyStatusResult>`)
}
