package web

import (
	"net/http"
	"net/http/httptest"

	"github.com/teslafleet/teslafleet/internal/entity"
)

type testServer struct {
	srv *httptest.Server
	snd *sender
	reg *entity.Registry
}

// record serves one request in process and returns the body.
func record(h http.Handler, method, path, auth string) string {
	req := httptest.NewRequest(method, path, nil)
	req.Header.Set("Authorization", auth)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Body.String()
}
