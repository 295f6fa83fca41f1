package app

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/teslafleet/teslafleet/internal/config"
	"github.com/teslafleet/teslafleet/internal/setup"
)

// The ACME manager asks certificates for the app's domain only, keeps them
// in the data directory, and answers TLS-ALPN-01 challenges.
func TestACMEManager(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Tesla.Domain = "tesla.example.com"
	m := acmeManager(cfg)
	if err := m.HostPolicy(context.Background(), "tesla.example.com"); err != nil {
		t.Errorf("the app's domain refused: %v", err)
	}
	if err := m.HostPolicy(context.Background(), "evil.example.net"); err == nil {
		t.Error("another host would get a certificate")
	}
	if !slices.Contains(m.TLSConfig().NextProtos, "acme-tls/1") {
		t.Errorf("no TLS-ALPN-01: %v", m.TLSConfig().NextProtos)
	}
	if dir, ok := m.Cache.(interface {
		Get(context.Context, string) ([]byte, error)
	}); !ok || dir == nil {
		t.Error("no certificate cache")
	}
}

// The key path is answered before the API, without authentication; the API
// keeps its own.
func TestKeyHostingInFrontOfTheAPI(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "401: Unauthorized", http.StatusUnauthorized)
	})
	srv := httptest.NewServer(withKeyHosting(api, []byte("-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----\n")))
	defer srv.Close()
	resp, err := http.Get(srv.URL + setup.PublicKeyPath)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-pem-file" || string(body[:10]) != "-----BEGIN" {
		t.Errorf("key: %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	resp, err = http.Get(srv.URL + "/api/states")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the API behind: %d", resp.StatusCode)
	}
}
