package securebucket

// CloudTrail data events for S3 objects: audit Security Hub S3.22 (write)
// and S3.23 (read), and set up event selectors on an existing trail.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/s3secure/s3secure/internal/credsafe"
	"github.com/s3secure/s3secure/internal/rmw"
	"github.com/s3secure/s3secure/internal/setuperr"
	"github.com/s3secure/s3secure/policy"
)

// TrailsAPI is the part of the CloudTrail API that [AuditDataEvents],
// [PlanDataEvents] and [ApplyDataEvents] use. A *cloudtrail.Client
// satisfies it.
type TrailsAPI interface {
	DescribeTrails(ctx context.Context, in *cloudtrail.DescribeTrailsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error)
	GetTrailStatus(ctx context.Context, in *cloudtrail.GetTrailStatusInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error)
	GetEventSelectors(ctx context.Context, in *cloudtrail.GetEventSelectorsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.GetEventSelectorsOutput, error)
	PutEventSelectors(ctx context.Context, in *cloudtrail.PutEventSelectorsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.PutEventSelectorsOutput, error)
}

var _ TrailsAPI = (*cloudtrail.Client)(nil)

// CloudTrail sentinel errors.
var (
	// ErrInvalidDataEvents means a trail name or bucket name given to
	// [PlanDataEvents] or [AuditDataEvents] is not valid. No request was sent.
	ErrInvalidDataEvents = errors.New("securebucket: invalid data events request")

	// ErrDataEventsSelectorLimit means the trail already has the maximum of
	// five basic event selectors, none of which the S3 data resources can
	// join. Nothing was written.
	ErrDataEventsSelectorLimit = errors.New("securebucket: trail has no room for another event selector")

	// ErrDataEventsChanged means the trail's event selectors changed between
	// PlanDataEvents and ApplyDataEvents (nothing was written), or another
	// writer replaced the selectors ApplyDataEvents wrote. Plan again.
	ErrDataEventsChanged = errors.New("securebucket: trail event selectors changed since the plan")
)

// Control ids and CIS recommendations for S3 data events.
const (
	ctCISWrite = "3.8" // CIS AWS Foundations Benchmark v5.0.0
	ctCISRead  = "3.9"

	// DataEventsSelectorName names the advanced event selector this package
	// writes; a selector with this name is merged into, never duplicated,
	// while it has the shape this package writes (one its owner has
	// narrowed or changed since is kept as it is, and a selector of this
	// name is added beside it).
	DataEventsSelectorName = "S3SecureDataEvents"

	ctS3Object = "AWS::S3::Object"

	// ctAccountResource is the Resource of an account-wide data events
	// result ([AuditAccount] replaces it with the account id).
	ctAccountResource = "account"
)

// DataEventsCoverage says which S3 object-level data events a set of event
// selectors records for a bucket (or for all buckets).
type DataEventsCoverage struct {
	Read, Write bool
}

// s3ObjectsPrefix is the resource ARN prefix of bucket's objects in
// partition, or of all objects when bucket is "".
func s3ObjectsPrefix(partition, bucket string) string {
	if bucket == "" {
		return "arn:" + partition + ":s3:::"
	}
	return "arn:" + partition + ":s3:::" + bucket + "/"
}

// trailPartition is the partition of a trail's ARN: the partition its data
// resource values name. A trail whose ARN is unknown or names no partition
// is taken to be in aws.
func trailPartition(trailARN string) string {
	if p, ok := policy.ARNPartition(trailARN); ok {
		return p
	}
	return "aws"
}

// ctAllBucketsValue reports whether a basic data resource value selects the
// objects of every bucket of partition ("arn:aws:s3" in the API reference,
// "arn:aws:s3:::" in older documentation and CIS remediation).
func ctAllBucketsValue(partition, v string) bool {
	return v == "arn:"+partition+":s3" || v == "arn:"+partition+":s3:::"
}

// SelectorsCoverage returns which S3 object data events the selectors
// record for bucket ("" means: for every bucket). Basic selectors count
// when a data resource of type AWS::S3::Object selects all buckets or the
// whole bucket ("arn:aws:s3:::bucket/"). Advanced selectors count when they
// select eventCategory Data and resources.type AWS::S3::Object, without
// filters that drop or may drop some of the bucket's events (eventName,
// userIdentity.arn, any resources.ARN operator but StartsWith, a field
// given twice, …); readOnly narrows
// them to read or write, and resources.ARN StartsWith must cover the
// bucket's objects. Buckets are named in the aws partition
// ("arn:aws:s3:::bucket/"); for a trail in another partition use
// [SelectorsCoverageIn].
func SelectorsCoverage(basic []cttypes.EventSelector, advanced []cttypes.AdvancedEventSelector, bucket string) DataEventsCoverage {
	return SelectorsCoverageIn("aws", basic, advanced, bucket)
}

