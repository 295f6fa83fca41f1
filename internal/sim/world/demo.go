package world

import (
	"crypto/sha256"
	"embed"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// The demo fleet's documents (our own, realistic values).
//
//go:embed demo/*.json
var demoFS embed.FS

// Demo fleet identities.
const (
	DemoEmail     = "owner@example.com"
	DemoModel3    = "5YJ3E1EB8RF000001" // 2024 Model 3 "Midnight", command_signing required
	DemoModelS    = "5YJSA1E26KF000002" // 2019 Model S "Voyager", pre-2021, command_signing off
	DemoSiteID    = int64(2252000001)   // Powerwall site "Home"
	DemoWallConn1 = "1457768-02-G--PGT0001"
	DemoWallConn2 = "1457768-02-G--PGT0002"
)

// NewDemo returns the built-in demo fleet on one NA account: a 2024 Model 3
// charging at home, a 2019 Model S parked beside it, and a Powerwall site
// with solar and two Wall Connectors.
func NewDemo(opts Options) *World {
	w := newWorld(opts, nil)
	if err := w.loadDemo(); err != nil {
		panic(fmt.Sprintf("world: the embedded demo fleet is broken: %v", err)) // a build defect, not a runtime condition
	}
	return w
}

func (w *World) loadDemo() error {
	now := w.clk.now()
	a := w.addAccount(DemoEmail, "NA")
	userID := seededID(w.opts.Seed, "user/"+a.Email)
	for _, file := range []string{"demo/model3.json", "demo/models.json"} {
		var doc map[string]any
		if err := readEmbedded(file, &doc); err != nil {
			return err
		}
		vin := str(doc, "vin", "")
		id := seededID(w.opts.Seed, "vehicle/"+vin)
		doc["id"], doc["id_s"] = id, strconv.FormatInt(id, 10)
		doc["vehicle_id"] = seededID(w.opts.Seed, "vehicle_id/"+vin)
		doc["user_id"] = userID
		doc["tokens"] = []any{seededHex(w.opts.Seed, "token1/"+vin), seededHex(w.opts.Seed, "token2/"+vin)}
		v, err := newVehicle(a, doc, nil, now)
		if err != nil {
			return err
		}
		v.live = true
		if v.chargingState == "Charging" {
			v.chargerKW = v.chargePowerKW()
		}
		v.gpsAsOf = now.Unix()
		if vs := section(doc, "vehicle_state", false); vs != nil {
			for i, tire := range []string{"fl", "fr", "rl", "rr"} {
				vs["tpms_last_seen_pressure_time_"+tire] = now.Add(-time.Duration(40+7*i) * time.Minute).Unix()
			}
		}
		w.addVehicle(a, v)
	}
	var sd struct {
		Product  map[string]any `json:"product"`
		SiteInfo map[string]any `json:"site_info"`
		Location struct {
			Latitude  float64 `json:"latitude"`
			Longitude float64 `json:"longitude"`
		} `json:"location"`
		SolarPeakW float64 `json:"solar_peak_w"`
	}
	if err := readEmbedded("demo/site.json", &sd); err != nil {
		return err
	}
	s := newSite(a, sd.Product, sd.SiteInfo, nil)
	s.lat, s.lon, s.solarPeakW = sd.Location.Latitude, sd.Location.Longitude, sd.SolarPeakW
	s.live = true
	w.addSite(a, s)
	s.prime(w, now)
	s.ensureHistory(w, now) // the day so far, as Tesla keeps it since local midnight
	return nil
}

// prime computes the site's powers at t without moving energy or history.
func (s *site) prime(w *World, t time.Time) {
	r := w.rng.Float64()
	s.cloudTarget = r * r * r
	s.cloud = s.cloudTarget
	s.powers(w, t, stepDT.Hours())
}

func (w *World) addVehicle(a *account, v *vehicle) {
	w.vehicles = append(w.vehicles, v)
	w.byVIN[v.vin] = v
	a.products = append(a.products, product{vehicle: v})
	for _, tag := range []string{v.vin, v.idStr, strconv.FormatFloat(v.idNum, 'f', 0, 64)} {
		if _, taken := a.tags[tag]; !taken && tag != "" && tag != "0" {
			a.tags[tag] = v
		}
	}
}

func (w *World) addSite(a *account, s *site) {
	w.sites = append(w.sites, s)
	s.histFrom = w.opts.Start
	a.products = append(a.products, product{site: s})
	if _, taken := a.siteIDs[s.id]; !taken {
		a.siteIDs[s.id] = s
	}
}

func readEmbedded(name string, into any) error {
	b, err := demoFS.ReadFile(name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, into); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// seededID is a stable positive integer id below 2^53 (exact in JSON).
func seededID(seed int64, what string) int64 {
	sum := sha256.Sum256([]byte(fmt.Sprintf("id/%d/%s", seed, what)))
	return 1_000_000_000_000_000 + int64(binary.BigEndian.Uint64(sum[:8])%7_000_000_000_000_000)
}

func seededHex(seed int64, what string) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("hex/%d/%s", seed, what)))
	return hex.EncodeToString(sum[:8])
}
