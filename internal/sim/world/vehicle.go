package world

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// vehicleSections are the vehicle_data sections a document may hold.
var vehicleSections = []string{
	"charge_state", "climate_state", "drive_state", "gui_settings", "vehicle_config",
	"vehicle_state", "charge_schedule_data", "preconditioning_schedule_data",
}

func isSection(k string) bool {
	for _, s := range vehicleSections {
		if s == k {
			return true
		}
	}
	return false
}

// vehicle is one simulated car: its Tesla documents plus typed physics.
type vehicle struct {
	owner   *account
	vin     string
	idNum   float64        // the integer id of the list endpoint
	idStr   string         // id_s
	summary map[string]any // the /products and /vehicles entry
	docm    map[string]any // the vehicle_data body (top-level fields + sections); see document
	gen     *genSpec       // a generated vehicle whose document is not built yet
	live    bool           // time moved or a command ran: render typed fields

	// connectivity
	state      string // online | asleep | offline
	waking     bool
	wakeAt     time.Time
	lastActive time.Time
	pre2021    bool
	signing    string

	// battery and charging
	capacityKWh   float64
	milesPerPct   float64
	estFactor     float64
	level         float64 // % (fractional)
	limit         float64
	limitStd      float64
	plugged       bool
	chargeWanted  bool
	chargingState string
	amps, ampsMax float64
	voltage       float64
	phases        float64
	chargerKW     float64 // power drawn from the wall while charging
	energyAdded   float64 // kWh into the battery this session
	lifetimeKWh   float64
	portOpen      bool
	latch         string
	fullSince     bool // reached the limit (Complete) since the last start

	// driving
	driving  bool
	speed    float64 // mph
	shift    any     // nil | "P" | "D"
	lat, lon float64
	heading  float64
	odometer float64
	powerKW  float64
	gpsAsOf  int64

	// climate
	inside, outside     float64
	outsideOffset       float64
	driverSet, passSet  float64
	minT, maxT          float64
	climateOn           bool
	climateSince        time.Time
	keeper              string
	locked, sentry      bool
	userPresent         bool
	remoteStartUntil    time.Time
	name                string
	swInstallAt         time.Time // scheduled install start (zero = none)
	homelinkDeviceCount float64
	speedPin            string // Speed Limit Mode PIN ("" = none known)
	installing          bool   // a software update is being installed
}

// newVehicle builds a vehicle from its documents; summary may be nil (then
// it is the document's top-level fields).
func newVehicle(owner *account, doc, summary map[string]any, now time.Time) (*vehicle, error) {
	vin := str(doc, "vin", "")
	if vin == "" && summary != nil {
		vin = str(summary, "vin", "")
	}
	if len(vin) != 17 {
		return nil, fmt.Errorf("vehicle: bad vin %q", vin)
	}
	if summary == nil {
		summary = map[string]any{}
		for k, val := range doc {
			if !isSection(k) {
				summary[k] = deepCopy(val)
			}
		}
	}
	v := &vehicle{owner: owner, vin: vin, summary: summary, docm: doc, lastActive: now}
	v.idNum = num(summary, "id", num(doc, "id", 0))
	v.idStr = str(summary, "id_s", str(doc, "id_s", strconv.FormatFloat(v.idNum, 'f', 0, 64)))
	v.pre2021 = isPre2021(vin)
	v.signing = str(summary, "command_signing", str(doc, "command_signing", "off"))
	v.state = str(summary, "state", str(doc, "state", "online"))
	if v.state != "online" && v.state != "asleep" && v.state != "offline" {
		v.state = "asleep"
	}
	v.loadTyped()
	v.outsideOffset = v.outside - outsideTemp(now, v.lat, v.lon)
	return v, nil
}

// document is the vehicle_data body. A generated vehicle builds it on first
// use, so a large generated fleet stays small until its cars are read.
func (v *vehicle) document() map[string]any {
	if v.docm == nil && v.gen != nil {
		v.docm = v.gen.build(v)
		v.gen = nil
	}
	return v.docm
}

// isPre2021 is Tesla's pre-2021 Model S/X rule (they stay awake while polled).
func isPre2021(vin string) bool {
	if len(vin) < 10 {
		return false
	}
	if vin[3] != 'S' && vin[3] != 'X' {
		return false
	}
	return vin[9] <= 'L' || (vin[9] == 'M' && vin[7] >= '1' && vin[7] <= '4')
}