// SelectorsCoverageIn is [SelectorsCoverage] for a trail in partition
// ("aws-cn", "aws-us-gov", …; [policy.ARNPartition] of the trail's ARN):
// a bucket is named by its ARN in that partition ("arn:aws-cn:s3:::bucket/"),
// so a selector naming it in another partition does not cover it.
// AuditDataEvents and PlanDataEvents take the partition from each trail's
// ARN.
func SelectorsCoverageIn(partition string, basic []cttypes.EventSelector, advanced []cttypes.AdvancedEventSelector, bucket string) DataEventsCoverage {
	var c DataEventsCoverage
	target := s3ObjectsPrefix(partition, bucket)
	for _, sel := range basic {
		covered := false
		for _, dr := range sel.DataResources {
			if aws.ToString(dr.Type) != ctS3Object {
				continue
			}
			for _, v := range dr.Values {
				if ctAllBucketsValue(partition, v) || bucket != "" && v == target {
					covered = true
				}
			}
		}
		if !covered {
			continue
		}
		switch sel.ReadWriteType {
		case cttypes.ReadWriteTypeReadOnly:
			c.Read = true
		case cttypes.ReadWriteTypeWriteOnly:
			c.Write = true
		default: // All, or empty (the API's default is All)
			c.Read, c.Write = true, true
		}
	}
	for _, sel := range advanced {
		r, w := advancedCoverage(sel, target)
		c.Read = c.Read || r
		c.Write = c.Write || w
	}
	return c
}

func advancedCoverage(sel cttypes.AdvancedEventSelector, target string) (read, write bool) {
	// Field selectors are ANDed. A field given twice (one selector
	// NotStartsWith, another StartsWith) is not counted: a map keeping the
	// last of them read such a selector as covering every object.
	fields := map[string]cttypes.AdvancedFieldSelector{}
	for _, f := range sel.FieldSelectors {
		name := aws.ToString(f.Field)
		if _, twice := fields[name]; twice {
			return false, false
		}
		fields[name] = f
	}
	onlyEquals := func(f cttypes.AdvancedFieldSelector) bool {
		return len(f.StartsWith)+len(f.EndsWith)+len(f.NotEquals)+len(f.NotStartsWith)+len(f.NotEndsWith) == 0
	}
	cat, ok := fields["eventCategory"]
	if !ok || !onlyEquals(cat) || !slices.Contains(cat.Equals, "Data") {
		return false, false
	}
	typ, ok := fields["resources.type"]
	if !ok || !onlyEquals(typ) || !slices.Contains(typ.Equals, ctS3Object) {
		return false, false
	}
	read, write = true, true
	if ro, ok := fields["readOnly"]; ok {
		if !onlyEquals(ro) {
			return false, false
		}
		read, write = slices.Contains(ro.Equals, "true"), slices.Contains(ro.Equals, "false")
	}
	if arn, ok := fields["resources.ARN"]; ok {
		// Equals or EndsWith beside StartsWith may narrow it (the API
		// reference does not say how the operators of one field combine):
		// not counted, like the Not… operators.
		if len(arn.NotEquals)+len(arn.NotStartsWith)+len(arn.NotEndsWith)+len(arn.Equals)+len(arn.EndsWith) > 0 {
			return false, false
		}
		covered := false
		for _, v := range arn.StartsWith {
			if strings.HasPrefix(target, v) {
				covered = true
			}
		}
		if !covered {
			return false, false
		}
	}
	for name, f := range fields {
		switch name {
		case "eventCategory", "resources.type", "readOnly", "resources.ARN":
		case "eventSource":
			if !onlyEquals(f) || !slices.Contains(f.Equals, "s3.amazonaws.com") {
				return false, false
			}
		default:
			// eventName, userIdentity.arn, errorCode, eventType, … drop events.
			return false, false
		}
	}
	return read, write
}

// DataEventsAuditOptions configure [AuditDataEvents]. nil means: for all
// buckets, as Security Hub checks.
type DataEventsAuditOptions struct {
	// Bucket checks that the bucket's object events are recorded (a trail
	// for all buckets or one selecting this bucket passes). Empty means all
	// buckets, as Security Hub S3.22 and S3.23 require.
	Bucket string

	// AllowInsecureTransport lets AuditDataEvents read over plain HTTP from a host
	// that is not loopback (127.0.0.0/8, ::1, localhost). By default such
	// a call is refused before any request with a [*RemotePlainHTTPError]:
	// SigV4 signs the requests, but nothing authenticates the answers, so
	// anyone on the network path (a proxy, a container network, a mistyped
	// AWS_ENDPOINT_URL) can rewrite them into a PASS and read the
	// policies. A client that does not let the call see its endpoint (a
	// wrapper that drops the per-call options, a test double) is refused
	// the same way, with an empty Endpoint; this allows it too. Set it
	// only for a test server on a network you trust, or a client you know
	// uses TLS.
	AllowInsecureTransport bool
}

