package usage

import "io"

// ParseServerAccessLogReusing is the reading Suggest does: record strings
// valid only during fn.
func ParseServerAccessLogReusing(r io.Reader, file string, fn func(*Record) error) (*ParseStats, error) {
	return parseServerAccessLog(r, file, fn, true)
}
