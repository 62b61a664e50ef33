package usage

import (
	"bytes"
	"encoding/json"
	"errors"

	"io"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/s3secure/s3secure/policy"
)

// maxRecordSize bounds one value of a CloudTrail file (a record, or another
// key's value): the decoder holds a value whole, so a larger one is
// refused, and ends the file, rather than read into memory.
const maxRecordSize = 1 << 20

// errRecordTooLarge is lineCounter's refusal to read on into a value
// larger than maxRecordSize.
var errRecordTooLarge = errors.New("usage: CloudTrail value larger than 1 MiB")

// ctRecord is the part of a CloudTrail record the parser reads (CloudTrail
// user guide, "CloudTrail record contents"; S3's data events in the S3 user
// guide, "Logging Amazon S3 API calls using AWS CloudTrail").
type ctRecord struct {
	EventTime    looseString `json:"eventTime"`
	EventSource  looseString `json:"eventSource"`
	EventName    looseString `json:"eventName"`
	AWSRegion    looseString `json:"awsRegion"`
	UserIdentity struct {
		Type           looseString `json:"type"`
		PrincipalID    looseString `json:"principalId"`
		ARN            looseString `json:"arn"`
		AccountID      looseString `json:"accountId"`
		InvokedBy      looseString `json:"invokedBy"`
		SessionContext struct {
			SessionIssuer struct {
				Type looseString `json:"type"`
				ARN  looseString `json:"arn"`
			} `json:"sessionIssuer"`
		} `json:"sessionContext"`
	} `json:"userIdentity"`
	SourceIPAddress   looseString `json:"sourceIPAddress"`
	UserAgent         looseString `json:"userAgent"`
	ErrorCode         looseString `json:"errorCode"`
	RequestID         looseString `json:"requestID"`
	RequestParameters *struct {
		BucketName looseString  `json:"bucketName"`
		Host       looseString  `json:"Host"`
		Key        looseString  `json:"key"`
		VersionID  looseString  `json:"versionId"`
		Prefix     *looseString `json:"prefix"`
		CopySource looseString  `json:"x-amz-copy-source"`
	} `json:"requestParameters"`
	AdditionalEventData struct {
		SignatureVersion     looseString `json:"SignatureVersion"`
		CipherSuite          looseString `json:"CipherSuite"`
		AuthenticationMethod looseString `json:"AuthenticationMethod"`
	} `json:"additionalEventData"`
	TLSDetails struct {
		TLSVersion               looseString `json:"tlsVersion"`
		CipherSuite              looseString `json:"cipherSuite"`
		ClientProvidedHostHeader looseString `json:"clientProvidedHostHeader"`
	} `json:"tlsDetails"`
	Resources []struct {
		Type looseString `json:"type"`
		ARN  looseString `json:"ARN"`
	} `json:"resources"`
}

// looseString is a JSON string; a value of another type (CloudTrail writes
// some fields as a string in one event and a list in another) reads as "",
// so an unexpected shape costs the field, not the record.
type looseString string

// UnmarshalJSON implements json.Unmarshaler.
func (l *looseString) UnmarshalJSON(b []byte) error {
	var s string
	if len(b) > 0 && b[0] == '"' && json.Unmarshal(b, &s) == nil {
		*l = looseString(s)
	}
	return nil
}