type trailFinding struct {
	arn, name string
	multi     bool
	logging   bool
	coverage  DataEventsCoverage
	err       error
}

// AuditDataEvents checks Security Hub S3.22 (object-level write events)
// and S3.23 (read events): at least one multi-Region trail that is logging
// must record the events for every bucket (or, with opts.Bucket, for that
// bucket), through basic or advanced event selectors. It returns two
// results, S3.22 then S3.23. Each is PASS when such a trail exists; UNKNOWN
// when none was found but a read failed (trails could not be listed, a
// trail's status or selectors could not be read: the missing trail could be
// the one that passes); FAIL otherwise, saying what each trail lacks.
// With opts.Bucket, each result's Resource is the bucket's ARN in the
// trails' partition (arn:aws-cn:s3:::bucket for trails in China; with no
// trail, the partition of the client's Region), the partition whose ARNs
// the trails' selectors are read in.
//
// AuditDataEvents returns [ErrInvalidDataEvents] for an invalid bucket name
// before any request, and stops at the first read that meets a setup
// problem (credentials that cannot be retrieved or that CloudTrail
// refuses, a refused connection, a host name that does not resolve, a TLS
// failure), returning its [*TrailError] and no results.
func AuditDataEvents(ctx context.Context, client TrailsAPI, opts *DataEventsAuditOptions) ([]AccountResult, error) {
	if opts == nil {
		opts = &DataEventsAuditOptions{}
	}
	if opts.Bucket != "" && !apBucketRE.MatchString(opts.Bucket) {
		return nil, fmt.Errorf("%w: bucket name %q is not valid", ErrInvalidDataEvents, opts.Bucket)
	}
	scope := "all buckets"
	if opts.Bucket != "" {
		scope = "bucket " + opts.Bucket
	}
	w, rd := ControlDataEventsWrite, ControlDataEventsRead
	write := acctResult(w, w.CIS(), w.Title(), w.Severity(), ctAccountResource)
	read := acctResult(rd, rd.CIS(), rd.Title(), rd.Severity(), ctAccountResource)
	write.Bucket, read.Bucket = opts.Bucket, opts.Bucket
	// results returns the two results, for one bucket named by its ARN in
	// partition.
	results := func(partition string) []AccountResult {
		if opts.Bucket != "" {
			write.Resource = "arn:" + partition + ":s3:::" + opts.Bucket
			read.Resource = write.Resource
		}
		return []AccountResult{write, read}
	}

	if acctIsNil(client) {
		for _, r := range []*AccountResult{&write, &read} {
			r.Status, r.Err, r.Message = StatusUnknown, errAcctNoClient, "trails could not be read: no CloudTrail client"
		}
		return results("aws"), nil
	}
	if !opts.AllowInsecureTransport {
		if err := refuseRemote(ctx, "AuditDataEvents", "DataEventsAuditOptions", probeTrails(client)); err != nil {
			return nil, err
		}
	}
	trails, err := client.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)}, noSetupRetryTrail)
	if err != nil {
		err = &TrailError{Operation: "DescribeTrails", Err: err}
		if setuperr.Is(err) {
			return nil, err
		}
		for _, r := range []*AccountResult{&write, &read} {
			r.Status, r.Err, r.Message = StatusUnknown, err, "trails could not be listed: "+acctTrim(err)
		}
		return results(trailsPartition(client, nil)), nil
	}
	var findings []trailFinding
	for _, t := range trails.TrailList {
		f := trailFinding{arn: aws.ToString(t.TrailARN), name: aws.ToString(t.Name), multi: aws.ToBool(t.IsMultiRegionTrail)}
		id := f.arn
		if id == "" {
			id = f.name
		}
		if !f.multi {
			findings = append(findings, f)
			continue
		}
		st, err := client.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(id)}, noSetupRetryTrail)
		if err != nil {
			f.err = &TrailError{Trail: id, Operation: "GetTrailStatus", Err: err}
			if setuperr.Is(err) {
				return nil, f.err
			}
			findings = append(findings, f)
			continue
		}
		f.logging = aws.ToBool(st.IsLogging)
		sel, err := client.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(id)}, noSetupRetryTrail)
		if err != nil {
			f.err = &TrailError{Trail: id, Operation: "GetEventSelectors", Err: err}
			if setuperr.Is(err) {
				return nil, f.err
			}
			findings = append(findings, f)
			continue
		}
		f.coverage = SelectorsCoverageIn(trailPartition(f.arn), sel.EventSelectors, sel.AdvancedEventSelectors, opts.Bucket)
		findings = append(findings, f)
	}
	judge := func(r *AccountResult, kind string, covers func(DataEventsCoverage) bool) {
		var notes, stopped []string
		var errs []error
		for _, f := range findings {
			switch {
			case f.multi && f.err == nil && f.logging && covers(f.coverage):
				r.Status = StatusPass
				r.Message = fmt.Sprintf("multi-Region trail %s logs S3 object-level %s events for %s", f.name, kind, scope)
				return
			case !f.multi:
				notes = append(notes, "trail "+f.name+" is not multi-Region")
			case f.err != nil:
				errs = append(errs, f.err)
				notes = append(notes, "trail "+f.name+" could not be read: "+acctTrim(f.err))
			case !covers(f.coverage):
				notes = append(notes, "trail "+f.name+" does not select S3 object-level "+kind+" events for "+scope)
			case !f.logging:
				notes = append(notes, "trail "+f.name+" selects them but is not logging")
				stopped = append(stopped, f.name)
			}
		}
		if len(findings) == 0 {
			// PlanDataEvents changes an existing trail's selectors: with
			// none, its remediation would fail with TrailNotFound.
			notes = append(notes, "no trails; create a multi-Region trail (CloudTrail CreateTrail), then")
		}
		if len(errs) > 0 {
			r.Status, r.Err = StatusUnknown, errors.Join(errs...)
		} else {
			r.Status = StatusFail
		}
		// A trail that selects the events but is stopped needs its
		// logging started, which PlanDataEvents does not do.
		const setUp = "set up data events with securebucket.PlanDataEvents (they are billed per event)"
		switch {
		case len(findings) == 0:
			r.Message = notes[0] + " " + setUp
		case len(stopped) == 0:
			r.Message = strings.Join(notes, "; ") + "; " + setUp
		case len(stopped) == len(notes) && len(stopped) == 1:
			r.Message = notes[0] + "; start its logging (CloudTrail StartLogging)"
		case len(stopped) == len(notes):
			r.Message = strings.Join(notes, "; ") + "; start their logging (CloudTrail StartLogging)"
		default:
			r.Message = strings.Join(notes, "; ") + "; start the logging of trail " + strings.Join(stopped, ", ") +
				" (CloudTrail StartLogging), or " + setUp
		}
	}
	judge(&write, "write", func(c DataEventsCoverage) bool { return c.Write })
	judge(&read, "read", func(c DataEventsCoverage) bool { return c.Read })
	return results(trailsPartition(client, trails.TrailList)), nil
}

