package world

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

var testStart = time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC) // 02:00 in Los Angeles

func fixturesDir() string { return filepath.Join("..", "..", "..", "testdata", "ha") }

func demo(t testing.TB, seed int64) (*World, string) {
	t.Helper()
	w := NewDemo(Options{Seed: seed, Start: testStart})
	a, ok := w.Account(DemoEmail)
	if !ok {
		t.Fatal("demo account missing")
	}
	return w, a.ID
}

// jsonEqual compares two values after a JSON round trip.
func jsonEqual(t *testing.T, got, want any) bool {
	t.Helper()
	return reflect.DeepEqual(jsonRound(t, got), jsonRound(t, want))
}

func jsonRound(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// fixtureResponse reads a fixture file's "response".
func fixtureResponse(t *testing.T, name string) any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixturesDir(), name))
	if err != nil {
		t.Fatal(err)
	}
	var env struct{ Response any }
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatal(err)
	}
	return env.Response
}

func mustData(t *testing.T, w *World, acct, tag string, q DataQuery) map[string]any {
	t.Helper()
	d, err := w.VehicleData(acct, tag, q)
	if err != nil {
		t.Fatalf("VehicleData(%s): %v", tag, err)
	}
	return d
}

func sec(t *testing.T, d map[string]any, name string) map[string]any {
	t.Helper()
	s, ok := d[name].(map[string]any)
	if !ok {
		t.Fatalf("section %s missing", name)
	}
	return s
}
