package vcp

import (
	"bytes"
	"crypto/ecdh"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"errors"
	"fmt"
)

// MaxKeys is how many keys a car's keychain holds (Tesla's limit).
const MaxKeys = 20

// Errors returned by AddKey and NewCar; check them with errors.Is.
var (
	ErrInvalidKey   = errors.New("vcp: public key is not a 65-byte uncompressed P-256 point")
	ErrKeychainFull = errors.New("vcp: keychain is full")
	ErrOptions      = errors.New("vcp: invalid options")
)

// publicKeyLen is the size of an uncompressed P-256 point 0x04‖X‖Y.
const publicKeyLen = 65

// validPublicKey reports whether b is an uncompressed point on P-256.
func validPublicKey(b []byte) bool {
	if len(b) != publicKeyLen || b[0] != 0x04 {
		return false
	}
	_, err := ecdh.P256().NewPublicKey(b)
	return err == nil
}

// deriveDomainKey derives a domain's static P-256 key from the seed, the VIN
// and the domain name, so a car keeps its keys across restarts of the
// simulator. Candidates outside [1, n-1] are skipped.
func deriveDomainKey(seed []byte, vin, domain string) (*ecdh.PrivateKey, error) {
	for i := 0; i < 64; i++ {
		scalar := hmacSHA256(seed, []byte(fmt.Sprintf("teslafleet/vcp/%s/%s/%d", vin, domain, i)))
		if k, err := ecdh.P256().NewPrivateKey(scalar); err == nil {
			return k, nil
		}
	}
	return nil, fmt.Errorf("%w: no valid key derived", ErrOptions)
}

// randomSeed is used when Options.Seed is empty.
func randomSeed() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return b
}

// keyID is the 4-byte identifier VCSEC reports for a key: SHA1(key)[:4].
func keyID(publicKey []byte) []byte {
	sum := sha1.Sum(publicKey)
	return sum[:4]
}

// keychain is the list of paired public keys shared by both domains, in
// pairing order (the order is the slot number).
type keychain struct {
	keys [][]byte
}

func (k *keychain) index(publicKey []byte) int {
	for i, key := range k.keys {
		if hmac.Equal(key, publicKey) {
			return i
		}
	}
	return -1
}

func (k *keychain) has(publicKey []byte) bool { return k.index(publicKey) >= 0 }

func (k *keychain) add(publicKey []byte) error {
	if !validPublicKey(publicKey) {
		return ErrInvalidKey
	}
	if k.has(publicKey) {
		return nil
	}
	if len(k.keys) >= MaxKeys {
		return ErrKeychainFull
	}
	k.keys = append(k.keys, bytes.Clone(publicKey))
	return nil
}

func (k *keychain) remove(publicKey []byte) bool {
	i := k.index(publicKey)
	if i < 0 {
		return false
	}
	k.keys = append(k.keys[:i], k.keys[i+1:]...)
	return true
}

func (k *keychain) list() [][]byte {
	out := make([][]byte, len(k.keys))
	for i, key := range k.keys {
		out[i] = bytes.Clone(key)
	}
	return out
}
