package world

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// A generated fleet: vehicles derived from the demo fleet's documents, with
// varied models, years, signing modes, charge and sleep states, all
// deterministic from the seed. A generated vehicle keeps only its typed
// state and a small summary; its vehicle_data document is built from the
// shared template on first use (see vehicle.document).

// fleetModel is one model line of a generated fleet.
type fleetModel struct {
	name     string // "3", "Y", "S", "X"
	carType  string // vehicle_config.car_type
	template string // demo document it derives from
	vinHead  string // the VIN's first 8 characters
	years    string // model-year codes (VIN position 10) it is built in
	capacity float64
}

var fleetModels = []fleetModel{
	{"3", "model3", "demo/model3.json", "5YJ3E1EB", "KLMNPRS", 0},
	{"Y", "modely", "demo/model3.json", "7SAYGDEE", "LMNPRS", 81},
	{"S", "models", "demo/models.json", "5YJSA1E2", "KLMNPRS", 0},
	{"X", "modelx", "demo/models.json", "5YJXCAE2", "KLMNPRS", 100},
}

// genSpec is what a generated vehicle needs to build its document.
type genSpec struct {
	template map[string]any // shared, never written
	carType  string
}

// build deep-copies the template and stamps the vehicle's identity on it;
// the typed fields are rendered into it on every read (the vehicle is live).
func (g *genSpec) build(v *vehicle) map[string]any {
	doc := copyMap(g.template)
	for k, val := range v.summary {
		doc[k] = deepCopy(val)
	}
	set(section(doc, "vehicle_config", false), "car_type", g.carType)
	set(section(doc, "vehicle_state", false), "vehicle_name", v.name)
	return doc
}

// GenerateVehicles adds n generated vehicles to the account (by id or
// email), after its other products. The same seed gives the same vehicles.
func (w *World) GenerateVehicles(idOrEmail string, n int) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a := w.account(idOrEmail)
	if a == nil {
		return fmt.Errorf("%w: account %q", ErrNotFound, idOrEmail)
	}
	if n <= 0 {
		return nil
	}
	templates := map[string]map[string]any{}
	for _, m := range fleetModels {
		if templates[m.template] != nil {
			continue
		}
		var doc map[string]any
		if err := readEmbedded(m.template, &doc); err != nil {
			return err
		}
		templates[m.template] = doc
	}
	now := w.clk.now()
	rng := rand.New(rand.NewPCG(uint64(w.opts.Seed), 0xf1ee7))
	userID := seededID(w.opts.Seed, "user/"+a.Email)
	for i, serial := 0, 100000; i < n; serial++ {
		if serial > 999999 {
			return fmt.Errorf("world: at most %d generated vehicles", 900000)
		}
		m := fleetModels[rng.IntN(len(fleetModels))]
		year := m.years[rng.IntN(len(m.years))]
		vin := makeVIN(m.vinHead, year, 'F', serial)
		if w.byVIN[vin] != nil {
			continue
		}
		v := w.generateVehicle(a, m, templates[m.template], vin, userID, i, rng, now)
		w.addVehicle(a, v)
		i++
	}
	return nil
}