// ParseCloudTrail reads a CloudTrail log file from r (a JSON object with a
// "Records" array; gzip-compressed, as CloudTrail delivers it, or plain) and
// calls fn for each record of an S3 event (eventSource s3.amazonaws.com), in
// order. It decodes the file as a stream of tokens, one record at a time, so
// a large file is never held in memory. file names r in errors and in each Record.
//
// A record is mapped to a [Record]: the principal from userIdentity (an
// assumed role's session is collapsed to sessionContext.sessionIssuer, the
// role, path included; AWSAccount "ANONYMOUS_PRINCIPAL" is anonymous;
// another AWSAccount is that account's root, the most CloudTrail says;
// AWSService is the service in invokedBy), the bucket, key, versionId,
// prefix and x-amz-copy-source from requestParameters, Status 200 without
// an errorCode, 403 for AccessDenied and AllAccessDisabled, 404 for
// NoSuchKey, 400 for other errors. An event that names no key but lists object resources
// (DeleteObjects) gives one Record per object. An event of a request made
// through an access point (an AWS::S3::AccessPoint resource, its ARN
// Detail.AccessPointARN) or a Multi-Region Access Point (its host in
// tlsDetails.clientProvidedHostHeader or requestParameters.Host,
// Detail.HostHeader) has the bucket of its AWS::S3::Bucket resource, if it
// lists one: what bucketName holds for such a request is not documented.
//
// A record that cannot be read (a field of the wrong type, no eventName, a
// bad eventTime) is counted in the returned stats, with its file and line,
// and skipped. Broken JSON ends the file: the rest cannot be told apart, so
// it is counted once, as malformed, at the line where it breaks; so is
// anything but white space after the file's object; so does a
// value larger than 1 MiB (a record, or another key's), which is not read
// into memory. Records of
// other services are counted as Skipped. The record passed to fn is reused
// for the next one.
//
// Errors: a [*ReadError] for a failed read (or a broken gzip stream), or fn's error, returned as
// is; a read that r fails, io.ErrUnexpectedEOF included (a body cut short),
// is a failed read, not a truncated file. The stats are valid in every case.
func ParseCloudTrail(r io.Reader, file string, fn func(*Record) error) (*ParseStats, error) {
	stats := &ParseStats{}
	r, err := maybeGunzip(r)
	if err != nil {
		return stats, &ReadError{Object: file, Err: err}
	}
	lc := &lineCounter{r: r}
	dec := json.NewDecoder(lc)
	// Each token and value read starts the bound afresh (maxRecordSize).
	token := func() (json.Token, error) {
		lc.start = dec.InputOffset()
		return dec.Token()
	}
	broken := func(err error) (*ParseStats, error) {
		if lc.err != nil {
			// The read failed (a connection cut short gives
			// io.ErrUnexpectedEOF, as the decoder does for a truncated
			// file; so does a broken gzip stream): not the file's fault.
			return stats, &ReadError{Object: file, Err: lc.err}
		}
		if errors.Is(err, errRecordTooLarge) {
			stats.Lines++
			stats.malformed(file, lc.valueLine(dec.InputOffset()), "a value larger than 1 MiB: the rest of the file is not read")
			return stats, nil
		}
		var se *json.SyntaxError
		if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			stats.Lines++
			stats.malformed(file, lc.valueLine(dec.InputOffset()), "not a CloudTrail log file or truncated: "+jsonReason(err))
			return stats, nil
		}
		stats.Lines++
		stats.malformed(file, lc.valueLine(dec.InputOffset()), "not a CloudTrail log file: "+jsonReason(err))
		return stats, nil
	}
	if tok, err := token(); err != nil {
		if err == io.EOF && lc.off == 0 {
			return stats, nil // an empty file
		}
		return broken(err)
	} else if d, ok := tok.(json.Delim); !ok || d != '{' {
		return broken(errors.New("want a JSON object"))
	}
	var ct ctRecord
	var raw json.RawMessage
	p := &ctParser{file: file}
	for dec.More() {
		tok, err := token()
		if err != nil {
			return broken(err)
		}
		if tok != "Records" {
			var skip json.RawMessage
			lc.start = dec.InputOffset()
			if err := dec.Decode(&skip); err != nil {
				return broken(err)
			}
			continue
		}
		if tok, err := token(); err != nil {
			return broken(err)
		} else if d, ok := tok.(json.Delim); !ok || d != '[' {
			return broken(errors.New(`"Records" is not an array`))
		}
		for dec.More() {
			lc.start = dec.InputOffset()
			if err := dec.Decode(&raw); err != nil {
				return broken(err)
			}
			stats.Lines++
			// The line the record starts on: the line it ends on, less the
			// newlines inside it.
			line := lc.line(dec.InputOffset()) - bytes.Count(raw, []byte{'\n'})
			ct = ctRecord{}
			if err := json.Unmarshal(raw, &ct); err != nil {
				var te *json.UnmarshalTypeError
				if errors.As(err, &te) {
					stats.malformed(file, line, "field "+te.Field+": "+te.Value+" is the wrong type")
				} else {
					stats.malformed(file, line, jsonReason(err))
				}
				continue
			}
			if ferr := p.emit(&ct, line, stats, fn); ferr != nil {
				return stats, ferr
			}
		}
		if _, err := token(); err != nil { // ']'
			return broken(err)
		}
	}
	if _, err := token(); err != nil { // '}'
		return broken(err)
	}
	// A log file is one object: what follows it (another file run into
	// this one, junk) is counted once, never dropped unread.
	if _, err := token(); err != io.EOF {
		if lc.err != nil {
			return stats, &ReadError{Object: file, Err: lc.err}
		}
		reason := "data after the log file's JSON object"
		if err != nil {
			reason += ": " + jsonReason(err)
		}
		stats.Lines++
		stats.malformed(file, lc.valueLine(dec.InputOffset()), "not a CloudTrail log file: "+reason)
	}
	return stats, nil
}

func jsonReason(err error) string {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return se.Error()
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "unexpected end of file"
	}
	return err.Error()
}

type ctParser struct {
	file string
	rec  Record
}