// trailsPartition returns the partition the trails of client are in: that
// of the first trail whose ARN names one, else the one aws-sdk-go-v2
// resolves the client's Region in (policy.EndpointPartition: a CloudTrail
// endpoint serves its own partition's trails), else aws. client is not
// nil.
func trailsPartition(client TrailsAPI, trails []cttypes.Trail) string {
	for _, t := range trails {
		if p, ok := policy.ARNPartition(aws.ToString(t.TrailARN)); ok {
			return p
		}
	}
	if c, ok := client.(interface{ Options() cloudtrail.Options }); ok && c.Options().Region != "" {
		return policy.EndpointPartition(c.Options().Region)
	}
	return "aws"
}

// TrailError reports a CloudTrail request that failed: the trail (if any),
// the operation, and the SDK error (a smithy.APIError, reachable with
// errors.As).
type TrailError struct {
	Trail     string
	Operation string
	Err       error
}

func (e *TrailError) Error() string {
	if e.Trail == "" {
		return fmt.Sprintf("securebucket: cloudtrail %s: %s", e.Operation, credsafe.Text(e.Err))
	}
	return fmt.Sprintf("securebucket: trail %s: %s: %s", e.Trail, e.Operation, credsafe.Text(e.Err))
}

func (e *TrailError) Unwrap() error { return e.Err }

// DataEventsOptions configure [PlanDataEvents]. nil means: read and write
// events for all buckets.
type DataEventsOptions struct {
	// Buckets limits the logging to these buckets. Empty means every bucket
	// in the account, which is what Security Hub S3.22 and S3.23 check.
	Buckets []string

	// AllowWriteOnly logs only write events (PutObject, DeleteObject, …),
	// not read events (GetObject, …), which are usually far more numerous
	// and so cost more. Reads of sensitive data then leave no trace, and
	// S3.23 fails. By default both are logged.
	AllowWriteOnly bool

	// AllowInsecureTransport lets PlanDataEvents, and ApplyDataEvents with
	// the plan it makes, read and write a trail's event selectors over
	// plain HTTP from a host that is not loopback (127.0.0.0/8, ::1,
	// localhost). By default such a client, or one that does not let them
	// see its endpoint, is refused before any request with a
	// [*RemotePlainHTTPError]: nothing authenticates the answers, so anyone
	// on the path could answer the read with other selectors, which the
	// write would then put in place of the trail's own.
	AllowInsecureTransport bool
}