// loadTyped reads the physics fields from the document.
func (v *vehicle) loadTyped() {
	cs := section(v.document(), "charge_state", false)
	cl := section(v.document(), "climate_state", false)
	ds := section(v.document(), "drive_state", false)
	vs := section(v.document(), "vehicle_state", false)
	vc := section(v.document(), "vehicle_config", false)

	v.level = clamp(num(cs, "battery_level", 70), 0, 100)
	rng := num(cs, "battery_range", 0)
	v.milesPerPct = 3.1
	if v.level > 0 && rng > 0 {
		v.milesPerPct = rng / v.level
	}
	v.estFactor = 0.95
	if est := num(cs, "est_battery_range", 0); est > 0 && rng > 0 {
		v.estFactor = est / rng
	}
	v.capacityKWh = 75
	if er := num(cs, "energy_remaining", 0); er > 0 && v.level > 0 {
		v.capacityKWh = er / v.level * 100
	} else if str(vc, "car_type", "") == "models" || str(vc, "car_type", "") == "modelx" {
		v.capacityKWh = 95
	}
	v.limit = clamp(num(cs, "charge_limit_soc", 80), 50, 100)
	v.limitStd = num(cs, "charge_limit_soc_std", 80)
	v.chargingState = str(cs, "charging_state", "Disconnected")
	v.plugged = v.chargingState != "Disconnected" && v.chargingState != ""
	v.chargeWanted = v.chargingState == "Charging" || v.chargingState == "Starting" || v.chargingState == "Complete"
	v.fullSince = v.chargingState == "Complete"
	v.ampsMax = num(cs, "charge_current_request_max", 32)
	v.amps = num(cs, "charge_current_request", v.ampsMax)
	v.voltage, v.phases = 240, 1
	if t := str(vc, "charge_port_type", "US"); t != "US" {
		v.voltage, v.phases = 230, 3
	}
	v.energyAdded = num(cs, "charge_energy_added", 0)
	v.lifetimeKWh = num(cs, "lifetime_energy_used", 0)
	v.portOpen = flag(cs, "charge_port_door_open", v.plugged)
	v.latch = str(cs, "charge_port_latch", "Engaged")
	if v.chargingState == "Charging" {
		v.chargerKW = num(cs, "charger_power", 0)
	}

	v.shift = ds["shift_state"]
	v.speed = num(ds, "speed", 0)
	v.driving = v.shift == "D" || v.shift == "R"
	v.lat = num(ds, "latitude", 0)
	v.lon = num(ds, "longitude", 0)
	v.heading = num(ds, "heading", 0)
	v.powerKW = num(ds, "power", 0)
	v.gpsAsOf = int64(num(ds, "gps_as_of", 0))

	v.inside = num(cl, "inside_temp", 20)
	v.outside = num(cl, "outside_temp", 18)
	v.driverSet = num(cl, "driver_temp_setting", 21)
	v.passSet = num(cl, "passenger_temp_setting", v.driverSet)
	v.minT = num(cl, "min_avail_temp", 15)
	v.maxT = num(cl, "max_avail_temp", 28)
	v.climateOn = flag(cl, "is_climate_on", false)
	v.keeper = str(cl, "climate_keeper_mode", "off")

	v.odometer = num(vs, "odometer", 0)
	v.locked = flag(vs, "locked", true)
	v.sentry = flag(vs, "sentry_mode", false)
	v.userPresent = flag(vs, "is_user_present", false)
	v.name = str(vs, "vehicle_name", str(v.summary, "display_name", ""))
	v.homelinkDeviceCount = num(vs, "homelink_device_count", 0)
}

// blocked reports whether something keeps the car awake.
func (v *vehicle) blocked() bool {
	return v.chargingState == "Charging" || v.chargingState == "Starting" ||
		v.userPresent || v.sentry || v.driving || v.climateOn || v.installing
}

// stateAt is the connectivity state at t, applying due transitions without
// changing the vehicle (reads must not perturb the simulation).
func (v *vehicle) stateAt(t time.Time, idle time.Duration) string {
	st, waking, last := v.state, v.waking, v.lastActive
	if st == "asleep" && waking && !t.Before(v.wakeAt) {
		st, last = "online", v.wakeAt
	}
	if st == "online" && !v.blocked() && t.Sub(last) >= idle {
		st = "asleep"
	}
	return st
}

