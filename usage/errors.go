package usage

import (
	"errors"
	"strconv"
)

// Sentinel errors. Test for them with errors.Is.
var (
	// ErrMalformed is wrapped by every [*LineError]: a line or record the
	// parser could not read. A malformed line never stops a run.
	ErrMalformed = errors.New("usage: malformed log record")
	// ErrInvalidInput means an argument was refused before anything was
	// read or sent: no bucket, no logs, a bad s3:// location, a bad option.
	ErrInvalidInput = errors.New("usage: invalid input")
)

// LineError is a malformed line of a server access log, or a malformed
// record of a CloudTrail log file: where it is and what is wrong. It wraps
// [ErrMalformed].
type LineError struct {
	// File is the log's name (a path or an s3:// URL).
	File string
	// Line is the line, counting from 1.
	Line int
	// Reason says what is wrong, for example "unterminated quoted field".
	Reason string
}

// Error implements error.
func (e *LineError) Error() string {
	return "usage: " + e.File + ":" + strconv.Itoa(e.Line) + ": " + e.Reason
}

// Unwrap returns [ErrMalformed].
func (e *LineError) Unwrap() error { return ErrMalformed }

// ParseStats counts what a parser read.
type ParseStats struct {
	// Lines is the number of non-empty lines (server access logs) or
	// records (CloudTrail) read.
	Lines int
	// Records is the number of well-formed records passed on.
	Records int
	// Skipped is the number of well-formed records that were not about
	// S3 (CloudTrail events of other services).
	Skipped int
	// Malformed is the number of lines or records that could not be read.
	Malformed int
	// Errors describe the first malformed lines, at most
	// [MaxLineErrors] of them, in order.
	Errors []*LineError
}

// MaxLineErrors is the most [LineError]s a [ParseStats] keeps; the count in
// Malformed goes on.
const MaxLineErrors = 100

func (s *ParseStats) malformed(file string, line int, reason string) {
	s.Malformed++
	if len(s.Errors) < MaxLineErrors {
		s.Errors = append(s.Errors, &LineError{File: file, Line: line, Reason: reason})
	}
}
