package world

import (
	"fmt"
	"math"
	"time"
)

// site is one energy site (Powerwall, solar, Wall Connectors): its Tesla
// documents plus typed physics.
type site struct {
	owner       *account
	id          int64
	product     map[string]any // the /products entry
	info        map[string]any // site_info body; nil = no site_info (Tesla: 404)
	liveDoc     map[string]any // live_status body
	seedHistory map[string]any // a fixture calendar_history body, served until time moves
	live        bool

	tz       *time.Location
	tzName   string
	lat, lon float64

	hasBattery, hasSolar bool
	solarPeakW           float64
	capacityWh, energyWh float64
	maxChargeW           float64
	maxDischargeW        float64
	reserve              float64 // %
	mode                 string
	storm                bool
	stormActive          bool
	stormUntil           time.Time
	disallowGridCharge   bool
	exportRule           string
	offGridReserve       float64
	baseLoadW            float64
	cloud, cloudTarget   float64
	loadNoise            float64

	solarW, loadW, batteryW, gridW float64
	wcs                            []*wallConnector
	hist                           history
	histFrom                       time.Time // the history covers [histFrom, now); earlier days are generated on request
}

// wallConnector is a Wall Connector of a site.
type wallConnector struct {
	din, deviceID string
	vin           string
	powerW        float64
	state, fault  int
}

// newSite builds a site from its product entry and optional site_info and
// live_status bodies.
func newSite(owner *account, product, info, liveDoc map[string]any) *site {
	s := &site{owner: owner, product: product, info: info, liveDoc: liveDoc}
	s.id = int64(num(product, "energy_site_id", 0))
	pc := section(product, "components", false)
	ic := section(info, "components", false)
	s.hasBattery = flag(ic, "battery", flag(pc, "battery", false))
	s.hasSolar = flag(ic, "solar", flag(pc, "solar", false))
	s.tzName = str(info, "installation_time_zone", "")
	s.tz = time.UTC
	if loc, err := time.LoadLocation(s.tzName); err == nil && s.tzName != "" {
		s.tz = loc
	}
	s.capacityWh = num(liveDoc, "total_pack_energy", num(product, "total_pack_energy", num(info, "nameplate_energy", 0)))
	s.energyWh = num(liveDoc, "energy_left", num(product, "energy_left", s.capacityWh*0.5))
	if !s.hasBattery {
		s.capacityWh, s.energyWh = 0, 0
	}
	s.energyWh = clamp(s.energyWh, 0, s.capacityWh)
	s.maxChargeW, s.maxDischargeW = 0, 0
	if bats, good := ic["batteries"].([]any); good {
		for _, b := range bats {
			if bm, isMap := b.(map[string]any); isMap {
				s.maxChargeW += num(bm, "nameplate_max_charge_power", 5000)
				s.maxDischargeW += num(bm, "nameplate_max_discharge_power", 5000)
			}
		}
	}
	if s.maxDischargeW == 0 && s.hasBattery {
		p := num(info, "nameplate_power", 5000)
		s.maxChargeW, s.maxDischargeW = p, p
	}
	s.reserve = num(info, "backup_reserve_percent", 20)
	s.mode = str(info, "default_real_mode", "self_consumption")
	s.storm = flag(section(info, "user_settings", false), "storm_mode_enabled", flag(product, "storm_mode_enabled", false))
	s.disallowGridCharge = flag(ic, "disallow_charge_from_grid_with_solar_installed", false)
	s.exportRule = str(ic, "customer_preferred_export_rule", "battery_ok")
	s.offGridReserve = num(info, "off_grid_vehicle_charging_reserve_percent", 0)
	if s.hasSolar {
		s.solarPeakW = 7000
	}
	s.baseLoadW = 450
	s.solarW = num(liveDoc, "solar_power", 0)
	s.loadW = num(liveDoc, "load_power", 0)
	s.batteryW = num(liveDoc, "battery_power", 0)
	s.gridW = num(liveDoc, "grid_power", 0)

	byDIN := map[string]*wallConnector{}
	addWC := func(list any) {
		items, _ := list.([]any)
		for _, it := range items {
			m, isMap := it.(map[string]any)
			din := str(m, "din", "")
			if !isMap || din == "" || byDIN[din] != nil {
				continue
			}
			wc := &wallConnector{din: din, deviceID: str(m, "device_id", ""), state: 2, fault: 2}
			byDIN[din] = wc
			s.wcs = append(s.wcs, wc)
		}
	}
	addWC(pc["wall_connectors"])
	addWC(ic["wall_connectors"])
	addWC(liveDoc["wall_connectors"])
	if items, good := liveDoc["wall_connectors"].([]any); good {
		for _, it := range items {
			if m, isMap := it.(map[string]any); isMap {
				if wc := byDIN[str(m, "din", "")]; wc != nil {
					wc.vin = str(m, "vin", "")
					wc.state = int(num(m, "wall_connector_state", 2))
					wc.fault = int(num(m, "wall_connector_fault_state", 2))
					wc.powerW = num(m, "wall_connector_power", 0)
				}
			}
		}
	}
	return s
}

