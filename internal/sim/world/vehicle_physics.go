package world

import (
	"math"
	"time"
)

const (
	chargeEfficiency = 0.92 // wall → battery
	climateAutoOff   = 30 * time.Minute
	onlineDrainKW    = 0.2
	asleepDrainKW    = 0.02
	sentryDrainKW    = 0.25
)

// step advances the vehicle's physics over (from, to].
func (v *vehicle) step(w *World, from, to time.Time) {
	v.settle(from, w.opts.IdleSleep)
	v.live = true
	dt := to.Sub(from).Hours()

	v.outside = outsideTemp(to, v.lat, v.lon) + v.outsideOffset

	drainKW := asleepDrainKW
	if v.state == "online" {
		drainKW = onlineDrainKW
	}
	if v.sentry {
		drainKW += sentryDrainKW
	}
	drainKW += v.stepClimate(to, dt)

	if v.driving {
		drainKW += v.stepDrive(w, to, dt)
	}

	prev := v.chargingState
	v.updateChargeState()
	gainKW := 0.0
	if v.chargingState == "Charging" {
		if v.state == "asleep" && prev != "Charging" {
			v.state, v.waking = "online", false // a car wakes to charge
		}
		v.chargerKW = v.chargePowerKW()
		gainKW = v.chargerKW * chargeEfficiency
		v.energyAdded += gainKW * dt
	} else {
		v.chargerKW = 0
	}
	if v.chargingState == "Complete" {
		drainKW = 0 // a plugged-in car at its limit runs on wall power
	}
	before := v.level
	v.level += (gainKW - drainKW) * dt / v.capacityKWh * 100
	v.lifetimeKWh += drainKW * dt
	if v.chargingState == "Charging" && v.level >= v.limit {
		v.level = math.Max(before, v.limit)
		v.chargingState, v.chargerKW, v.fullSince = "Complete", 0, true
	}
	v.level = clamp(v.level, 0, 100)
	if v.driving && v.level <= 0.5 {
		v.endDrive(to) // the car stops when the battery is flat
	}
	if !v.driving {
		v.powerKW = -v.chargerKW
	}
	v.stepSoftware(to)
	if v.state == "online" {
		v.gpsAsOf = to.Unix()
	}
	if v.blocked() && v.state == "online" {
		v.lastActive = to
	}
}

// stepClimate moves the cabin temperature and returns the HVAC power in kW.
func (v *vehicle) stepClimate(to time.Time, dt float64) float64 {
	if v.climateOn && v.keeper == "off" && to.Sub(v.climateSince) >= climateAutoOff {
		v.climateOn = false
	}
	if v.climateOn {
		target := v.driverSet
		v.inside += (target - v.inside) * (1 - math.Exp(-dt*6)) // ~10 min time constant
		return math.Min(5, 0.4+0.15*math.Abs(target-v.outside))
	}
	gain := 0.0 // a parked car in the sun warms above the outside air
	if h := solarHour(to, v.lon); h > 8 && h < 18 {
		gain = 6 * math.Sin(math.Pi*(h-8)/10)
	}
	v.inside += (v.outside + gain - v.inside) * (1 - math.Exp(-dt/1.5))
	return 0
}

// stepDrive moves the car along its heading and returns the drive power in kW.
func (v *vehicle) stepDrive(w *World, to time.Time, dt float64) float64 {
	dist := v.speed * dt // miles
	v.heading = math.Mod(v.heading+w.rng.NormFloat64()*4+360, 360)
	rad := v.heading * math.Pi / 180
	v.lat += dist * math.Cos(rad) / 69.0
	v.lon += dist * math.Sin(rad) / (69.0 * math.Max(0.1, math.Cos(v.lat*math.Pi/180)))
	v.odometer += dist
	whPerMile := 200 + 0.025*v.speed*v.speed
	v.powerKW = v.speed * whPerMile / 1000
	v.gpsAsOf = to.Unix()
	return v.powerKW
}

