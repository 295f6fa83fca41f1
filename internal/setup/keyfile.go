package setup

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The key files in the data directory. serve reads PrivateKeyFile.
const (
	PrivateKeyFile = "command-key.pem"     // SEC1 "EC PRIVATE KEY", mode 0600
	PublicKeyFile  = "command-key.pub.pem" // PKIX "PUBLIC KEY", mode 0644: the file to host at PublicKeyURL
)

// Errors of the key functions.
var (
	// ErrKeyExists: GenerateKey or ImportKey would overwrite a key.
	ErrKeyExists = errors.New("a command key already exists")
	// ErrNoKey: the data directory holds no private key.
	ErrNoKey = errors.New("no command key")
	// ErrBadKey: a key file is not a P-256 private key.
	ErrBadKey = errors.New("not a P-256 private key")
)

// KeyExistsError is returned when a key would be overwritten.
type KeyExistsError struct{ Path string }

func (e *KeyExistsError) Error() string {
	return fmt.Sprintf("a command key already exists at %s: pass --force to replace it (vehicles paired with the old key must be paired again)", e.Path)
}

// Unwrap returns ErrKeyExists.
func (e *KeyExistsError) Unwrap() error { return ErrKeyExists }

// GenerateKey creates a new P-256 key pair in dir: PrivateKeyFile (0600) and
// PublicKeyFile (0644). It refuses to replace an existing private key unless
// force is set (a *KeyExistsError, errors.Is ErrKeyExists).
func GenerateKey(dir string, force bool) (*KeyPair, error) {
	if err := checkOverwrite(dir, force); err != nil {
		return nil, err
	}
	k, err := NewKeyPair()
	if err != nil {
		return nil, err
	}
	if err := k.write(dir); err != nil {
		return nil, err
	}
	return k, nil
}

// ImportKey copies an existing private key (for instance one made with
// `openssl ecparam -name prime256v1 -genkey -noout -out tesla_fleet.key`)
// into dir. It accepts a SEC1 "EC PRIVATE KEY" or PKCS#8 "PRIVATE KEY" PEM
// holding a P-256 key, and writes it as SEC1 with its public key. Other
// curves, RSA keys and encrypted keys are refused with ErrBadKey.
func ImportKey(dir, file string, force bool) (*KeyPair, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read the key to import: %w", err)
	}
	priv, err := parsePrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if err := checkOverwrite(dir, force); err != nil {
		return nil, err
	}
	k, err := keyPairOf(priv)
	if err != nil {
		return nil, err
	}
	if err := k.write(dir); err != nil {
		return nil, err
	}
	return k, nil
}

// LoadKey reads the private key in dir (ErrNoKey when there is none) and
// derives its public key.
func LoadKey(dir string) (*KeyPair, error) {
	path := filepath.Join(dir, PrivateKeyFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w at %s: run `teslafleet keygen`", ErrNoKey, path)
	}
	if err != nil {
		return nil, err
	}
	priv, err := parsePrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return keyPairOf(priv)
}

// PrivateKey parses the pair's private key.
func (k *KeyPair) PrivateKey() (*ecdsa.PrivateKey, error) { return parsePrivateKey(k.PrivatePEM) }

// PublicKeyHex is the public key as Tesla's partner endpoints give it
// ("public_key"): the 65-byte uncompressed point, lower-case hex. It is ""
// when the pair holds no valid P-256 public key.
func (k *KeyPair) PublicKeyHex() string {
	b, err := pointOfPublicPEM(k.PublicPEM)
	if err != nil {
		return ""
	}
	return hex.EncodeToString(b)
}

// PublicKeyURL is where Tesla fetches the public key of domain.
func PublicKeyURL(domain string) string { return "https://" + domain + PublicKeyPath }

// PairingURL is Tesla's virtual-key pairing link for domain, opened on the
// phone with the Tesla app near the car; vin ("" = none) picks the vehicle.
func PairingURL(domain, vin string) string {
	u := "https://tesla.com/_ak/" + domain
	if vin != "" {
		u += "?vin=" + vin
	}
	return u
}

