package sim

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func TestAddFaultFromGo(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, err := NewInMemory(Options{Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		m := newMemClient(t, c)
		tok := m.token(allScopes...)
		products := InMemoryBaseURLs["NA"] + "/api/1/products"

		if err := c.AddFault(Fault{Method: "get", Path: "/api/1/products", Status: 503,
			Body: `{"response":null,"error":"upstream internal error"}`, Count: 2}); err != nil {
			t.Fatal(err)
		}
		if got := c.Faults(); len(got) != 1 || got[0].Method != "GET" || got[0].Count != 2 {
			t.Errorf("Faults() = %+v", got)
		}
		// The HTTP control lists the fault added from Go: one code path.
		if st, body := m.do("GET", c.OAuthURL()+"/_sim/faults", "", nil); st != 200 || !strings.Contains(string(body), `"status":503`) {
			t.Errorf("GET /_sim/faults: %d %s", st, body)
		}
		for i := range 2 {
			if st, body := m.do("GET", products, tok, nil); st != 503 || !strings.Contains(string(body), "upstream internal error") {
				t.Errorf("request %d: %d %s; want the injected 503", i, st, body)
			}
		}
		if st, _ := m.do("GET", products, tok, nil); st != 200 {
			t.Errorf("after Count uses: %d; want the real 200", st)
		}

		// Latency follows the bubble's clock.
		if err := c.AddFault(Fault{Path: "/api/1/*", Latency: "3s"}); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if st, _ := m.do("GET", products, tok, nil); st != 200 {
			t.Errorf("latency-only fault: %d; want the real answer", st)
		}
		if d := time.Since(start); d != 3*time.Second {
			t.Errorf("latency %v; want 3s", d)
		}

		if err := c.AddFault(Fault{Path: "/api/1/products", Status: 500, Count: -1}); err != nil {
			t.Fatal(err)
		}
		c.ClearFaults()
		if len(c.Faults()) != 0 {
			t.Error("ClearFaults left faults")
		}
	})
}

func TestAddFaultValidation(t *testing.T) {
	c, err := NewInMemory(Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		f    Fault
		want string
	}{
		{"no path", Fault{Status: 500}, "path is required"},
		{"bad status", Fault{Path: "/x", Status: 42}, "bad status"},
		{"bad latency", Fault{Path: "/x", Latency: "soon"}, "bad latency"},
		{"nothing to do", Fault{Path: "/x"}, "needs a status or a latency"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := c.AddFault(tc.f)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("AddFault(%+v) = %v; want %q", tc.f, err, tc.want)
			}
		})
	}
	if len(c.Faults()) != 0 {
		t.Errorf("invalid faults were queued: %+v", c.Faults())
	}
}
