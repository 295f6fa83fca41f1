package world

import "time"

// tsLayout is Tesla's timestamp layout: RFC 3339 with a numeric offset.
const tsLayout = "2006-01-02T15:04:05-07:00"

// CalendarHistory is /energy_sites/{id}/calendar_history. kind=energy gives
// energy per interval: 5-minute samples of one local day for period day,
// days for week and month, months for year, years for lifetime.
func (w *World) CalendarHistory(accountID string, siteID int64, q HistoryQuery) (map[string]any, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.catchUp()
	s, err := w.gatewayFor(accountID, siteID)
	if err != nil {
		return nil, err
	}
	switch q.Kind {
	case "", "energy":
	case "backup":
		return map[string]any{"events": []any{}, "total_events": 0}, nil
	default:
		return nil, paramError("kind %q is not energy or backup", q.Kind)
	}
	period := q.Period
	if period == "" {
		period = "day"
	}
	if period == "day" && !s.live && s.seedHistory != nil {
		return copyMap(s.seedHistory), nil
	}
	tz := s.tz
	if q.TimeZone != "" {
		loc, err := time.LoadLocation(q.TimeZone)
		if err != nil || q.TimeZone == "Local" { // "Local" is the host's zone, not an IANA name
			return nil, paramError("time_zone %q is unknown", q.TimeZone)
		}
		tz = loc
	}
	end := q.End
	if end.IsZero() {
		end = now
	}
	var from, to time.Time
	var key func(time.Time) time.Time
	day := func(t time.Time) time.Time { return localMidnight(t, tz) }
	le := end.In(tz)
	switch period {
	case "day":
		from = day(end)
		to = from.AddDate(0, 0, 1)
		key = func(t time.Time) time.Time { return t }
	case "week":
		to = day(end).AddDate(0, 0, 1)
		from = to.AddDate(0, 0, -7)
		key = day
	case "month":
		from = time.Date(le.Year(), le.Month(), 1, 0, 0, 0, 0, tz)
		to = from.AddDate(0, 1, 0)
		key = day
	case "year":
		from = time.Date(le.Year(), 1, 1, 0, 0, 0, 0, tz)
		to = from.AddDate(1, 0, 0)
		key = func(t time.Time) time.Time {
			l := t.In(tz)
			return time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, tz)
		}
	case "lifetime":
		from = time.Time{}
		to = now.Add(time.Hour)
		key = func(t time.Time) time.Time { return time.Date(t.In(tz).Year(), 1, 1, 0, 0, 0, 0, tz) }
	default:
		return nil, paramError("period %q is not day, week, month, year or lifetime", period)
	}
	if !q.Start.IsZero() && !q.End.IsZero() && q.Start.Before(q.End) {
		from, to = q.Start, q.End.Add(time.Second)
	}
	s.ensureHistory(w, from)
	series := []any{}
	for _, b := range s.hist.series(from, to, key, false) {
		item := map[string]any{"timestamp": b.start.In(tz).Format(tsLayout)}
		for i, f := range historyFields {
			item[f] = round(b.e[i], 2)
		}
		series = append(series, item)
	}
	return map[string]any{
		"period":                 period,
		"installation_time_zone": s.tzName,
		"time_series":            series,
	}, nil
}
