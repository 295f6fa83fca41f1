package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"time"

	"golang.org/x/crypto/acme/autocert"

	"github.com/teslafleet/teslafleet/internal/config"
	"github.com/teslafleet/teslafleet/internal/setup"
)

// withKeyHosting answers the app's public key at setup.PublicKeyPath
// (where Tesla fetches it: 200, a PEM, no redirect) in front of next. With
// no key it answers nothing new.
func withKeyHosting(next http.Handler, publicPEM []byte) http.Handler {
	if len(publicPEM) == 0 {
		return next
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+setup.PublicKeyPath, setup.PublicKeyHandler(publicPEM))
	mux.Handle("/", next)
	return mux
}

// acmeManager obtains and renews the certificate of the app's domain from
// Let's Encrypt, keeping it in <data_dir>/acme.
func acmeManager(cfg config.Config) *autocert.Manager {
	return &autocert.Manager{
		Prompt:     autocert.AcceptTOS,
		HostPolicy: autocert.HostWhitelist(cfg.Tesla.Domain),
		Cache:      autocert.DirCache(filepath.Join(cfg.DataDir, "acme")),
		Email:      cfg.Hosting.ACMEEmail,
	}
}

// serveACME serves h over TLS on hosting.https_listen for tesla.domain,
// with certificates from ACME (TLS-ALPN-01 there, HTTP-01 on
// hosting.http_listen), until ctx ends.
func serveACME(ctx context.Context, cfg config.Config, h http.Handler, log *slog.Logger) error {
	m := acmeManager(cfg)
	tlsSrv := &http.Server{Addr: cfg.Hosting.HTTPSListen, Handler: h, TLSConfig: m.TLSConfig(), ReadHeaderTimeout: 10 * time.Second}
	httpSrv := &http.Server{Addr: cfg.Hosting.HTTPListen, Handler: m.HTTPHandler(nil), ReadHeaderTimeout: 10 * time.Second}
	errs := make(chan error, 2)
	go func() { errs <- tlsSrv.ListenAndServeTLS("", "") }()
	go func() { errs <- httpSrv.ListenAndServe() }()
	log.Info("hosting: serving the public key over HTTPS with an ACME certificate", "domain", cfg.Tesla.Domain, "https", cfg.Hosting.HTTPSListen, "http", cfg.Hosting.HTTPListen)
	select {
	case <-ctx.Done():
	case err := <-errs:
		if !errors.Is(err, http.ErrServerClosed) {
			tlsSrv.Close()
			httpSrv.Close()
			return fmt.Errorf("hosting with ACME: %w", err)
		}
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return errors.Join(tlsSrv.Shutdown(shut), httpSrv.Shutdown(shut))
}
