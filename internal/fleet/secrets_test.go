package fleet

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestAPIErrorNeverCarriesTheToken: some servers and gateways echo the
// request's Authorization header in their error body. Errors end up in logs,
// so the access token must not survive into an *APIError's text or fields.
func TestAPIErrorNeverCarriesTheToken(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   func(auth string) string
	}{
		{"text 401", 401, func(auth string) string { return "invalid credentials: " + auth }},
		{"json 403", 403, func(auth string) string {
			return `{"response":null,"error":"forbidden for ` + auth + `","error_description":"token ` + strings.TrimPrefix(auth, "Bearer ") + ` rejected"}`
		}},
		{"text 502", 502, func(auth string) string { return "<html>bad gateway (" + auth + ")</html>" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
				respond(tc.status, tc.body(r.Header.Get("Authorization")))(w, r)
			})
			tok := userToken("acct-1")
			c := New(Config{BaseURLs: map[Region]string{RegionNA: srv.URL}, Retry: Retry{Attempts: 1}}, StaticToken(tok))
			_, err := c.HonkHorn(t.Context(), "VIN1")
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want *APIError", err)
			}
			for what, s := range map[string]string{"Error()": err.Error(), "Code": ae.Code, "Message": ae.Message} {
				if strings.Contains(s, tok) {
					t.Errorf("%s carries the access token: %s", what, s)
				}
			}
		})
	}
}
