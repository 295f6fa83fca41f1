package sim

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// memClient is a plain http.Client on a cloud's in-memory transport.
type memClient struct {
	t *testing.T
	c *Cloud
	h *http.Client
}

func newMemClient(t *testing.T, c *Cloud) *memClient {
	return &memClient{t: t, c: c, h: &http.Client{Transport: c.Transport()}}
}

// do sends a request to base+path (body as JSON) and returns status and body.
func (m *memClient) do(method, url, token string, body any) (int, []byte) {
	m.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			m.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		m.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := m.h.Do(req)
	if err != nil {
		m.t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		m.t.Fatal(err)
	}
	return resp.StatusCode, b
}

// token gets a demo-app user token from POST /_sim/tokens on the OAuth host.
func (m *memClient) token(scopes ...string) string {
	m.t.Helper()
	st, body := m.do("POST", m.c.OAuthURL()+"/_sim/tokens", "", map[string]any{"account": demoEmail, "scopes": scopes})
	if st != 200 {
		m.t.Fatalf("/_sim/tokens: %d %s", st, body)
	}
	var tk struct {
		AccessToken string `json:"access_token"`
	}
	mustJSON(m.t, body, &tk)
	return tk.AccessToken
}

func TestInMemoryFullRequestInSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, err := NewInMemory(Options{Seed: 7, Speed: 1})
		if err != nil {
			t.Fatal(err)
		}
		m := newMemClient(t, c)
		tok := m.token(allScopes...)

		st, body := m.do("GET", InMemoryBaseURLs["NA"]+"/api/1/products", tok, nil)
		if st != 200 {
			t.Fatalf("products: %d %s", st, body)
		}
		var prods struct {
			Response []map[string]any `json:"response"`
			Count    int              `json:"count"`
		}
		mustJSON(t, body, &prods)
		if len(prods.Response) != 3 || prods.Count != 3 {
			t.Errorf("products: %d items, count %d; want the demo fleet's 3", len(prods.Response), prods.Count)
		}

		// The world clock follows the bubble's fake clock.
		before := c.World().Now()
		time.Sleep(time.Hour)
		if got := c.World().Now().Sub(before); got != time.Hour {
			t.Errorf("world moved %v in a fake hour; want 1h", got)
		}

		// users/region names the in-memory host.
		st, body = m.do("GET", InMemoryBaseURLs["NA"]+"/api/1/users/region", tok, nil)
		if st != 200 || response(t, body)["fleet_api_base_url"] != InMemoryBaseURLs["NA"] {
			t.Errorf("users/region: %d %s", st, body)
		}
	})
}

func TestInMemoryTransportRefusesOtherHosts(t *testing.T) {
	c, err := NewInMemory(Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	cl := &http.Client{Transport: c.Transport()}
	for _, u := range []string{
		"https://fleet-api.prd.na.vn.cloud.tesla.com/status",
		"http://127.0.0.1:1/status",
		"https://example.com/",
	} {
		t.Run(u, func(t *testing.T) {
			resp, err := cl.Get(u)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("GET %s through the in-memory transport succeeded: %s", u, resp.Status)
			}
			if !strings.Contains(err.Error(), "no such host") {
				t.Errorf("error %v; want no such host", err)
			}
		})
	}
	for _, base := range InMemoryBaseURLs {
		if !strings.HasSuffix(hostOf(base), ".invalid") {
			t.Errorf("base URL %s is not under .invalid", base)
		}
	}
}

// A partner key hosted in memory pairs through the /_ak link in a bubble.
func TestInMemoryKeyFetchAndPairing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		pemText := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
		keyHost := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != publicKeyPath {
				http.NotFound(w, r)
				return
			}
			_, _ = w.Write(pemText)
		})
		c, err := NewInMemory(Options{
			Seed:         7,
			Resolver:     map[string]string{"example.com": "https://keys.example.invalid"},
			KeyTransport: InMemoryTransport(map[string]http.Handler{"keys.example.invalid": keyHost}),
		})
		if err != nil {
			t.Fatal(err)
		}
		m := newMemClient(t, c)
		vin := "5YJ3E1EB8RF000001"
		if st, body := m.do("GET", InMemoryBaseURLs["NA"]+"/_ak/example.com?vin="+vin, "", nil); st != 200 {
			t.Fatalf("_ak: %d %s", st, body)
		}
		car, ok := c.Car(vin)
		if !ok {
			t.Fatal("no car")
		}
		ek, _ := k.PublicKey.ECDH()
		if !car.HasKey(ek.Bytes()) {
			t.Error("the key hosted in memory was not added to the car")
		}
	})
}
