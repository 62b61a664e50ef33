package usage

import "io"

// ScanServerAccessLogBlocks reads r with a ServerAccessLogScanner whose
// buffers are block bytes (for tests of lines across buffers), or with
// ParseServerAccessLog's reading when copy is set, and calls fn for each
// record.
func ScanServerAccessLogBlocks(r io.Reader, file string, block int, copy bool, fn func(*Record) error) (*ParseStats, error) {
	sc := newServerAccessLogScanner(r, file, !copy)
	sc.lr.size = block
	for sc.Scan() {
		if err := fn(sc.Record()); err != nil {
			return sc.Stats(), err
		}
	}
	return sc.Stats(), sc.Err()
}

// ReadServerAccessLogLines reads r as ServerAccessLogScanner does, lines
// without parsing them, and returns their total length: the reading's own
// share of BenchmarkParseServerAccessLog.
func ReadServerAccessLogLines(r io.Reader) int {
	lr := lineReader{r: r, borrow: true}
	n := 0
	for {
		s, _, _, err := lr.next()
		n += len(s)
		if err != nil {
			return n
		}
	}
}