// DataEventsPlan is what [ApplyDataEvents] will write to a trail. Nothing
// is written by planning.
type DataEventsPlan struct {
	// Trail is the trail's ARN (or name, if the trail reported no ARN).
	Trail string
	// UsesAdvanced is true when the trail uses advanced event selectors
	// (and the plan writes advanced selectors); false for basic selectors.
	UsesAdvanced bool
	// CurrentBasic and CurrentAdvanced are the selectors read from the trail.
	CurrentBasic    []cttypes.EventSelector
	CurrentAdvanced []cttypes.AdvancedEventSelector
	// NewBasic or NewAdvanced (per UsesAdvanced) are the full selectors
	// that will be written: the current ones, unchanged, plus what this
	// plan adds.
	NewBasic    []cttypes.EventSelector
	NewAdvanced []cttypes.AdvancedEventSelector
	// Logs says, one line each, which new events will be logged. Empty
	// when the trail already records everything asked for.
	Logs []string

	// missing are the buckets ("" for all) whose events PlanDataEvents
	// found not logged, and wantRead whether read events were asked for.
	missing  []string
	wantRead bool
	// allowInsecure is DataEventsOptions.AllowInsecureTransport of the
	// PlanDataEvents that made the plan.
	allowInsecure bool
}

// NoChange reports whether the trail already records what was asked.
func (p *DataEventsPlan) NoChange() bool { return len(p.Logs) == 0 }

// String describes the plan, including that data events are charged.
func (p *DataEventsPlan) String() string {
	if p.NoChange() {
		return "trail " + p.Trail + ": already logs the requested S3 data events; nothing to do"
	}
	return "trail " + p.Trail + ": will log " + strings.Join(p.Logs, "; ") +
		". CloudTrail charges for data events per event delivered (see https://aws.amazon.com/cloudtrail/pricing/); busy buckets produce many events."
}

// PlanDataEvents reads trail (a name or ARN) and plans the event selectors
// that make it record S3 object-level data events (read and write unless
// opts.AllowWriteOnly) for every bucket or for opts.Buckets. The user's
// selectors are kept: with basic selectors, the S3 data resource joins an
// existing selector of the same read/write type or a new selector is added
// (management events off in it, so management logging is unchanged); with
// advanced selectors, the selector named [DataEventsSelectorName] is added
// or extended (one of that name whose owner changed it since, with a
// field or an operator this package does not write, such as resources.ARN
// NotStartsWith, is kept as it is, field for field, and the buckets are
// added in a new selector beside it: selectors add up, so nothing it
// logged stops). Buckets already covered are left out. It writes nothing.
//
// Errors: [ErrInvalidDataEvents] for invalid names (no request sent);
// [ErrDataEventsSelectorLimit] when five basic selectors leave no room; a
// [*TrailError] wrapping the SDK error when the selectors cannot be read;
// a [*RemotePlainHTTPError] (no request sent) for a client that would send
// over plain HTTP to a host that is not loopback, or hides its endpoint,
// unless opts.AllowInsecureTransport.
func PlanDataEvents(ctx context.Context, client TrailsAPI, trail string, opts *DataEventsOptions) (*DataEventsPlan, error) {
	if opts == nil {
		opts = &DataEventsOptions{}
	}
	if trail == "" || len(trail) > 2048 {
		return nil, fmt.Errorf("%w: trail name or ARN %q", ErrInvalidDataEvents, trail)
	}
	for _, b := range opts.Buckets {
		if !apBucketRE.MatchString(b) || strings.Contains(b, "..") {
			return nil, fmt.Errorf("%w: bucket name %q is not valid", ErrInvalidDataEvents, b)
		}
	}
	if acctIsNil(client) {
		return nil, &TrailError{Trail: trail, Operation: "GetEventSelectors", Err: errAcctNoClient}
	}
	if !opts.AllowInsecureTransport {
		if err := refuseRemote(ctx, "PlanDataEvents", "DataEventsOptions", probeTrails(client)); err != nil {
			return nil, err
		}
	}
	sel, err := client.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(trail)}, noSetupRetryTrail)
	if err != nil {
		return nil, &TrailError{Trail: trail, Operation: "GetEventSelectors", Err: err}
	}
	p := &DataEventsPlan{Trail: trail, CurrentBasic: sel.EventSelectors, CurrentAdvanced: sel.AdvancedEventSelectors,
		allowInsecure: opts.AllowInsecureTransport}
	if a := aws.ToString(sel.TrailARN); a != "" {
		p.Trail = a
	}
	// The selectors name buckets in the trail's partition.
	partition := trailPartition(p.Trail)
	p.UsesAdvanced = len(sel.AdvancedEventSelectors) > 0

	wantRead := !opts.AllowWriteOnly
	targets := opts.Buckets
	if len(targets) == 0 {
		targets = []string{""}
	}
	// Which targets are not yet covered?
	var missing []string
	for _, b := range targets {
		c := SelectorsCoverageIn(partition, sel.EventSelectors, sel.AdvancedEventSelectors, b)
		if !c.Write || wantRead && !c.Read {
			missing = append(missing, b)
		}
	}
	if len(missing) == 0 {
		p.NewBasic, p.NewAdvanced = sel.EventSelectors, sel.AdvancedEventSelectors
		return p, nil
	}
	kind := "read and write"
	if !wantRead {
		kind = "write"
	}
	for _, b := range missing {
		if b == "" {
			p.Logs = append(p.Logs, "S3 object-level "+kind+" data events for all buckets in the account")
		} else {
			p.Logs = append(p.Logs, "S3 object-level "+kind+" data events for bucket "+b)
		}
	}
	p.missing, p.wantRead = missing, wantRead
	if p.UsesAdvanced {
		p.NewAdvanced = ctMergeAdvanced(partition, sel.AdvancedEventSelectors, missing, wantRead)
		return p, nil
	}
	basic, err := ctMergeBasic(partition, sel.EventSelectors, missing, wantRead)
	if err != nil {
		return nil, fmt.Errorf("%w (trail %s)", err, p.Trail)
	}
	p.NewBasic = basic
	return p, nil
}

