package sim

import (
	"net/http"
	"time"

	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// GET /api/1/energy_sites/{id}/site_info
func (h *regionHandler) siteInfo(c *call) error {
	v, err := h.c.world.SiteInfo(c.account, c.site)
	if err != nil {
		return err
	}
	respond(c.w, v)
	return nil
}

// GET /api/1/energy_sites/{id}/live_status
func (h *regionHandler) liveStatus(c *call) error {
	v, err := h.c.world.LiveStatus(c.account, c.site)
	if err != nil {
		return err
	}
	respond(c.w, v)
	return nil
}

// GET /api/1/energy_sites/{id}/calendar_history?kind=&period=&start_date=&end_date=&time_zone=
func (h *regionHandler) calendarHistory(c *call) error {
	q := c.r.URL.Query()
	hq := world.HistoryQuery{Kind: q.Get("kind"), Period: q.Get("period"), TimeZone: q.Get("time_zone")}
	if hq.Kind == "" {
		hq.Kind = "energy"
	}
	if hq.Period == "" {
		hq.Period = "day"
	}
	switch hq.Kind {
	case "energy", "backup":
	default:
		return newError(http.StatusBadRequest, "invalid_field", "kind must be energy or backup")
	}
	switch hq.Period {
	case "day", "week", "month", "year", "lifetime":
	default:
		return newError(http.StatusBadRequest, "invalid_field", "period must be day, week, month, year or lifetime")
	}
	var err error
	if hq.Start, err = parseDate(q.Get("start_date")); err != nil {
		return newError(http.StatusBadRequest, "invalid_field", "start_date: "+err.Error())
	}
	if hq.End, err = parseDate(q.Get("end_date")); err != nil {
		return newError(http.StatusBadRequest, "invalid_field", "end_date: "+err.Error())
	}
	if !hq.Start.IsZero() && !hq.End.IsZero() && hq.End.Before(hq.Start) {
		return newError(http.StatusBadRequest, "invalid_field", "end_date is before start_date")
	}
	v, err := h.c.world.CalendarHistory(c.account, c.site, hq)
	if err != nil {
		return err
	}
	respond(c.w, v)
	return nil
}

// parseDate accepts RFC 3339 (with or without fractions); "" is the zero time.
func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// siteCommand handles POST /api/1/energy_sites/{id}/<name>.
func siteCommand(name string) func(*regionHandler, *call) error {
	return func(h *regionHandler, c *call) error {
		body := map[string]any{}
		if err := c.decode(&body); err != nil {
			return err
		}
		if body == nil {
			body = map[string]any{}
		}
		v, err := h.c.world.SiteCommand(c.account, c.site, name, body)
		if err != nil {
			return err
		}
		respond(c.w, v)
		return nil
	}
}
