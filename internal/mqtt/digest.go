package mqtt

import "crypto/sha256"

// digest identifies a discovery config's payload. The exporter keeps the
// digest of every config it queued, not the payload (hundreds of bytes,
// for each of a fleet's entities), to tell a changed config from a repeat.
type digest [16]byte

// digestOf is the first half of the payload's SHA-256.
func digestOf(payload []byte) digest {
	sum := sha256.Sum256(payload)
	return digest(sum[:16])
}
