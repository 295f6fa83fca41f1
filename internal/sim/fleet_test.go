package sim

import (
	"slices"
	"testing"
)

// products lists the demo account's products through the in-memory client.
func (m *memClient) products(tok string) []map[string]any {
	m.t.Helper()
	st, body := m.do("GET", InMemoryBaseURLs["NA"]+"/api/1/products", tok, nil)
	if st != 200 {
		m.t.Fatalf("products: %d %s", st, body)
	}
	var prods struct {
		Response []map[string]any `json:"response"`
		Count    int              `json:"count"`
	}
	mustJSON(m.t, body, &prods)
	if prods.Count != len(prods.Response) {
		m.t.Errorf("count %d for %d products", prods.Count, len(prods.Response))
	}
	return prods.Response
}

func TestFleetSize(t *testing.T) {
	c, err := NewInMemory(Options{Seed: 7, FleetSize: 50})
	if err != nil {
		t.Fatal(err)
	}
	m := newMemClient(t, c)
	tok := m.token(allScopes...)
	prods := m.products(tok)
	if len(prods) != 3+50 {
		t.Fatalf("%d products; want the demo fleet's 3 plus 50", len(prods))
	}
	models := map[byte]int{}
	signing := map[string]int{}
	states := map[string]int{}
	pre2021 := 0
	for _, p := range prods[3:] {
		vin, _ := p["vin"].(string)
		if len(vin) != 17 {
			t.Fatalf("generated product without a VIN: %v", p)
		}
		models[vin[3]]++
		signing[p["command_signing"].(string)]++
		states[p["state"].(string)]++
		if (vin[3] == 'S' || vin[3] == 'X') && vin[9] <= 'L' {
			pre2021++
			if p["command_signing"] != "off" {
				t.Errorf("pre-2021 %s has command_signing %v; those cars cannot verify signed commands", vin, p["command_signing"])
			}
		}
		if p["id_s"] == "" || p["display_name"] == "" {
			t.Errorf("generated product lacks id_s or display_name: %v", p)
		}
	}
	for _, model := range []byte("3YSX") {
		if models[model] == 0 {
			t.Errorf("no Model %c among %v", model, models)
		}
	}
	if pre2021 == 0 {
		t.Error("no pre-2021 Model S/X")
	}
	for _, s := range []string{"required", "off"} {
		if signing[s] == 0 {
			t.Errorf("no vehicle with command_signing %q: %v", s, signing)
		}
	}
	for _, s := range []string{"online", "asleep"} {
		if states[s] == 0 {
			t.Errorf("no vehicle %s: %v", s, states)
		}
	}
	// Charge states vary (read from the world: asleep cars cannot be read over the API).
	charging := map[string]int{}
	for _, v := range c.World().Snapshot()["vehicles"].([]any) {
		charging[v.(map[string]any)["charging_state"].(string)]++
	}
	for _, s := range []string{"Disconnected", "Charging", "Complete"} {
		if charging[s] == 0 {
			t.Errorf("no vehicle %s: %v", s, charging)
		}
	}

	// Listing a large fleet builds no protocol car (they are created lazily).
	c.mu.RLock()
	cars := len(c.cars)
	c.mu.RUnlock()
	if cars != 0 {
		t.Errorf("%d protocol cars exist after listing products; want none until a car is addressed", cars)
	}

	// Same seed, same fleet; another seed, another.
	again, err := NewInMemory(Options{Seed: 7, FleetSize: 50})
	if err != nil {
		t.Fatal(err)
	}
	if got := again.World().AllVINs(); !slices.Equal(got, c.World().AllVINs()) {
		t.Error("the same seed generated another fleet")
	}
	other, err := NewInMemory(Options{Seed: 8, FleetSize: 50})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(other.World().AllVINs(), c.World().AllVINs()) {
		t.Error("another seed generated the same fleet")
	}

	// A generated car is a full vehicle: its vehicle_data reads, by VIN or id.
	for _, p := range prods[3:] {
		if p["state"] != "online" {
			continue
		}
		for _, tag := range []string{p["vin"].(string), p["id_s"].(string)} {
			st, body := m.do("GET", InMemoryBaseURLs["NA"]+"/api/1/vehicles/"+tag+"/vehicle_data", tok, nil)
			if st != 200 {
				t.Fatalf("vehicle_data %s: %d %s", tag, st, body)
			}
			r := response(t, body)
			if r["vin"] != p["vin"] || r["charge_state"] == nil || r["vehicle_state"].(map[string]any)["vehicle_name"] != p["display_name"] {
				t.Errorf("vehicle_data %s: vin %v, name %v", tag, r["vin"], r["vehicle_state"].(map[string]any)["vehicle_name"])
			}
		}
		break
	}
}

func TestGeneratedVINsCarryValidCheckDigits(t *testing.T) {
	c, err := NewInMemory(Options{Seed: 3, FleetSize: 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, vin := range c.World().AllVINs() {
		if vin[11] == '0' {
			continue // the demo fleet's own VINs
		}
		if !validVIN(vin) {
			t.Errorf("VIN %s has a bad check digit", vin)
		}
	}
}

// validVIN checks position 9 against ISO 3779's weights.
func validVIN(vin string) bool {
	const translit = "12345678012345070923456789"
	weights := []int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i := range len(vin) {
		c := vin[i]
		v := int(c - '0')
		if c >= 'A' {
			v = int(translit[c-'A'] - '0')
		}
		sum += v * weights[i]
	}
	want := byte('0' + sum%11)
	if sum%11 == 10 {
		want = 'X'
	}
	return vin[8] == want
}

func BenchmarkFleet10k(b *testing.B) {
	for b.Loop() {
		c, err := NewInMemory(Options{Seed: 7, FleetSize: 10_000})
		if err != nil {
			b.Fatal(err)
		}
		tk, err := c.MintToken(demoEmail, allScopes)
		if err != nil {
			b.Fatal(err)
		}
		t := &testing.T{}
		m := &memClient{t: t, c: c, h: newMemClient(t, c).h}
		prods := m.products(tk.AccessToken)
		if len(prods) != 10_003 {
			b.Fatalf("%d products", len(prods))
		}
		read := 0
		for _, p := range prods[3:] {
			if p["state"] != "online" {
				continue
			}
			if st, body := m.do("GET", InMemoryBaseURLs["NA"]+"/api/1/vehicles/"+p["vin"].(string)+"/vehicle_data", tk.AccessToken, nil); st != 200 {
				b.Fatalf("vehicle_data: %d %s", st, body)
			}
			if read++; read == 5 {
				break
			}
		}
	}
}
