package sim

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

const (
	publicKeyPath   = "/.well-known/appspecific/com.tesla.3p.public-key.pem"
	keyFetchTimeout = 5 * time.Second
	maxKeyPEM       = 4 << 10
)

// publicKeyURL is where Tesla looks for a domain's key.
func publicKeyURL(domain string) string {
	return "https://" + domain + publicKeyPath
}

// fetchPublicKey downloads and parses the P-256 public key a domain hosts,
// resolving the domain through Options.Resolver. It returns the 65-byte
// uncompressed point. Partner registration and pairing both use it.
func (c *Cloud) fetchPublicKey(ctx context.Context, domain string) ([]byte, error) {
	base, ok := c.resolver[strings.ToLower(domain)]
	if !ok {
		return nil, fmt.Errorf("could not resolve host %s", domain)
	}
	ctx, cancel := context.WithTimeout(ctx, keyFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+publicKeyPath, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.fetcher.Do(req)
	if err != nil {
		if u := errors.Unwrap(err); u != nil {
			err = u
		}
		return nil, fmt.Errorf("request failed: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("unexpected status %d", resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxKeyPEM+1))
	if err != nil {
		return nil, fmt.Errorf("read failed: %w", err)
	}
	if len(b) > maxKeyPEM {
		return nil, fmt.Errorf("key file larger than %d bytes", maxKeyPEM)
	}
	return parsePublicKeyPEM(b)
}

// parsePublicKeyPEM parses a PEM "PUBLIC KEY" (PKIX) holding a P-256 key
// into its uncompressed point.
func parsePublicKeyPEM(b []byte) ([]byte, error) {
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
		return nil, errors.New("not an EC prime256v1 public key")
	}
	ek, err := ec.ECDH()
	if err != nil {
		return nil, fmt.Errorf("bad EC key: %w", err)
	}
	return ek.Bytes(), nil
}