// settle commits the transitions due at t.
func (v *vehicle) settle(t time.Time, idle time.Duration) {
	if v.state == "asleep" && v.waking && !t.Before(v.wakeAt) {
		v.state, v.waking, v.lastActive = "online", false, v.wakeAt
	}
	if v.state == "online" && !v.blocked() && t.Sub(v.lastActive) >= idle {
		v.state = "asleep"
		v.remoteStartUntil = time.Time{}
	}
}

// touch records user activity at t: the car is awake and busy.
func (v *vehicle) touch(t time.Time) {
	v.live = true
	if t.After(v.lastActive) {
		v.lastActive = t
	}
}

// wake puts an asleep car online at once (a user at the car, a plug-in).
func (v *vehicle) wakeNow(t time.Time) {
	if v.state == "asleep" {
		v.state, v.waking = "online", false
	}
	v.touch(t)
}

// vehicleFor finds an account's vehicle by tag (VIN, id or id_s).
func (w *World) vehicleFor(accountID, tag string) (*vehicle, error) {
	a := w.account(accountID)
	if a == nil {
		return nil, fmt.Errorf("%w: account %q", ErrNotFound, accountID)
	}
	if v := a.tags[tag]; v != nil {
		return v, nil
	}
	return nil, fmt.Errorf("%w: vehicle %q", ErrNotFound, tag)
}

// VIN resolves a vehicle tag (VIN, id or id_s) of the account to its VIN.
func (w *World) VIN(accountID, tag string) (string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	v, err := w.vehicleFor(accountID, tag)
	if err != nil {
		return "", err
	}
	return v.vin, nil
}

// CommandSigning is the vehicle's command_signing: "off", "allowed" or "required".
func (w *World) CommandSigning(vin string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if v := w.vehicleByVIN(vin); v != nil {
		return v.signing
	}
	return ""
}

// Firmware is the vehicle's software version: the first word of
// vehicle_state.car_version ("" when unknown). It reads the document only,
// so it never counts as activity.
func (w *World) Firmware(vin string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	v := w.vehicleByVIN(vin)
	if v == nil {
		return ""
	}
	if f := strings.Fields(str(section(v.document(), "vehicle_state", false), "car_version", "")); len(f) > 0 {
		return f[0]
	}
	return ""
}

// Online reports whether the vehicle is online now.
func (w *World) Online(vin string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.catchUp()
	v := w.vehicleByVIN(vin)
	return v != nil && v.stateAt(now, w.opts.IdleSleep) == "online"
}

// distanceKm is the great-circle distance between two points.
func distanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lon2-lon1)*math.Pi/180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}

// BodyState is what a vehicle's body controller (VCSEC) knows of it.
type BodyState struct {
	State       string // "online" | "asleep" | "offline" (as Online reads it, without settling)
	Locked      bool   // vehicle_state.locked
	UserPresent bool   // vehicle_state.is_user_present
	// Open closures: vehicle_state df, pf, dr, pr, ft, rt (non-zero = open)
	// and charge_state.charge_port_door_open.
	FrontDriverDoor, FrontPassengerDoor, RearDriverDoor, RearPassengerDoor bool
	FrontTrunk, RearTrunk, ChargePort                                      bool
}

// BodyState reads a vehicle's lock, presence, sleep and closure state. Like
// every read, it does not count as activity (it never wakes the car).
func (w *World) BodyState(vin string) (BodyState, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.catchUp()
	v := w.vehicleByVIN(vin)
	if v == nil {
		return BodyState{}, fmt.Errorf("%w: vehicle %q", ErrNotFound, vin)
	}
	vs := section(v.document(), "vehicle_state", false)
	open := func(k string) bool { return num(vs, k, 0) != 0 }
	return BodyState{
		State:              v.stateAt(now, w.opts.IdleSleep),
		Locked:             v.locked,
		UserPresent:        v.userPresent,
		FrontDriverDoor:    open("df"),
		FrontPassengerDoor: open("pf"),
		RearDriverDoor:     open("dr"),
		RearPassengerDoor:  open("pr"),
		FrontTrunk:         open("ft"),
		RearTrunk:          open("rt"),
		ChargePort:         v.portOpen,
	}, nil
}
