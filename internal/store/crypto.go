package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
)

// keySize is AES-256's key length: the whole content of the key file.
const keySize = 32

// sealVersion is the first byte of every ciphertext: the format (AES-256-GCM,
// random 12-byte nonce, then ciphertext and tag), so a later key rotation
// can tell formats apart.
const sealVersion = 1

// sealer encrypts secret column values. The additional data is the row's
// identity ("token/<account>/refresh", ...), so a ciphertext copied to
// another row or column does not decrypt.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (sealer, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return sealer{}, err
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return sealer{}, err
	}
	return sealer{aead}, nil
}

func (s sealer) seal(aad string, plain []byte) []byte {
	return s.aead.Seal([]byte{sealVersion}, nil, plain, []byte(aad))
}

func (s sealer) open(aad string, sealed []byte) ([]byte, error) {
	if len(sealed) < 1 || sealed[0] != sealVersion {
		return nil, fmt.Errorf("%w: %s: unknown format", ErrDecrypt, aad)
	}
	plain, err := s.aead.Open(nil, nil, sealed[1:], []byte(aad))
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrDecrypt, aad)
	}
	return plain, nil
}

// loadKey reads the key file, or creates it (mode 0600, from crypto/rand)
// when neither it nor the database exists yet. A database without its key
// file is ErrKeyMissing: its secrets cannot be read, and starting afresh
// silently would lose the accounts.
func loadKey(keyPath, dbPath string, log *slog.Logger) ([]byte, error) {
	key, err := os.ReadFile(keyPath)
	switch {
	case err == nil:
		if len(key) != keySize {
			return nil, fmt.Errorf("store: key file %s holds %d bytes, want %d", keyPath, len(key), keySize)
		}
		if fi, err := os.Stat(keyPath); err == nil && fi.Mode().Perm()&0o077 != 0 {
			log.Warn("store: key file is readable by others; chmod 600 it", "path", keyPath, "mode", fi.Mode().Perm())
		}
		return key, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("store: read key file: %w", err)
	}
	if _, err := os.Stat(dbPath); err == nil {
		return nil, fmt.Errorf("%w: %s does not exist but the database %s does; restore the key file (the stored secrets cannot be read without it), or move the database away to start afresh",
			ErrKeyMissing, keyPath, dbPath)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("store: %w", err)
	}
	key = make([]byte, keySize)
	rand.Read(key) // never fails (crypto/rand)
	if err := writeNew(keyPath, key); err != nil {
		return nil, fmt.Errorf("store: create key file: %w", err)
	}
	log.Info("store: created a new key file", "path", keyPath)
	return key, nil
}

// writeNew creates path (mode 0600, failing if it exists), writes b and
// syncs the file and its directory, so the key is on disk before any
// secret it encrypts.
func writeNew(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return err
	}
	return syncDir(path)
}

func syncDir(path string) error {
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