// emit maps one CloudTrail record to Records and passes them to fn.
func (p *ctParser) emit(ct *ctRecord, line int, stats *ParseStats, fn func(*Record) error) error {
	if string(ct.EventSource) != "s3.amazonaws.com" {
		if string(ct.EventSource) == "" || string(ct.EventName) == "" {
			stats.malformed(p.file, line, "no eventSource or eventName")
			return nil
		}
		stats.Skipped++
		return nil
	}
	if string(ct.EventName) == "" {
		stats.malformed(p.file, line, "no eventName")
		return nil
	}
	t, err := time.Parse(time.RFC3339, string(ct.EventTime))
	if err != nil {
		stats.malformed(p.file, line, "bad eventTime "+quoteShort(string(ct.EventTime)))
		return nil
	}
	r := &p.rec
	*r = Record{File: p.file, Line: line, Time: t.UTC(), Operation: string(ct.EventName), RequestID: string(ct.RequestID), ErrorCode: string(ct.ErrorCode)}
	r.Requester, r.Principal = ctPrincipal(ct)
	// A session's role is named with its path only by sessionIssuer.
	r.roleFromIssuer = r.Principal.Kind == Role && r.Principal.ARN == string(ct.UserIdentity.SessionContext.SessionIssuer.ARN)
	if ip := net.ParseIP(string(ct.SourceIPAddress)); ip != nil {
		r.SourceIP = string(ct.SourceIPAddress)
	}
	switch string(ct.ErrorCode) {
	case "":
		r.Status = 200
	case "AccessDenied", "AllAccessDisabled":
		r.Status = 403
	case "NoSuchKey":
		r.Status = 404
	default:
		r.Status = 400
	}
	host := string(ct.TLSDetails.ClientProvidedHostHeader)
	if rp := ct.RequestParameters; rp != nil {
		r.Bucket, r.Key, r.VersionID = string(rp.BucketName), string(rp.Key), string(rp.VersionID)
		if rp.Prefix != nil {
			r.ListPrefix, r.HasListPrefix = string(*rp.Prefix), true
		}
		if string(rp.CopySource) != "" {
			r.CopySource, r.CopySourceVersionID = copySource(string(rp.CopySource))
		}
	}
	if rp := ct.RequestParameters; host == "" && rp != nil {
		host = string(rp.Host)
	}
	ap := accessPointOf(ct)
	if ap != "" || multiRegionAccessPointHost(host) {
		// Through an access point the resources name the bucket ("An
		// AWS::S3::Bucket" beside the AWS::S3::AccessPoint, S3 user
		// guide, "Monitoring and logging access points"); what
		// bucketName holds then is not documented.
		if b, ok := bucketOf(ct); ok {
			r.Bucket = b
		} else {
			r.unplacedAP = true
		}
	}
	cipher := string(ct.TLSDetails.CipherSuite)
	if cipher == "" {
		cipher = string(ct.AdditionalEventData.CipherSuite)
	}
	r.SetDetail(Detail{
		UserAgent: string(ct.UserAgent), SignatureVersion: string(ct.AdditionalEventData.SignatureVersion), CipherSuite: cipher,
		AuthType: string(ct.AdditionalEventData.AuthenticationMethod), HostHeader: host, TLSVersion: string(ct.TLSDetails.TLSVersion),
		AccessPointARN: ap,
	})
	stats.Records++
	if r.Key == "" && r.Bucket != "" {
		// DeleteObjects names its keys only as resources, in the
		// bucket's partition (arn:aws-cn:s3:::bucket/key in China).
		var keys []string
		for _, res := range ct.Resources {
			p, ok := policy.ARNPartition(string(res.ARN))
			if !ok || string(res.Type) != "AWS::S3::Object" {
				continue
			}
			if k, ok := strings.CutPrefix(string(res.ARN), "arn:"+p+":s3:::"+r.Bucket+"/"); ok {
				keys = append(keys, k)
			}
		}
		if len(keys) > 0 {
			for _, k := range keys {
				r.Key = k
				if err := fn(r); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return fn(r)
}

// accessPointOf returns the ARN of the event's AWS::S3::AccessPoint
// resource, "" when it lists none: CloudTrail names the access point a
// request came through only there ("CloudTrail log entries for requests
// made through access points include the access point ARN in the
// resources section of the log", S3 user guide, "Monitoring and logging
// access points").
func accessPointOf(ct *ctRecord) string {
	for _, res := range ct.Resources {
		if string(res.Type) == "AWS::S3::AccessPoint" && string(res.ARN) != "" {
			return string(res.ARN)
		}
	}
	return ""
}

// multiRegionAccessPointHost says whether host is a Multi-Region Access
// Point's, MRAP_alias.accesspoint.s3-global.amazonaws.com (the alias ends
// in .mrap): requests made through one "appear in your Amazon S3 server
// access logs and AWS CloudTrail logs with the Multi-Region Access Point
// hostname" (S3 user guide, "Monitoring and logging requests made through
// a Multi-Region Access Point to underlying resources").
func multiRegionAccessPointHost(host string) bool {
	return strings.Contains(strings.ToLower(host), ".mrap.accesspoint.s3-global.")
}

// bucketOf returns the bucket of the event's first AWS::S3::Bucket
// resource (arn:PARTITION:s3:::BUCKET), if it lists one.
func bucketOf(ct *ctRecord) (string, bool) {
	for _, res := range ct.Resources {
		if string(res.Type) != "AWS::S3::Bucket" {
			continue
		}
		p, ok := policy.ARNPartition(string(res.ARN))
		if !ok {
			continue
		}
		if b, ok := strings.CutPrefix(string(res.ARN), "arn:"+p+":s3:::"); ok && b != "" && !strings.Contains(b, "/") {
			return b, true
		}
	}
	return "", false
}

// ctPrincipal maps userIdentity to the requester and the principal.
func ctPrincipal(ct *ctRecord) (string, Principal) {
	u := &ct.UserIdentity
	switch string(u.Type) {
	case "Root", "IAMUser", "FederatedUser":
		p := parseARNPrincipal(string(u.ARN))
		if p.Kind != Unknown {
			return string(u.ARN), p
		}
	case "AssumedRole":
		if iss := u.SessionContext.SessionIssuer; string(iss.Type) == "Role" {
			if p := parseARNPrincipal(string(iss.ARN)); p.Kind == Role {
				return string(u.ARN), p
			}
		}
		if p := parseARNPrincipal(string(u.ARN)); p.Kind == Role {
			return string(u.ARN), p
		}
	case "AWSAccount":
		if string(u.AccountID) == "ANONYMOUS_PRINCIPAL" {
			return "", Principal{Kind: Anonymous}
		}
		if policy.IsAccountID(string(u.AccountID)) {
			arn := "arn:" + eventPartition(ct) + ":iam::" + string(u.AccountID) + ":root"
			return arn, Principal{Kind: Root, ARN: arn, Account: string(u.AccountID)}
		}
	case "AWSService":
		if string(u.InvokedBy) != "" {
			return string(u.InvokedBy), Principal{Kind: Service, Service: string(u.InvokedBy)}
		}
	}
	raw := string(u.ARN)
	if raw == "" {
		raw = string(u.Type) + ":" + string(u.PrincipalID)
	}
	return raw, Principal{Kind: Unknown, ID: raw}
}

// eventPartition is the ARN partition of the event's Region (awsRegion;
// "aws-cn" for cn-north-1), else of its resources' ARNs, else aws: an
// account is named in its own partition (arn:aws-cn:iam::ACCOUNT:root).
func eventPartition(ct *ctRecord) string {
	if p, ok := policy.PartitionOfRegion(string(ct.AWSRegion)); ok {
		return p
	}
	for _, res := range ct.Resources {
		if p, ok := policy.ARNPartition(string(res.ARN)); ok {
			return p
		}
	}
	return "aws"
}

// copySource turns x-amz-copy-source ("/bucket/key?versionId=v", URL-encoded)
// into "bucket/key" and the version, if any.
func copySource(s string) (source, version string) {
	s, query, _ := strings.Cut(s, "?")
	if d, err := url.PathUnescape(s); err == nil {
		s = d
	}
	if q, err := url.ParseQuery(query); err == nil {
		version = q.Get("versionId")
	}
	return strings.TrimPrefix(s, "/"), version
}

// lineCounter keeps the bytes the JSON decoder has read but not yet passed,
// so that a decoder position (the decoder reads ahead) can be given as a
// line. It holds about one decoder buffer, never the file.
type lineCounter struct {
	r      io.Reader
	off    int64  // bytes read
	start  int64  // offset where the value being decoded starts
	base   int64  // offset of win[0]
	win    []byte // bytes from base to off
	before int    // newlines before base
	err    error
}

func (c *lineCounter) Read(p []byte) (int, error) {
	if c.off-c.start > maxRecordSize {
		return 0, errRecordTooLarge
	}
	n, err := c.r.Read(p)
	c.win = append(c.win, p[:n]...)
	c.off += int64(n)
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

// line returns the line of the byte at offset; offsets must not go back.
func (c *lineCounter) line(offset int64) int {
	k := int(offset - c.base)
	if k > len(c.win) {
		k = len(c.win)
	}
	if k > 0 {
		c.before += bytes.Count(c.win[:k], []byte{'\n'})
		c.win = c.win[k:]
		c.base += int64(k)
	}
	return c.before + 1
}

// valueLine returns the line of the first byte at or after offset that is
// not a separator (space, comma): where the next JSON value starts.
func (c *lineCounter) valueLine(offset int64) int {
	n := c.line(offset)
	for _, b := range c.win {
		switch b {
		case '\n':
			n++
		case ' ', '\t', '\r', ',':
		default:
			return n
		}
	}
	return n
}
