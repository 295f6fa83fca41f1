package vcp

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
)

// Metadata tags (Signatures.Tag) and the end marker of a serialized metadata string.
const (
	tagSignatureType   byte = 0
	tagDomain          byte = 1
	tagPersonalization byte = 2
	tagEpoch           byte = 3
	tagExpiresAt       byte = 4
	tagCounter         byte = 5
	tagChallenge       byte = 6
	tagFlags           byte = 7
	tagRequestHash     byte = 8
	tagFault           byte = 9
	tagEnd             byte = 0xff
)

var errMetadata = errors.New("vcp: invalid metadata item")

// metadata serializes authenticated metadata as tag‖length‖value items in
// strictly ascending tag order, terminated by tagEnd (protocol.md,
// "Metadata serialization").
type metadata struct {
	buf  []byte
	last int // last tag written, -1 before the first
	err  error
}

func newMetadata() *metadata { return &metadata{buf: make([]byte, 0, 96), last: -1} }

// add appends one item. An empty value is omitted, as the protocol omits
// absent (nil) values.
func (m *metadata) add(tag byte, value []byte) {
	if m.err != nil || len(value) == 0 {
		return
	}
	if int(tag) <= m.last || tag == tagEnd || len(value) > 255 {
		m.err = errMetadata
		return
	}
	m.last = int(tag)
	m.buf = append(m.buf, tag, byte(len(value)))
	m.buf = append(m.buf, value...)
}

// addUint32 appends a 4-byte big-endian value; zero is still encoded.
func (m *metadata) addUint32(tag byte, v uint32) {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)
	m.add(tag, b[:])
}

// addByte appends a single-byte value (signature type, domain).
func (m *metadata) addByte(tag byte, v byte) { m.add(tag, []byte{v}) }

// bytes returns the serialized metadata including the terminating 0xFF.
func (m *metadata) bytes() ([]byte, error) {
	if m.err != nil {
		return nil, m.err
	}
	return append(m.buf, tagEnd), nil
}

// checksum returns SHA-256 of the terminated metadata (the AES-GCM AAD).
func (m *metadata) checksum() ([]byte, error) {
	b, err := m.bytes()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	return sum[:], nil
}