func ctValues(partition string, buckets []string) []string {
	var vs []string
	for _, b := range buckets {
		if b == "" {
			return []string{"arn:" + partition + ":s3"}
		}
		vs = append(vs, s3ObjectsPrefix(partition, b))
	}
	return vs
}

func ctMergeBasic(partition string, cur []cttypes.EventSelector, buckets []string, read bool) ([]cttypes.EventSelector, error) {
	rw := cttypes.ReadWriteTypeAll
	if !read {
		rw = cttypes.ReadWriteTypeWriteOnly
	}
	values := ctValues(partition, buckets)
	out := make([]cttypes.EventSelector, len(cur))
	for i, s := range cur {
		out[i] = s
		out[i].DataResources = slices.Clone(s.DataResources)
	}
	for i := range out {
		if out[i].ReadWriteType != rw && !(rw == cttypes.ReadWriteTypeAll && out[i].ReadWriteType == "") {
			continue
		}
		for j := range out[i].DataResources {
			dr := &out[i].DataResources[j]
			if aws.ToString(dr.Type) == ctS3Object {
				vs := slices.Clone(dr.Values)
				for _, v := range values {
					if !slices.Contains(vs, v) {
						vs = append(vs, v)
					}
				}
				dr.Values = vs
				return out, nil
			}
		}
		out[i].DataResources = append(out[i].DataResources, cttypes.DataResource{Type: aws.String(ctS3Object), Values: values})
		return out, nil
	}
	if len(out) >= 5 {
		return nil, ErrDataEventsSelectorLimit
	}
	return append(out, cttypes.EventSelector{
		ReadWriteType: rw, IncludeManagementEvents: aws.Bool(false),
		DataResources: []cttypes.DataResource{{Type: aws.String(ctS3Object), Values: values}},
	}), nil
}

