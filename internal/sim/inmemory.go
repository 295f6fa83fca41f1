package sim

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Base URLs of a cloud built by NewInMemory. They sit under ".invalid"
// (RFC 2606), so a request that escapes the in-memory transport can never
// reach a real host.
const (
	InMemoryAuthURL = "https://auth.sim.invalid"
)

// InMemoryBaseURLs are the regional Fleet API base URLs of a cloud built by
// NewInMemory.
var InMemoryBaseURLs = map[string]string{
	"NA": "https://fleet-api.na.sim.invalid",
	"EU": "https://fleet-api.eu.sim.invalid",
	"CN": "https://fleet-api.cn.sim.invalid",
}

// NewInMemory builds a cloud reachable only through its Transport: no
// listener, no goroutine, no timer of its own, so it runs inside a
// testing/synctest bubble. Its regional hosts are InMemoryBaseURLs and its
// OAuth server InMemoryAuthURL. Partner public keys are fetched through
// opts.KeyTransport (set it to reach a key host served in memory too).
func NewInMemory(opts Options) (*Cloud, error) {
	c, err := New(opts)
	if err != nil {
		return nil, err
	}
	for _, r := range Regions {
		c.SetBaseURL(r, InMemoryBaseURLs[r])
	}
	c.mu.Lock()
	c.authURL = InMemoryAuthURL
	c.mu.Unlock()
	return c, nil
}

// Transport serves requests to the cloud's hosts (its regional base URLs and
// its OAuth URL) by calling the regional handlers directly, in the caller's
// goroutine. Any other host gets an error, never a network connection.
func (c *Cloud) Transport() http.RoundTripper {
	return roundTripper(c.route)
}

// route picks the handler serving host ("" when none does).
func (c *Cloud) route(host string) http.Handler {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, r := range Regions {
		if hostOf(c.baseURLs[r]) == host {
			return c.handlers[r]
		}
	}
	if c.authURL != "" && hostOf(c.authURL) == host {
		return c.handlers["NA"]
	}
	return nil
}

func hostOf(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

// roundTripper serves each request with the handler its host maps to,
// without sockets: the request is handed to the handler in the caller's
// goroutine and the recorded answer returned.
type roundTripper func(host string) http.Handler

// InMemoryTransport serves requests to the hosts of handlers (host, or
// host:port, → handler) in memory. Tests use it to serve, e.g., a partner
// domain's public key to a cloud built with NewInMemory.
func InMemoryTransport(handlers map[string]http.Handler) http.RoundTripper {
	m := make(map[string]http.Handler, len(handlers))
	for h, hd := range handlers {
		m[strings.ToLower(h)] = hd
	}
	return roundTripper(func(host string) http.Handler { return m[host] })
}

// RoundTrip implements http.RoundTripper.
func (rt roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		defer req.Body.Close()
	}
	h := rt(strings.ToLower(req.URL.Host))
	if h == nil {
		return nil, fmt.Errorf("sim: in-memory transport: no such host %q", req.URL.Host)
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
	}
	in := req.Clone(req.Context())
	in.Body = io.NopCloser(bytes.NewReader(body))
	in.ContentLength = int64(len(body))
	in.Host = req.URL.Host
	in.RequestURI = req.URL.RequestURI()
	in.RemoteAddr = "192.0.2.1:49152" // TEST-NET-1
	if in.Header == nil {
		in.Header = http.Header{}
	}
	if req.URL.Scheme == "https" {
		in.TLS = &tls.ConnectionState{HandshakeComplete: true, ServerName: req.URL.Hostname()}
	}
	rec := newRecorder()
	h.ServeHTTP(rec, in)
	return rec.response(req), nil
}

// recorder is the ResponseWriter of the in-memory transport.
type recorder struct {
	mu     sync.Mutex
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.body.Write(b)
}

// Flush is a no-op: the whole answer is returned at once.
func (r *recorder) Flush() {}

func (r *recorder) response(req *http.Request) *http.Response {
	r.mu.Lock()
	defer r.mu.Unlock()
	status := r.status
	if status == 0 {
		status = http.StatusOK
	}
	h := r.header.Clone()
	if h.Get("Content-Type") == "" && r.body.Len() > 0 {
		h.Set("Content-Type", http.DetectContentType(r.body.Bytes()))
	}
	body := r.body.Bytes()
	if req.Method == http.MethodHead {
		body = nil
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
}
