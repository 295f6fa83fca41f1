package setup

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"time"
)

// PublicKeyPath is where Tesla (and the simulator) fetch an app's public key.
const PublicKeyPath = "/.well-known/appspecific/com.tesla.3p.public-key.pem"

// KeyPair is the app's P-256 command-signing key, PEM encoded.
type KeyPair struct {
	PrivatePEM []byte
	PublicPEM  []byte
}

// NewKeyPair generates a fresh P-256 key pair.
func NewKeyPair() (*KeyPair, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
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

// PublicKeyHandler answers the public key as Tesla fetches it: 200, the
// PEM, a PEM content type, no redirect.
func PublicKeyHandler(publicPEM []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-pem-file")
		_, _ = w.Write(publicPEM)
	})
}

// HostPublicKey serves the public key at PublicKeyPath on a loopback port
// and returns its base URL and a function that stops it.
func HostPublicKey(publicPEM []byte) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("listen for key hosting: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+PublicKeyPath, PublicKeyHandler(publicPEM))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}