func checkOverwrite(dir string, force bool) error {
	path := filepath.Join(dir, PrivateKeyFile)
	if _, err := os.Stat(path); err == nil && !force {
		return &KeyExistsError{Path: path}
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// write stores the pair in dir: the private key first through a temporary
// file created 0600, so that it is never readable by others.
func (k *KeyPair) write(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := writeFile(dir, PrivateKeyFile, k.PrivatePEM, 0o600); err != nil {
		return err
	}
	return writeFile(dir, PublicKeyFile, k.PublicPEM, 0o644)
}

func writeFile(dir, name string, b []byte, mode os.FileMode) error {
	f, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, name))
}

// parsePrivateKey accepts a SEC1 or PKCS#8 PEM holding a P-256 key.
func parsePrivateKey(b []byte) (*ecdsa.PrivateKey, error) {
	var blk *pem.Block
	rest := b
	for {
		blk, rest = pem.Decode(rest)
		if blk == nil {
			return nil, fmt.Errorf("%w: no PEM private key found (expected a PEM block of type EC PRIVATE KEY or PRIVATE KEY)", ErrBadKey)
		}
		if blk.Type != "EC PARAMETERS" { // openssl ecparam without -noout writes it first
			break
		}
	}
	var key any
	var err error
	switch blk.Type {
	case "EC PRIVATE KEY":
		if _, encrypted := blk.Headers["Proc-Type"]; encrypted {
			return nil, fmt.Errorf("%w: the key is encrypted; decrypt it first (openssl ec -in KEY -out PLAIN.pem)", ErrBadKey)
		}
		key, err = x509.ParseECPrivateKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %v (only the P-256 curve, prime256v1, is supported)", ErrBadKey, err)
		}
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: PKCS#8: %v (only EC P-256 keys, prime256v1, are supported)", ErrBadKey, err)
		}
	case "ENCRYPTED PRIVATE KEY":
		return nil, fmt.Errorf("%w: the key is encrypted; decrypt it first (openssl pkcs8 -in KEY -nocrypt -out PLAIN.pem)", ErrBadKey)
	case "RSA PRIVATE KEY":
		return nil, fmt.Errorf("%w: it is an RSA key; Tesla needs an EC key on P-256 (openssl ecparam -name prime256v1 -genkey -noout -out KEY)", ErrBadKey)
	default:
		return nil, fmt.Errorf("%w: PEM block %q (expected EC PRIVATE KEY or PRIVATE KEY)", ErrBadKey, blk.Type)
	}
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return nil, fmt.Errorf("%w: the key is on curve %s; Tesla supports only P-256 (prime256v1)", ErrBadKey, k.Curve.Params().Name)
		}
		return k, nil
	default:
		return nil, fmt.Errorf("%w: it is a %s key; Tesla needs an EC key on P-256 (prime256v1)", ErrBadKey, keyKind(key))
	}
}

func keyKind(k any) string {
	s := fmt.Sprintf("%T", k)
	s = strings.TrimPrefix(s, "*")
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[:i]
	}
	switch s {
	case "rsa":
		return "RSA"
	case "ed25519":
		return "Ed25519"
	case "ecdh":
		return "X25519"
	}
	return s
}

// keyPairOf encodes a private key and its public key as PEM.
func keyPairOf(k *ecdsa.PrivateKey) (*KeyPair, error) {
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		return nil, err
	}
	pub, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		return nil, err
	}
	return &KeyPair{
		PrivatePEM: pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}),
		PublicPEM:  pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}),
	}, nil
}

// pointOfPublicPEM returns the uncompressed point of a PEM P-256 public key.
func pointOfPublicPEM(b []byte) ([]byte, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("not a PEM file")
	}
	key, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("not a public key: %w", err)
	}
	ec, ok := key.(*ecdsa.PublicKey)
	if !ok || ec.Curve != elliptic.P256() {
		return nil, errors.New("not an EC P-256 (prime256v1) public key")
	}
	ek, err := ec.ECDH()
	if err != nil {
		return nil, err
	}
	return ek.Bytes(), nil
}