func ctMergeAdvanced(partition string, cur []cttypes.AdvancedEventSelector, buckets []string, read bool) []cttypes.AdvancedEventSelector {
	out := slices.Clone(cur)
	var prefixes []string
	all := false
	for _, b := range buckets {
		if b == "" {
			all = true
		}
		prefixes = append(prefixes, s3ObjectsPrefix(partition, b))
	}
	// Our selector as we write it is extended; one its owner changed since
	// (a field or an operator we never write: a prefix left out, reads
	// only, an event name) is theirs, kept as it is, and the buckets go
	// into a selector beside it: rewriting it would drop what they set, and
	// turn "every bucket but data/tmp/" into "the new bucket alone".
	idx := slices.IndexFunc(out, func(s cttypes.AdvancedEventSelector) bool {
		return aws.ToString(s.Name) == DataEventsSelectorName && ctOurShape(s)
	})
	if idx >= 0 {
		// Extend our own selector: keep the buckets it already had.
		for _, f := range out[idx].FieldSelectors {
			if aws.ToString(f.Field) == "resources.ARN" {
				for _, v := range f.StartsWith {
					if !slices.Contains(prefixes, v) {
						prefixes = append(prefixes, v)
					}
				}
			}
		}
		if !slices.ContainsFunc(out[idx].FieldSelectors, func(f cttypes.AdvancedFieldSelector) bool { return aws.ToString(f.Field) == "resources.ARN" }) {
			all = true
		}
		// Never narrower than before: if our selector logged reads, it
		// still does.
		ro := slices.IndexFunc(out[idx].FieldSelectors, func(f cttypes.AdvancedFieldSelector) bool { return aws.ToString(f.Field) == "readOnly" })
		if ro < 0 || slices.Contains(out[idx].FieldSelectors[ro].Equals, "true") {
			read = true
		}
	}
	fs := []cttypes.AdvancedFieldSelector{
		{Field: aws.String("eventCategory"), Equals: []string{"Data"}},
		{Field: aws.String("resources.type"), Equals: []string{ctS3Object}},
	}
	if !read {
		fs = append(fs, cttypes.AdvancedFieldSelector{Field: aws.String("readOnly"), Equals: []string{"false"}})
	}
	if !all {
		fs = append(fs, cttypes.AdvancedFieldSelector{Field: aws.String("resources.ARN"), StartsWith: prefixes})
	}
	sel := cttypes.AdvancedEventSelector{Name: aws.String(DataEventsSelectorName), FieldSelectors: fs}
	if idx >= 0 {
		out[idx] = sel
	} else {
		out = append(out, sel)
	}
	return out
}

// ctOurShape reports whether sel has the shape of the selector
// ctMergeAdvanced writes, and nothing else: eventCategory Equals Data,
// resources.type Equals AWS::S3::Object, and optionally readOnly Equals
// false and resources.ARN StartsWith, each field once.
func ctOurShape(sel cttypes.AdvancedEventSelector) bool {
	seen := map[string]bool{}
	for _, f := range sel.FieldSelectors {
		name := aws.ToString(f.Field)
		if seen[name] || len(f.EndsWith)+len(f.NotEquals)+len(f.NotStartsWith)+len(f.NotEndsWith) > 0 {
			return false
		}
		seen[name] = true
		switch name {
		case "eventCategory":
			if !slices.Equal(f.Equals, []string{"Data"}) || len(f.StartsWith) > 0 {
				return false
			}
		case "resources.type":
			if !slices.Equal(f.Equals, []string{ctS3Object}) || len(f.StartsWith) > 0 {
				return false
			}
		case "readOnly":
			if !slices.Equal(f.Equals, []string{"false"}) || len(f.StartsWith) > 0 {
				return false
			}
		case "resources.ARN":
			if len(f.Equals) > 0 || len(f.StartsWith) == 0 {
				return false
			}
		default:
			return false
		}
	}
	return seen["eventCategory"] && seen["resources.type"]
}

