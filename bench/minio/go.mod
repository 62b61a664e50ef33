// A module of its own so that minio's AGPL-3.0 evaluator never enters the
// build list of github.com/s3secure/s3secure: see README.md.
module github.com/s3secure/s3secure/bench/minio

go 1.24

require (
	github.com/minio/pkg/v3 v3.1.3
	github.com/s3secure/s3secure v0.0.0-00010101000000-000000000000
)

require (
	github.com/goccy/go-json v0.10.5 // indirect
	github.com/minio/minio-go/v7 v7.0.88 // indirect
)

replace github.com/s3secure/s3secure => ../..
