package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/testfixture"
)

// fleetHandler serves a registry of Home Assistant's fixture vehicle
// repeated vehicles times (the first keeps its VIN and name, "Test") and
// its fixture energy site repeated sites times.
func fleetHandler(t testing.TB, vehicles, sites int, opt func(*Options)) (*entity.Registry, http.Handler) {
	t.Helper()
	reg := entity.New(entity.Options{})
	testfixture.Fleet(t, reg, &sender{}, vehicles, sites)
	o := Options{Registry: reg, Tokens: []string{token}}
	if opt != nil {
		opt(&o)
	}
	h, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return reg, h
}

// BenchmarkStates is GET /api/states for 10 vehicles and 3 energy sites.
func BenchmarkStates(b *testing.B) {
	_, h := fleetHandler(b, 10, 3, nil)
	req := httptest.NewRequest("GET", "/api/states", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	var n int
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
		n = rec.Body.Len()
	}
	b.SetBytes(int64(n))
}

// BenchmarkSSEFanout100 is one state change delivered to 100 stream
// clients over HTTP; an op ends when every client has read it.
func BenchmarkSSEFanout100(b *testing.B) {
	const clients = 100
	reg, h := fleetHandler(b, 1, 0, func(o *Options) { o.StreamBuffer = 1024 })
	srv := httptest.NewServer(h)
	defer srv.Close()
	got := make(chan struct{}, clients*16)
	for range clients {
		sc, closeStream := openStream(b, srv.URL, "?restrict=switch.test_sentry_mode")
		defer closeStream()
		if d, err := nextData(sc); err != nil || d != "ping" {
			b.Fatal(d, err)
		}
		go func() {
			for {
				if _, err := nextData(sc); err != nil {
					return
				}
				got <- struct{}{}
			}
		}()
	}
	for b.Loop() {
		toggle(b, reg)
		for range clients {
			<-got
		}
	}
}