// ApplyDataEvents writes the plan's event selectors to its trail.
// PutEventSelectors replaces every selector of the trail, so the write
// follows the package's write discipline (see "Writes" in the package
// documentation): the selectors are read again just before the write and,
// unless they already log what the plan adds, must be those the plan was
// made from, or ApplyDataEvents refuses with [ErrDataEventsChanged] and a
// concurrent change is never overwritten; the plan's selectors are
// written (again from a fresh read after a retryable failure such as
// throttling) and read back. Selectors another writer put in place of ours
// after the write fail it with ErrDataEventsChanged too (plan again); a
// write the endpoint did not keep fails it with [ErrConflict]. A plan with
// nothing to change sends no request. A failed request is a
// [*TrailError]. Unless the plan was made with
// DataEventsOptions.AllowInsecureTransport, a client that would send over
// plain HTTP to a host that is not loopback, or hides its endpoint, is
// refused before any request with a [*RemotePlainHTTPError].
func ApplyDataEvents(ctx context.Context, client TrailsAPI, plan *DataEventsPlan) error {
	if plan == nil || plan.Trail == "" {
		return fmt.Errorf("%w: nil or empty plan", ErrInvalidDataEvents)
	}
	if plan.NoChange() {
		return nil
	}
	if acctIsNil(client) {
		return &TrailError{Trail: plan.Trail, Operation: "PutEventSelectors", Err: errAcctNoClient}
	}
	if !plan.allowInsecure {
		if err := refuseRemote(ctx, "ApplyDataEvents", "DataEventsOptions", probeTrails(client)); err != nil {
			return err
		}
	}
	want := ctSelectors{basic: plan.NewBasic, advanced: plan.NewAdvanced}
	if plan.UsesAdvanced {
		want.basic = nil
	} else {
		want.advanced = nil
	}
	op := "GetEventSelectors"
	out, err := runCycle(ctx, Retry{}, rmw.Cycle[ctSelectors, ctSelectors]{
		Key: rmw.Key("cloudtrail", plan.Trail, "eventSelectors"), What: "event selectors",
		Read: func(ctx context.Context) (ctSelectors, error) {
			op = "GetEventSelectors"
			sel, err := client.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(plan.Trail)}, noSetupRetryTrail)
			if err != nil {
				return ctSelectors{}, err
			}
			return ctSelectors{basic: sel.EventSelectors, advanced: sel.AdvancedEventSelectors}, nil
		},
		Merge: func(cur ctSelectors) (ctSelectors, []string, error) {
			if plan.loggedBy(cur) {
				return cur, nil, nil
			}
			if !ctSameBasic(cur.basic, plan.CurrentBasic) || !ctSameAdvanced(cur.advanced, plan.CurrentAdvanced) {
				return cur, nil, fmt.Errorf("%w (trail %s)", ErrDataEventsChanged, plan.Trail)
			}
			return want, plan.Logs, nil
		},
		Write: func(ctx context.Context, next ctSelectors) error {
			op = "PutEventSelectors"
			in := &cloudtrail.PutEventSelectorsInput{TrailName: aws.String(plan.Trail)}
			if plan.UsesAdvanced {
				in.AdvancedEventSelectors = next.advanced
			} else {
				in.EventSelectors = next.basic
			}
			_, err := client.PutEventSelectors(ctx, in, noSetupRetryTrail)
			return err
		},
		ReadFP:  ctSelectors.fp,
		WriteFP: ctSelectors.fp,
	})
	if errors.Is(err, ErrDataEventsChanged) {
		return err
	}
	if err == nil && len(out.NotKept) > 0 {
		op, err = "PutEventSelectors", notKeptError(out.NotKept)
	}
	if err != nil {
		return &TrailError{Trail: plan.Trail, Operation: op, Err: err}
	}
	return nil
}

// ctSelectors are a trail's event selectors, basic or advanced.
type ctSelectors struct {
	basic    []cttypes.EventSelector
	advanced []cttypes.AdvancedEventSelector
}

// fp identifies s: equal selectors give equal fingerprints.
func (s ctSelectors) fp() string {
	b, err := json.Marshal(struct {
		Basic    []cttypes.EventSelector
		Advanced []cttypes.AdvancedEventSelector
	}{s.basic, s.advanced})
	if err != nil {
		return "unmarshalable: " + err.Error()
	}
	return string(b)
}

// loggedBy reports whether s already logs what the plan adds: what
// PlanDataEvents found missing (each target's write events, and read
// events unless AllowWriteOnly), or, for a plan made by hand, exactly the
// plan's new selectors.
func (p *DataEventsPlan) loggedBy(s ctSelectors) bool {
	if len(p.missing) == 0 {
		return ctSameBasic(s.basic, p.NewBasic) && ctSameAdvanced(s.advanced, p.NewAdvanced)
	}
	for _, b := range p.missing {
		c := SelectorsCoverageIn(trailPartition(p.Trail), s.basic, s.advanced, b)
		if !c.Write || p.wantRead && !c.Read {
			return false
		}
	}
	return true
}

func ctSameBasic(a, b []cttypes.EventSelector) bool {
	return slices.EqualFunc(a, b, func(x, y cttypes.EventSelector) bool {
		return x.ReadWriteType == y.ReadWriteType && aws.ToBool(x.IncludeManagementEvents) == aws.ToBool(y.IncludeManagementEvents) &&
			slices.Equal(x.ExcludeManagementEventSources, y.ExcludeManagementEventSources) &&
			slices.EqualFunc(x.DataResources, y.DataResources, func(p, q cttypes.DataResource) bool {
				return aws.ToString(p.Type) == aws.ToString(q.Type) && slices.Equal(p.Values, q.Values)
			})
	})
}

func ctSameAdvanced(a, b []cttypes.AdvancedEventSelector) bool {
	return slices.EqualFunc(a, b, func(x, y cttypes.AdvancedEventSelector) bool {
		return aws.ToString(x.Name) == aws.ToString(y.Name) && slices.EqualFunc(x.FieldSelectors, y.FieldSelectors, func(p, q cttypes.AdvancedFieldSelector) bool {
			return aws.ToString(p.Field) == aws.ToString(q.Field) && slices.Equal(p.Equals, q.Equals) && slices.Equal(p.StartsWith, q.StartsWith) &&
				slices.Equal(p.EndsWith, q.EndsWith) && slices.Equal(p.NotEquals, q.NotEquals) && slices.Equal(p.NotStartsWith, q.NotStartsWith) &&
				slices.Equal(p.NotEndsWith, q.NotEndsWith)
		})
	})
}