// siteFor finds an account's energy site.
func (w *World) siteFor(accountID string, id int64) (*site, error) {
	a := w.account(accountID)
	if a == nil {
		return nil, fmt.Errorf("%w: account %q", ErrNotFound, accountID)
	}
	if s := a.siteIDs[id]; s != nil {
		return s, nil
	}
	return nil, fmt.Errorf("%w: energy site %d", ErrNotFound, id)
}

// HasSite reports whether the account holds the energy site (with or
// without a gateway). It does not move the simulation.
func (w *World) HasSite(accountID string, siteID int64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, err := w.siteFor(accountID, siteID)
	return err == nil
}

// gatewayFor is the account's site with a gateway: the one the energy
// endpoints answer for. A product without components has none (Tesla: 404).
func (w *World) gatewayFor(accountID string, id int64) (*site, error) {
	s, err := w.siteFor(accountID, id)
	if err != nil {
		return nil, err
	}
	if s.info == nil {
		return nil, fmt.Errorf("%w: energy site %d has no gateway", ErrNotFound, id)
	}
	return s, nil
}

// productAt is the site's /products entry.
func (s *site) productAt() map[string]any {
	out := copyMap(s.product)
	if s.live && s.hasBattery {
		setp(out, "energy_left", round(s.energyWh, 2))
		setp(out, "total_pack_energy", s.capacityWh)
		setp(out, "percentage_charged", round(s.percentage(), 2))
		setp(out, "battery_power", whole(s.batteryW))
	}
	setp(out, "storm_mode_enabled", s.storm)
	return out
}

// whole rounds a power to whole watts (never -0).
func whole(x float64) float64 { return math.Round(x) + 0 }

func (s *site) percentage() float64 {
	if s.capacityWh <= 0 {
		return 0
	}
	return clamp(s.energyWh/s.capacityWh*100, 0, 100)
}

// Products lists the account's vehicles and energy sites (/api/1/products).
func (w *World) Products(accountID string) []map[string]any {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.catchUp()
	a := w.account(accountID)
	out := []map[string]any{}
	if a == nil {
		return out
	}
	for _, p := range a.products {
		if p.vehicle != nil {
			out = append(out, p.vehicle.summaryAt(p.vehicle.stateAt(now, w.opts.IdleSleep)))
		} else {
			out = append(out, p.site.productAt())
		}
	}
	return out
}

// SiteInfo is /energy_sites/{id}/site_info.
func (w *World) SiteInfo(accountID string, siteID int64) (map[string]any, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.catchUp()
	s, err := w.gatewayFor(accountID, siteID)
	if err != nil {
		return nil, err
	}
	return copyMap(s.info), nil
}

// LiveStatus is /energy_sites/{id}/live_status.
func (w *World) LiveStatus(accountID string, siteID int64) (map[string]any, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.catchUp()
	s, err := w.gatewayFor(accountID, siteID)
	if err != nil {
		return nil, err
	}
	if s.live || s.liveDoc == nil {
		s.renderLive(now)
	}
	return copyMap(s.liveDoc), nil
}

// renderLive writes the typed powers into the live_status document. Powers
// are whole watts and the grid closes the balance exactly.
func (s *site) renderLive(now time.Time) {
	if s.liveDoc == nil {
		s.liveDoc = map[string]any{}
	}
	ld := s.liveDoc
	solar, battery, load := whole(s.solarW), whole(s.batteryW), whole(s.loadW)
	ld["solar_power"] = solar
	ld["battery_power"] = battery
	ld["load_power"] = load
	ld["grid_power"] = load - solar - battery
	ld["energy_left"] = round(s.energyWh, 2)
	ld["total_pack_energy"] = s.capacityWh
	ld["percentage_charged"] = round(s.percentage(), 2)
	ld["backup_capable"] = s.hasBattery
	ld["grid_status"] = "Active"
	ld["grid_services_active"] = false
	ld["grid_services_power"] = 0
	ld["generator_power"] = 0
	ld["island_status"] = "on_grid"
	ld["storm_mode_active"] = s.stormActive
	ld["timestamp"] = now.In(s.tz).Format("2006-01-02T15:04:05-07:00")
	wcs := []any{}
	for _, wc := range s.wcs {
		m := map[string]any{"din": wc.din, "wall_connector_state": wc.state,
			"wall_connector_fault_state": wc.fault, "wall_connector_power": whole(wc.powerW)}
		if wc.vin != "" {
			m["vin"] = wc.vin
		}
		wcs = append(wcs, m)
	}
	ld["wall_connectors"] = wcs
}
