package world

import (
	"math"
	"math/rand/v2"
	"time"
)

// A live site's history before the simulation started is generated from the
// same solar, weather, load and battery model the physics uses, one local
// day at a time: the day so far when the world starts, earlier days (back
// to the installation date) when a query reaches them. Each generated day
// depends only on the seed, the site and the day, so the answer does not
// depend on when or in which order it is asked for.

// backfillStep is the model's step while generating past days.
const backfillStep = fineInterval

// ensureHistory generates the history of [from, s.histFrom), whole local
// days, not before the installation date. The caller holds w.mu.
func (s *site) ensureHistory(w *World, from time.Time) {
	if !s.live || s.histFrom.IsZero() {
		return
	}
	switch inst := s.installedAt(); {
	case inst.IsZero() && from.Before(s.histFrom):
		from = s.histFrom // unknown installation: only the day the simulation started in
	case !inst.IsZero() && from.Before(inst):
		from = inst
	}
	from = localMidnight(from, s.tz)
	if !from.Before(s.histFrom) {
		return
	}
	keepFine := w.clk.now().Add(-fineRetention)
	var fine, daily []bucket
	for day := from; day.Before(s.histFrom); day = day.AddDate(0, 0, 1) {
		end := day.AddDate(0, 0, 1)
		if end.After(s.histFrom) {
			end = s.histFrom
		}
		buckets := s.modelDay(w.opts.Seed, day, end)
		if day.Before(keepFine) {
			var sum bucket
			sum.start = day
			for i := range buckets {
				sum.e.addAll(&buckets[i].e)
			}
			daily = append(daily, sum)
			continue
		}
		fine = append(fine, buckets...)
	}
	h := &s.hist
	if n := len(fine); n > 0 && len(h.fine) > 0 && fine[n-1].start.Equal(h.fine[0].start) {
		h.fine[0].e.addAll(&fine[n-1].e) // the 5 minutes the live steps began in
		fine = fine[:n-1]
	}
	h.fine = append(fine, h.fine...)
	h.daily = append(daily, h.daily...)
	s.histFrom = from
}

// installedAt is site_info's installation_date (zero when unknown).
func (s *site) installedAt() time.Time {
	t, err := time.Parse(time.RFC3339, str(s.info, "installation_date", ""))
	if err != nil {
		return time.Time{}
	}
	return t
}

// modelDay runs the site model over [day, end) in 5-minute steps (the last
// one may be shorter) and returns the 5-minute buckets. Weather, load noise
// and the battery's charge at midnight are drawn from the day's own seeded
// randomness; the site's settings (mode, reserve, export rule) are today's.
func (s *site) modelDay(seed int64, day, end time.Time) []bucket {
	rng := rand.New(rand.NewPCG(uint64(seed)^uint64(s.id), uint64(day.Unix())))
	model := *s // dispatch reads the settings and the battery's energy only
	model.stormActive = false
	model.energyWh = model.capacityWh * (model.reserve/100 + (1-model.reserve/100)*(0.2+0.3*rng.Float64()))
	r := rng.Float64()
	cloud, target := r*r*r, r*r*r
	noise := 0.0
	var out []bucket
	for t := day; t.Before(end); t = t.Add(backfillStep) {
		stepEnd := t.Add(backfillStep)
		if stepEnd.After(end) {
			stepEnd = end
		}
		dt := stepEnd.Sub(t).Hours()
		if rng.Float64() < dt/3 {
			r := rng.Float64()
			target = r * r * r
		}
		cloud = clamp(cloud+(target-cloud)*0.3+rng.NormFloat64()*0.03, 0, 1)
		noise = 0.75*noise + rng.NormFloat64()*60
		mid := t.Add(stepEnd.Sub(t) / 2)
		solar := 0.0
		if s.hasSolar {
			solar = s.solarPeakW * clearSky(mid, s.lat, s.lon) * (1 - 0.75*cloud)
		}
		load := s.loadAt(mid, noise)
		battery := model.dispatch(mid, solar, load, dt)
		if grid := load - solar - battery; grid < 0 && s.exportRule == "never" && solar > 0 {
			solar -= math.Min(solar, -grid)
		}
		model.energyWh = clamp(model.energyWh-battery*dt, 0, model.capacityWh)
		out = append(out, bucket{start: t.Truncate(fineInterval), e: flowsOf(solar, load, battery, dt)})
	}
	return out
}
