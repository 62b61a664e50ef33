package usage

import (
	"context"
	"errors"

	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3secure/s3secure/internal/credsafe"
)

// Source is a set of log objects: local files, the files of a folder, or the
// objects under an S3 location. A Source lists its objects one at a time, so
// a large set is never held in memory, and an object is opened only when it
// is read.
type Source interface {
	// Objects calls fn for each object, in a stable order, until fn
	// returns an error (returned as is) or the listing fails.
	Objects(ctx context.Context, fn func(Object) error) error
}

// Object is one log object.
type Object struct {
	// Name is the object's path or s3:// URL, used in errors and reports.
	Name string
	// Open opens the object for reading; the caller closes it. It may be
	// called more than once (the replay proof reads every log twice).
	Open func(ctx context.Context) (io.ReadCloser, error)
}

// Files returns a Source of local paths: each is a log file, or a folder
// whose files, at any depth, are log files (in lexical order; names starting
// with "." are skipped). A ".gz" file, or any gzip file, is decompressed.
func Files(paths ...string) Source { return files(slices.Clone(paths)) }

type files []string

func (f files) Objects(ctx context.Context, fn func(Object) error) error {
	for _, root := range f {
		info, err := os.Stat(root)
		if err != nil {
			return &ReadError{Object: root, Err: err}
		}
		if !info.IsDir() {
			if err := fn(fileObject(root)); err != nil {
				return err
			}
			continue
		}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return &ReadError{Object: path, Err: err}
			}
			if path != root && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			return fn(fileObject(path))
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func fileObject(path string) Object {
	return Object{Name: path, Open: func(context.Context) (io.ReadCloser, error) { return os.Open(path) }}
}

// Stream returns a Source of one object that open reads: logs held
// elsewhere, or generated. open is called once per reading.
func Stream(name string, open func(ctx context.Context) (io.ReadCloser, error)) Source {
	return stream{name, open}
}

type stream struct {
	name string
	open func(context.Context) (io.ReadCloser, error)
}

func (s stream) Objects(_ context.Context, fn func(Object) error) error {
	return fn(Object{Name: s.name, Open: s.open})
}

// S3API is what an S3 location needs: listing and reading objects.
type S3API interface {
	ListObjectsV2(ctx context.Context, params *s3.ListObjectsV2Input, optFns ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	GetObject(ctx context.Context, params *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

var _ S3API = (*s3.Client)(nil)

// S3Location returns a Source of the objects under an S3 location,
// "s3://bucket/prefix" (the prefix may be empty), listed a page at a time in
// key order. Folder markers (keys ending in "/") are skipped.
//
// Errors: [ErrInvalidInput] for a location that is not s3://bucket[/prefix].
// Its Objects returns a [*ReadError] for a listing that fails, or a page
// that says it is truncated but gives no continuation token (the rest of
// the logs could not be read).
func S3Location(client S3API, location string) (Source, error) {
	rest, ok := strings.CutPrefix(location, "s3://")
	bucket, prefix, _ := strings.Cut(rest, "/")
	if !ok || bucket == "" || client == nil {
		return nil, fmt.Errorf("%w: %q is not an S3 location s3://bucket/prefix (and a client)", ErrInvalidInput, location)
	}
	return s3Location{client: client, bucket: bucket, prefix: prefix}, nil
}

// Location returns [S3Location] for an "s3://" location and [Files]
// otherwise. client may be nil when location is local.
func Location(client S3API, location string) (Source, error) {
	if strings.HasPrefix(location, "s3://") {
		return S3Location(client, location)
	}
	if location == "" {
		return nil, fmt.Errorf("%w: empty log location", ErrInvalidInput)
	}
	return Files(location), nil
}

type s3Location struct {
	client         S3API
	bucket, prefix string
}

func (l s3Location) Objects(ctx context.Context, fn func(Object) error) error {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(l.bucket)}
	if l.prefix != "" {
		in.Prefix = aws.String(l.prefix)
	}
	for {
		out, err := l.client.ListObjectsV2(ctx, in, safeS3)
		if err != nil {
			return &ReadError{Object: "s3://" + l.bucket + "/" + l.prefix, Err: err}
		}
		keys := make([]string, 0, len(out.Contents))
		for _, o := range out.Contents {
			if k := aws.ToString(o.Key); k != "" && !strings.HasSuffix(k, "/") {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys) // S3 lists in key order; a fake or gateway might not
		for _, k := range keys {
			if err := fn(l.object(k)); err != nil {
				return err
			}
		}
		if !aws.ToBool(out.IsTruncated) {
			return nil
		}
		if aws.ToString(out.NextContinuationToken) == "" {
			// More objects, and no way to ask for them: the logs read
			// would be part of the logs.
			return &ReadError{Object: "s3://" + l.bucket + "/" + l.prefix, Err: errTruncatedListing}
		}
		in.ContinuationToken = out.NextContinuationToken
	}
}

func (l s3Location) object(key string) Object {
	name := "s3://" + l.bucket + "/" + key
	return Object{Name: name, Open: func(ctx context.Context) (io.ReadCloser, error) {
		out, err := l.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(l.bucket), Key: aws.String(key)}, safeS3)
		if err != nil {
			return nil, err
		}
		return out.Body, nil
	}}
}

// errTruncatedListing is a listing page that says there are more objects
// but gives no continuation token.
var errTruncatedListing = errors.New("the listing is truncated and gives no continuation token")

// ReadError is a log object that could not be listed, opened or read. A run
// stops on it: a proposal made without some of the logs could take away
// access that those logs show was used.
type ReadError struct {
	// Object is the path or s3:// URL.
	Object string
	// Err is the cause (an *fs.PathError, an SDK error, …).
	Err error
}

// Error implements error.
func (e *ReadError) Error() string { return "usage: reading " + e.Object + ": " + credsafe.Text(e.Err) }

// Unwrap returns the cause.
func (e *ReadError) Unwrap() error { return e.Err }
