package fleet

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"
)

// fixtureDir holds Home Assistant's fixtures (testdata/ha at the repository root).
var fixtureDir = filepath.Join("..", "..", "testdata", "ha")

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return b
}

// fixtureResponse returns the fixture's "response" member.
func fixtureResponse(t testing.TB, name string) json.RawMessage {
	t.Helper()
	var env struct {
		Response json.RawMessage `json:"response"`
	}
	if err := json.Unmarshal(readFixture(t, name), &env); err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	return env.Response
}

// assertSameJSON compares two JSON documents semantically (same keys, same
// values, numbers as numbers).
func assertSameJSON(t testing.TB, want, got []byte) {
	t.Helper()
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want is not JSON: %v", err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got is not JSON: %v\n%s", err, got)
	}
	if !reflect.DeepEqual(w, g) {
		t.Errorf("JSON differs:\n%s", jsonDiff("", w, g))
	}
}

// jsonDiff lists the paths where two decoded JSON values differ.
func jsonDiff(path string, w, g any) string {
	wm, wok := w.(map[string]any)
	gm, gok := g.(map[string]any)
	if wok && gok {
		out := ""
		for k, wv := range wm {
			gv, ok := gm[k]
			if !ok {
				out += path + "." + k + ": missing\n"
				continue
			}
			out += jsonDiff(path+"."+k, wv, gv)
		}
		for k := range gm {
			if _, ok := wm[k]; !ok {
				out += path + "." + k + ": unexpected\n"
			}
		}
		return out
	}
	wa, wok := w.([]any)
	ga, gok := g.([]any)
	if wok && gok && len(wa) == len(ga) {
		out := ""
		for i := range wa {
			out += jsonDiff(path+"["+itoa(i)+"]", wa[i], ga[i])
		}
		return out
	}
	if !reflect.DeepEqual(w, g) {
		wb, _ := json.Marshal(w)
		gb, _ := json.Marshal(g)
		return path + ": want " + string(wb) + " got " + string(gb) + "\n"
	}
	return ""
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// fakeJWT builds an unsigned JWT-shaped token with the claims.
func fakeJWT(claims map[string]any) string {
	b, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc.EncodeToString(b) + ".c2ln"
}

func userToken(sub string) string {
	return fakeJWT(map[string]any{"sub": sub, "ou_code": "NA", "scp": []string{"openid", "vehicle_device_data"}, "exp": time.Now().Add(8 * time.Hour).Unix()})
}

// recorder is an httptest server answering from a handler and keeping the
// requests it saw.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

type seen struct {
	Method, Path, Query string
	Header              http.Header
	Body                []byte
}

func newRecorder(t testing.TB, h http.HandlerFunc) *recorder {
	t.Helper()
	r := &recorder{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		r.mu.Lock()
		r.reqs = append(r.reqs, seen{req.Method, req.URL.Path, req.URL.RawQuery, req.Header.Clone(), body})
		r.mu.Unlock()
		h(w, req)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *recorder) requests() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.reqs...)
}

// testClient is a client on srv (every region's base URL) with tiny backoff.
func testClient(srv string, mod ...func(*Config)) *Client {
	cfg := Config{
		BaseURLs: map[Region]string{RegionNA: srv},
		Retry:    Retry{Attempts: 3, Backoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond},
		Timeout:  5 * time.Second,
	}
	for _, m := range mod {
		m(&cfg)
	}
	return New(cfg, StaticToken(userToken("acct-1")))
}

func respond(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}