// stepSoftware runs a scheduled software installation.
func (v *vehicle) stepSoftware(to time.Time) {
	v.installing = false
	if v.swInstallAt.IsZero() || to.Before(v.swInstallAt) {
		return
	}
	vs := section(v.document(), "vehicle_state", false)
	su := section(vs, "software_update", false)
	if su == nil {
		v.swInstallAt = time.Time{}
		return
	}
	dur := time.Duration(num(su, "expected_duration_sec", 1800)) * time.Second
	done := to.Sub(v.swInstallAt)
	if done >= dur {
		ver := str(su, "version", "")
		set(vs, "car_version", ver+" 7a1f0c3e9b2d")
		set(su, "status", "")
		set(su, "install_perc", 1)
		set(su, "download_perc", 0)
		set(su, "version", " ")
		delete(su, "scheduled_time_ms")
		v.swInstallAt = time.Time{}
		return
	}
	v.installing = true
	if v.state == "asleep" {
		v.state, v.waking = "online", false // the car wakes to install
	}
	set(su, "status", "installing")
	set(su, "install_perc", int(math.Max(1, float64(done)/float64(dur)*100)))
}

// updateChargeState derives charging_state from the plug, the request and the limit.
func (v *vehicle) updateChargeState() {
	switch {
	case !v.plugged:
		v.chargingState = "Disconnected"
	case !v.chargeWanted || v.amps <= 0:
		v.chargingState = "Stopped"
	case v.level >= v.limit:
		v.chargingState, v.fullSince = "Complete", true
	case v.fullSince && v.level > v.limit-2:
		v.chargingState = "Complete" // resumes only after a small drop
	default:
		v.chargingState, v.fullSince = "Charging", false
	}
}

// chargePowerKW is the AC power the charger draws now, tapering above 80 %.
func (v *vehicle) chargePowerKW() float64 {
	p := v.amps * v.voltage * v.phases / 1000
	p = math.Min(p, 11.5)
	if v.level > 80 {
		p *= math.Max(0.35, 1-(v.level-80)*0.033)
	}
	return p
}

// setPlugged connects or disconnects the charge cable.
func (v *vehicle) setPlugged(in bool) {
	v.live = true
	if in == v.plugged {
		return
	}
	v.plugged = in
	if in {
		v.portOpen, v.latch = true, "Engaged"
		v.chargeWanted, v.fullSince, v.energyAdded = true, false, 0
	} else {
		v.portOpen, v.latch = false, "Disengaged"
		v.chargeWanted, v.chargerKW = false, 0
	}
	v.updateChargeState()
}

// startDrive puts the car in drive (unplugging it first).
func (v *vehicle) startDrive(t time.Time) {
	v.setPlugged(false)
	v.driving, v.shift, v.userPresent = true, "D", true
	if v.speed <= 0 {
		v.speed = 35
	}
	v.touch(t)
}

// endDrive parks the car; the driver leaves.
func (v *vehicle) endDrive(t time.Time) {
	if !v.driving {
		return
	}
	v.driving, v.shift, v.speed, v.powerKW = false, "P", 0, 0
	v.userPresent = false
	v.touch(t)
}

// solarHour is the local solar time (hours) at longitude lon.
func solarHour(t time.Time, lon float64) float64 {
	u := t.UTC()
	h := float64(u.Hour()) + float64(u.Minute())/60 + float64(u.Second())/3600 + lon/15
	return math.Mod(h+48, 24)
}

// outsideTemp is a seasonal and daily temperature model (°C).
func outsideTemp(t time.Time, lat, lon float64) float64 {
	doy := float64(t.UTC().YearDay())
	season := math.Cos(2 * math.Pi * (doy - 200) / 365)
	if lat < 0 {
		season = -season
	}
	mean := 15 + 7*season
	h := solarHour(t, lon)
	return mean + 5*math.Sin(2*math.Pi*(h-9)/24)
}
