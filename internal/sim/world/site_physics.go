package world

import (
	"math"
	"time"
)

// homeRadiusKm is how close a plugged-in car must be to a site to charge
// from its Wall Connectors.
const homeRadiusKm = 0.3

// step advances the site over (from, to]: weather, solar, home load, Wall
// Connectors, battery dispatch and the grid, which closes the balance
// solar + grid + battery = load. Vehicles have already stepped.
func (s *site) step(w *World, from, to time.Time) {
	s.live = true
	dt := to.Sub(from).Hours()
	solar, load, battery := s.powers(w, to, dt)
	s.energyWh = clamp(s.energyWh-battery*dt, 0, s.capacityWh)
	s.hist.add(from, flowsOf(solar, load, battery, dt), s.tz)
}

// powers computes and stores the site's powers (W) for a step of dt hours
// ending at t: the grid closes the balance solar + grid + battery = load.
func (s *site) powers(w *World, t time.Time, dt float64) (solar, load, battery float64) {
	s.stepWeather(w, dt)
	s.stepStorm(w, t, dt)
	if s.hasSolar {
		solar = s.solarPeakW * clearSky(t, s.lat, s.lon) * (1 - 0.75*s.cloud)
	}
	load = s.homeLoad(w, t) + s.stepWallConnectors(w)
	battery = s.dispatch(t, solar, load, dt)
	grid := load - solar - battery
	if grid < 0 && s.exportRule == "never" && solar > 0 {
		cut := math.Min(solar, -grid) // no export allowed: the inverters curtail
		solar -= cut
		grid += cut
	}
	s.solarW, s.loadW, s.batteryW, s.gridW = solar, load, battery, grid
	return solar, load, battery
}

// stepWeather moves the cloud cover: a seeded random walk toward a target
// redrawn every few hours.
func (s *site) stepWeather(w *World, dt float64) {
	if w.rng.Float64() < dt/3 {
		r := w.rng.Float64()
		s.cloudTarget = r * r * r // mostly clear
	}
	s.cloud = clamp(s.cloud+(s.cloudTarget-s.cloud)*0.05+w.rng.NormFloat64()*0.01, 0, 1)
}

// homeLoad is the house's own consumption (W) at t: a base, daily peaks and noise.
func (s *site) homeLoad(w *World, t time.Time) float64 {
	s.loadNoise = 0.95*s.loadNoise + w.rng.NormFloat64()*40
	return s.loadAt(t, s.loadNoise)
}

// loadAt is the house's consumption (W) at t for a given noise term.
func (s *site) loadAt(t time.Time, noise float64) float64 {
	lt := t.In(s.tz)
	h := float64(lt.Hour()) + float64(lt.Minute())/60
	bump := func(center, width, height float64) float64 {
		d := (h - center) / width
		return height * math.Exp(-d*d)
	}
	load := s.baseLoadW + bump(7.5, 1.2, 700) + bump(13, 2.5, 250) + bump(19, 2, 1400) + noise
	return math.Max(150, load)
}

// stepWallConnectors links plugged-in cars of the owner at the site to its
// Wall Connectors and returns their total power (W).
func (s *site) stepWallConnectors(w *World) float64 {
	for _, wc := range s.wcs {
		wc.vin, wc.powerW, wc.state = "", 0, 2
	}
	total := 0.0
	i := 0
	for _, v := range w.vehicles {
		if i >= len(s.wcs) || v.owner != s.owner || !v.plugged {
			continue
		}
		if s.lat == 0 && s.lon == 0 || distanceKm(v.lat, v.lon, s.lat, s.lon) > homeRadiusKm {
			continue
		}
		wc := s.wcs[i]
		i++
		wc.vin, wc.powerW, wc.state = v.vin, v.chargerKW*1000, 4
		if wc.powerW > 0 {
			wc.state = 1
		}
		total += wc.powerW
	}
	return total
}

// dispatch decides the battery power (W, negative = charging) for the step.
func (s *site) dispatch(t time.Time, solar, load, dt float64) float64 {
	if !s.hasBattery || s.capacityWh <= 0 || dt <= 0 {
		return 0
	}
	room := (s.capacityWh - s.energyWh) / dt    // W that fills the battery this step
	floor := s.capacityWh * s.reserve / 100     // the backup reserve
	avail := math.Max(0, s.energyWh-floor) / dt // W that empties it to the reserve
	maxIn := math.Min(s.maxChargeW, room)
	maxOut := math.Min(s.maxDischargeW, avail)
	surplus := solar - load
	gridCharge := !(s.disallowGridCharge && s.hasSolar)
	mode := s.mode
	if s.stormActive {
		mode = "backup" // Storm Watch fills the battery
	}

	charge := 0.0 // W into the battery
	discharge := 0.0
	switch mode {
	case "backup":
		charge = math.Max(0, surplus)
		if gridCharge && s.percentage() < 100 {
			charge = math.Max(charge, 0.6*s.maxChargeW)
		}
	case "autonomous":
		h := t.In(s.tz).Hour()
		switch {
		case h >= 16 && h < 21: // on-peak: the battery serves the house
			discharge = math.Max(0, -surplus)
			if s.exportRule == "battery_ok" && s.percentage() > 50 {
				discharge = s.maxDischargeW
			}
		default: // solar surplus charges; the grid covers deficits until the peak
			charge = math.Max(0, surplus)
		}
	default: // self_consumption
		if surplus > 0 {
			charge = surplus
		} else {
			discharge = -surplus
		}
	}
	if s.energyWh < floor-0.01*s.capacityWh && gridCharge && mode != "backup" {
		charge = math.Max(charge, math.Min(0.3*s.maxChargeW, (floor-s.energyWh)/dt))
		discharge = 0
	}
	if charge > 0 {
		return -math.Min(charge, maxIn)
	}
	return math.Min(discharge, maxOut)
}

// stepStorm runs Storm Watch: with storm mode enabled, a seeded severe-weather
// alert about once a fortnight keeps the battery full for six hours.
func (s *site) stepStorm(w *World, t time.Time, dt float64) {
	if !s.storm || !s.hasBattery {
		s.stormActive = false
		return
	}
	if s.stormActive && !t.Before(s.stormUntil) {
		s.stormActive = false
	}
	if !s.stormActive && w.rng.Float64() < dt/(14*24) {
		s.stormActive, s.stormUntil = true, t.Add(6*time.Hour)
		s.cloudTarget = 0.9
	}
}

// clearSky is the fraction (0–1) of the array's peak a clear sky gives at t.
func clearSky(t time.Time, lat, lon float64) float64 {
	doy := float64(t.UTC().YearDay())
	decl := 23.44 * math.Pi / 180 * math.Sin(2*math.Pi*(284+doy)/365)
	ha := (solarHour(t, lon) - 12) * 15 * math.Pi / 180
	phi := lat * math.Pi / 180
	sinEl := math.Sin(phi)*math.Sin(decl) + math.Cos(phi)*math.Cos(decl)*math.Cos(ha)
	if sinEl <= 0 {
		return 0
	}
	return math.Min(1, math.Pow(sinEl, 0.8))
}
