package sigv4test_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/internal/sigv4/sigv4test"
)

// TestChunkSignerReproducesDocs pins the signer to the documentation's
// published chunk and trailer signatures, and the examples' bodies to their
// documented Content-Length.
func TestChunkSignerReproducesDocs(t *testing.T) {
	for _, d := range []sigv4test.DocExample{sigv4test.DocStreaming, sigv4test.DocTrailer} {
		s := sigv4test.NewChunkSigner(sigv4test.DocCredentials.SecretAccessKey, sigv4test.DocDate, "us-east-1", d.Seed())
		assert.Equal(t, d.ChunkSigs[0], s.Chunk(sigv4test.DocPayload[:64*1024]))
		assert.Equal(t, d.ChunkSigs[1], s.Chunk(sigv4test.DocPayload[:1024]))
		assert.Equal(t, d.ChunkSigs[2], s.Chunk(nil))
		if d.Trailer != "" {
			assert.Equal(t, d.TrailerSig, s.Trailer(d.Trailer+"\n"))
		}
		assert.Len(t, d.Body(), d.ContentLength)
		frames, rest, err := sigv4test.Frames(d.Body())
		assert.NoError(t, err)
		assert.Len(t, frames, 3)
		assert.NotEmpty(t, rest)
	}
}
