package policy

import "math/bits"

// actionTable finds a request action's catalog index, folding ASCII case,
// without copying the name: an open-addressing hash table over the
// catalog's names, which hashes and compares eight bytes at a time. Every
// decision starts with this lookup.
type actionTable struct {
	slots []uint16 // catalog index + 1; 0 is an empty slot
	mask  uint64
	names []tableName // by catalog index
	// words holds, for each name, its lower-case words (wordAt), then
	// as many masks with 0x20 in the bytes that are letters.
	words []uint64
}

type tableName struct {
	len int
	off int // of its words in actionTable.words
}

// catalogActionTable is immutable once built.
var catalogActionTable = newActionTable()

func newActionTable() *actionTable {
	n := len(catalogActions)
	size := 1
	for size < 4*n {
		size <<= 1
	}
	t := &actionTable{slots: make([]uint16, size), mask: uint64(size - 1), names: make([]tableName, n)}
	for i := range catalogActions {
		lower := asciiLower(catalogActions[i].Name)
		t.names[i] = tableName{len: len(lower), off: len(t.words)}
		nw := wordCount(lower)
		for k := range nw {
			t.words = append(t.words, wordAt(lower, k))
		}
		for k := range nw {
			var m uint64
			w := wordAt(lower, k)
			for b := 0; b < 64; b += 8 {
				if c := byte(w >> b); 'a' <= c && c <= 'z' {
					m |= 0x20 << b
				}
			}
			t.words = append(t.words, m)
		}
		j := foldHash(lower) & t.mask
		for t.slots[j] != 0 {
			j = (j + 1) & t.mask
		}
		t.slots[j] = uint16(i + 1)
	}
	return t
}

// index returns the catalog index of action, compared case-insensitively
// (ASCII letters only, as IAM folds), or -1. It does not allocate.
func (t *actionTable) index(action string) int {
	for j := foldHash(action) & t.mask; ; j = (j + 1) & t.mask {
		k := t.slots[j]
		if k == 0 {
			return -1
		}
		if t.equal(int(k-1), action) {
			return int(k - 1)
		}
	}
}

// equal reports whether s is the name of catalog action i, folding ASCII
// case: s may differ from the lower-case name only by bit 0x20 in the
// bytes where the name has a letter.
func (t *actionTable) equal(i int, s string) bool {
	n := t.names[i]
	if n.len != len(s) {
		return false
	}
	w := t.words[n.off:]
	if len(s) < 8 {
		return len(w) >= 2 && (shortWord(s)^w[0])&^w[1] == 0
	}
	nw := (len(s) + 7) / 8
	if len(w) < 2*nw {
		return false
	}
	lower, letters := w[:nw], w[nw:2*nw]
	k := 0
	for i := 0; i+8 < len(s); i += 8 {
		if (load64(s, i)^lower[k])&^letters[k] != 0 {
			return false
		}
		k++
	}
	return (load64(s, len(s)-8)^lower[nw-1])&^letters[nw-1] == 0
}

// wordAt returns the k-th of the wordCount(s) words that foldHash and
// equal read from s: bytes 8k to 8k+7, little-endian, except that the last
// word of a string longer than eight bytes is its last eight bytes
// (overlapping the one before), and a string shorter than eight bytes is
// one word padded with zeros.
func wordAt(s string, k int) uint64 {
	if len(s) < 8 {
		return shortWord(s)
	}
	return load64(s, min(8*k, len(s)-8))
}

func wordCount(s string) int { return max(1, (len(s)+7)/8) }

func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func shortWord(s string) uint64 {
	var w uint64
	for i := range len(s) {
		w |= uint64(s[i]) << (8 * i)
	}
	return w
}

// foldHash hashes the words of s with bit 0x20 set in every byte, so that
// ASCII upper and lower case hash alike (other bytes may collide too:
// equal decides).
func foldHash(s string) uint64 {
	h := uint64(len(s))
	if len(s) < 8 {
		return mix(h, shortWord(s))
	}
	for i := 0; i+8 < len(s); i += 8 {
		h = mix(h, load64(s, i))
	}
	return mix(h, load64(s, len(s)-8))
}

func mix(h, w uint64) uint64 {
	const fold = 0x2020202020202020
	hi, lo := bits.Mul64(h^(w|fold), 0x9E3779B97F4A7C15)
	return hi ^ lo
}
