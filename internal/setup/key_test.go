package setup

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"testing"
)

// A new key pair is a P-256 private key and its own public key, and the
// host serves the public key where Tesla fetches it.
func TestKeyPairAndHosting(t *testing.T) {
	k, err := NewKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	priv, _ := pem.Decode(k.PrivatePEM)
	pub, _ := pem.Decode(k.PublicPEM)
	if priv == nil || pub == nil || priv.Type != "EC PRIVATE KEY" || pub.Type != "PUBLIC KEY" {
		t.Fatalf("PEM blocks: %v %v", priv, pub)
	}
	pk, err := x509.ParseECPrivateKey(priv.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	p, err := x509.ParsePKIXPublicKey(pub.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if ep, ok := p.(*ecdsa.PublicKey); !ok || !ep.Equal(&pk.PublicKey) || pk.Curve.Params().Name != "P-256" {
		t.Fatalf("public key %T does not match the P-256 private key", p)
	}

	base, stop, err := HostPublicKey(k.PublicPEM)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	resp, err := http.Get(base + PublicKeyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != string(k.PublicPEM) {
		t.Errorf("%d %q", resp.StatusCode, body)
	}
	if resp, err := http.Get(base + "/other"); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("another path: %d", resp.StatusCode)
		}
	}
}
