package usage

import (
	"bytes"
	"compress/gzip"
	"io"
)

// maybeGunzip returns r decompressed when it starts with gzip's magic bytes
// (so a ".gz" log and a plain one are read alike, whatever their names), and
// r itself otherwise, with no buffering of its own (the parsers buffer).
func maybeGunzip(r io.Reader) (io.Reader, error) {
	var magic [2]byte
	n, err := io.ReadFull(r, magic[:])
	head := io.MultiReader(bytes.NewReader(magic[:n]), r)
	if err != nil || magic != [2]byte{0x1f, 0x8b} {
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return nil, err
		}
		return head, nil // an empty or short input is read as it is
	}
	return gzip.NewReader(head)
}
