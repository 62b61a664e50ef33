package usage

import (
	"bufio"
	"compress/gzip"
	"io"
)

// maybeGunzip returns r decompressed when it starts with gzip's magic bytes
// (so a ".gz" log and a plain one are read alike, whatever their names), and
// r itself otherwise.
func maybeGunzip(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, err := br.Peek(2)
	if err != nil || magic[0] != 0x1f || magic[1] != 0x8b {
		return br, nil // an empty or short input is read as it is
	}
	return gzip.NewReader(br)
}
