package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/coder/websocket"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// The client of a request is its peer, or behind trusted proxies the
// nearest untrusted X-Forwarded-For entry; an untrusted peer's header is
// ignored (anyone can send one).
func TestClientAddr(t *testing.T) {
	g, err := NewGate(GateOptions{Tokens: []string{token}, TrustedProxies: []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"direct", "203.0.113.7:5000", nil, "203.0.113.7"},
		{"untrusted peer's header ignored", "203.0.113.7:5000", []string{"198.51.100.1"}, "203.0.113.7"},
		{"one proxy", "10.0.0.2:5000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"two proxies", "10.0.0.2:5000", []string{"198.51.100.1, 10.0.0.9"}, "198.51.100.1"},
		{"forged entry left of the client", "10.0.0.2:5000", []string{"1.2.3.4, 198.51.100.1"}, "198.51.100.1"},
		{"several header lines", "10.0.0.2:5000", []string{"198.51.100.1", "10.0.0.9"}, "198.51.100.1"},
		{"IPv6 proxy", "[::1]:5000", []string{"2001:db8::5"}, "2001:db8::5"},
		{"only proxies", "10.0.0.2:5000", []string{"10.0.0.3"}, "10.0.0.2"},
		{"no header", "10.0.0.2:5000", nil, "10.0.0.2"},
		{"malformed chain", "10.0.0.2:5000", []string{"not-an-ip"}, "10.0.0.2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/api/", nil)
			r.RemoteAddr = c.peer
			for _, v := range c.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := g.ClientAddr(r); got != c.want {
				t.Errorf("ClientAddr = %q, want %q", got, c.want)
			}
		})
	}
}

// Behind a trusted proxy, one client's failed authentications block that
// client only; failed WebSocket auth messages count with the REST API's,
// and a blocked address cannot open a WebSocket.
func TestLimitsPerClientBehindAProxy(t *testing.T) {
	h, err := New(Options{Registry: entity.New(entity.Options{}), Tokens: []string{token}, AuthFailures: 2,
		Gate: mustGate(t, GateOptions{Tokens: []string{token}, Failures: 2, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	get := func(client, tok string) int {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/", nil)
		req.Header.Set("X-Forwarded-For", client)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// 198.51.100.1 fails twice over the WebSocket.
	for range 2 {
		hdr := http.Header{"X-Forwarded-For": {"198.51.100.1"}}
		c, _, err := websocket.Dial(context.Background(), wsURL(srv), &websocket.DialOptions{HTTPHeader: hdr})
		if err != nil {
			t.Fatal(err)
		}
		w := &wsClient{t, c}
		w.recvRaw() // auth_required
		w.sendRaw(`{"type":"auth","access_token":"wrong"}`)
		w.recvRaw() // auth_invalid
		c.CloseNow()
	}
	if got := get("198.51.100.1", token); got != http.StatusTooManyRequests {
		t.Errorf("the failing client with a good token: %d, want 429", got)
	}
	_, resp, err := websocket.Dial(context.Background(), wsURL(srv), &websocket.DialOptions{HTTPHeader: http.Header{"X-Forwarded-For": {"198.51.100.1"}}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the blocked client's WebSocket: %v %v, want 429", resp, err)
	}
	if got := get("198.51.100.2", token); got != http.StatusOK {
		t.Errorf("another client behind the same proxy: %d, want 200", got)
	}
}

func mustGate(t *testing.T, o GateOptions) *Gate {
	t.Helper()
	g, err := NewGate(o)
	if err != nil {
		t.Fatal(err)
	}
	return g
}
