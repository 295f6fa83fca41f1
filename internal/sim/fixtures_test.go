package sim

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
)

// The cloud seeded from Tesla response files (testdata/ha) serves them.
func TestFixturesWorld(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "ha")
	c, err := New(Options{Seed: 1, Fixtures: dir})
	if err != nil {
		t.Fatalf("New with fixtures: %v", err)
	}
	accts := c.World().Accounts()
	if len(accts) == 0 {
		t.Fatal("no accounts")
	}
	tok, err := c.OAuth().Mint(accts[0].ID, c.OAuth().DemoApp().ClientID, []string{"vehicle_device_data", "energy_device_data"})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/api/1/products", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	rec := httptest.NewRecorder()
	c.Handler("na").ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("products: %d %s", rec.Code, rec.Body)
	}
	var prods struct {
		Response []map[string]any `json:"response"`
	}
	mustJSON(t, rec.Body.Bytes(), &prods)
	if len(prods.Response) == 0 {
		t.Errorf("no products from the fixtures: %s", rec.Body)
	}
	if _, err := New(Options{Fixtures: filepath.Join(t.TempDir(), "missing")}); err == nil {
		t.Error("a missing fixtures dir was accepted")
	}
}

func TestHandlerRegions(t *testing.T) {
	c, err := New(Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"NA", "EU", "CN", "eu"} {
		if c.Handler(r) == nil {
			t.Errorf("no handler for %s", r)
		}
	}
	if c.Handler("MARS") != nil {
		t.Error("a handler for an unknown region")
	}
	rec := httptest.NewRecorder()
	c.Handler("CN").ServeHTTP(rec, httptest.NewRequest("GET", "/status", nil))
	if rec.Code != 200 || rec.Body.String() != "ok" {
		t.Errorf("/status on CN: %d %q", rec.Code, rec.Body)
	}
}