func (w *World) generateVehicle(a *account, m fleetModel, tmpl map[string]any, vin string, userID int64, i int, rng *rand.Rand, now time.Time) *vehicle {
	id := seededID(w.opts.Seed, "vehicle/"+vin)
	name := fmt.Sprintf("Fleet %s %04d", m.name, i+1)
	summary := map[string]any{}
	for k, val := range tmpl {
		if !isSection(k) {
			summary[k] = deepCopy(val)
		}
	}
	summary["id"], summary["id_s"] = id, strconv.FormatInt(id, 10)
	summary["vehicle_id"] = seededID(w.opts.Seed, "vehicle_id/"+vin)
	summary["user_id"] = userID
	summary["vin"] = vin
	summary["display_name"] = name
	summary["tokens"] = []any{seededHex(w.opts.Seed, "token1/"+vin), seededHex(w.opts.Seed, "token2/"+vin)}

	v := &vehicle{owner: a, vin: vin, summary: summary, docm: tmpl, lastActive: now, live: true}
	v.idNum, v.idStr = float64(id), strconv.FormatInt(id, 10)
	v.pre2021 = isPre2021(vin)
	v.loadTyped() // reads the shared template only
	v.docm = nil
	v.gen = &genSpec{template: tmpl, carType: m.carType}
	v.name = name
	if m.capacity > 0 {
		v.capacityKWh = m.capacity
	}

	// Signing: pre-2021 S/X cannot verify signed commands; newer cars mostly require them.
	switch r := rng.Float64(); {
	case v.pre2021:
		v.signing = "off"
	case r < 0.6:
		v.signing = "required"
	case r < 0.8:
		v.signing = "allowed"
	default:
		v.signing = "off"
	}
	summary["command_signing"] = v.signing

	// Where: scattered 30–300 km from the demo home, so never on its Wall Connectors.
	dist, bearing := 30+270*rng.Float64(), 2*math.Pi*rng.Float64()
	v.lat += dist / 111 * math.Cos(bearing)
	v.lon += dist / (111 * math.Cos(v.lat*math.Pi/180)) * math.Sin(bearing)
	v.heading = math.Floor(360 * rng.Float64())
	v.odometer = math.Round(2000 + 60000*rng.Float64())
	v.locked = rng.Float64() < 0.85
	v.sentry = false
	v.userPresent = false
	v.climateOn = false
	v.driving, v.shift, v.speed, v.powerKW = false, nil, 0, 0

	// Charge: unplugged, charging, complete or stopped.
	v.level = math.Round(15 + 80*rng.Float64())
	v.limit = []float64{80, 80, 90, 100}[rng.IntN(4)]
	v.energyAdded, v.chargerKW, v.fullSince = 0, 0, false
	switch r := rng.Float64(); {
	case r < 0.5:
		v.chargingState, v.plugged, v.chargeWanted = "Disconnected", false, false
	case r < 0.7:
		v.level = math.Min(v.level, v.limit-10)
		v.chargingState, v.plugged, v.chargeWanted = "Charging", true, true
		v.energyAdded = math.Round(10*20*rng.Float64()) / 10
	case r < 0.85:
		v.level = v.limit
		v.chargingState, v.plugged, v.chargeWanted, v.fullSince = "Complete", true, true, true
	default:
		v.chargingState, v.plugged, v.chargeWanted = "Stopped", true, false
	}
	v.portOpen = v.plugged
	v.latch = "Engaged"
	if !v.plugged {
		v.latch = "Disengaged"
	}

	// Sleep: charging cars are awake; the rest mostly asleep, some online, a few offline.
	switch r := rng.Float64(); {
	case v.chargingState == "Charging":
		v.state = "online"
	case r < 0.55:
		v.state = "asleep"
	case r < 0.9:
		v.state = "online"
	default:
		v.state = "offline"
	}
	if v.chargingState == "Charging" {
		v.chargerKW = v.chargePowerKW()
	}
	summary["state"] = v.state
	v.gpsAsOf = now.Unix()
	v.outsideOffset = v.outside - outsideTemp(now, v.lat, v.lon)
	return v
}

// makeVIN builds a 17-character VIN with a valid check digit (position 9).
func makeVIN(head string, year, plant byte, serial int) string {
	b := []byte(fmt.Sprintf("%s0%c%c%06d", head, year, plant, serial))
	b[8] = vinCheckDigit(b)
	return string(b)
}

// vinCheckDigit is the North American VIN check digit (ISO 3779 weights).
func vinCheckDigit(vin []byte) byte {
	weights := [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, c := range vin {
		var val int
		switch {
		case c >= '0' && c <= '9':
			val = int(c - '0')
		default:
			val = int("12345678012345070923456789"[c-'A'] - '0') // A..Z transliteration (I, O, Q unused)
		}
		sum += val * weights[i]
	}
	r := sum % 11
	if r == 10 {
		return 'X'
	}
	return byte('0' + r)
}
