package web

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// History is the recorded state history (the store keeps it).
type History interface {
	// StateHistory returns, for each entity that has any, the last state at
	// or before start and then every change in (start, end], oldest first.
	StateHistory(ctx context.Context, entityIDs []string, start, end time.Time) (map[string][]entity.State, error)
}

// historyState is a full entry of GET /api/history/period.
type historyState struct {
	EntityID    string       `json:"entity_id"`
	State       string       `json:"state"`
	Attributes  entity.Attrs `json:"attributes"`
	LastChanged entity.Time  `json:"last_changed"`
	LastUpdated entity.Time  `json:"last_updated"`
}

// minimalState is an entry after the first with minimal_response.
type minimalState struct {
	State       string      `json:"state"`
	LastChanged entity.Time `json:"last_changed"`
}

// significantDomains are Home Assistant's domains whose attribute changes
// are significant.
var significantDomains = map[string]bool{"climate": true, "device_tracker": true, "humidifier": true, "thermostat": true, "water_heater": true}

// validEntityID is Home Assistant's valid_entity_id.
var validEntityID = regexp.MustCompile(`^[\da-z_]+\.[\da-z_]+$`)

func isValidEntityID(id string) bool {
	if !validEntityID.MatchString(id) || strings.Contains(id, "__") {
		return false
	}
	domain, object, _ := strings.Cut(id, ".")
	for _, p := range []string{domain, object} {
		if strings.HasPrefix(p, "_") || strings.HasSuffix(p, "_") {
			return false
		}
	}
	return true
}

// history is GET /api/history/period[/{start}], Home Assistant's
// HistoryPeriodView.
func (s *server) history(w http.ResponseWriter, r *http.Request) {
	if s.opts.History == nil {
		message(w, http.StatusNotFound, "History is not recorded.")
		return
	}
	q := r.URL.Query()
	var start time.Time
	if raw := r.PathValue("start"); raw != "" {
		t, ok := parseDatetime(raw, s.opts.TimeZone)
		if !ok {
			message(w, http.StatusBadRequest, "Invalid datetime")
			return
		}
		start = t
	}
	now := s.opts.Now().UTC()
	raw := strings.ToLower(strings.TrimSpace(q.Get("filter_entity_id")))
	if raw == "" {
		message(w, http.StatusBadRequest, "filter_entity_id is missing")
		return
	}
	ids := strings.Split(raw, ",")
	for _, id := range ids {
		if _, ok := s.reg.State(id); !ok && !isValidEntityID(id) {
			message(w, http.StatusBadRequest, "Invalid filter_entity_id")
			return
		}
	}
	const day = 24 * time.Hour
	if start.IsZero() {
		start = now.Add(-day)
	}
	if start.After(now) {
		writeJSON(w, http.StatusOK, []any{})
		return
	}
	end := start.Add(day)
	if raw := q.Get("end_time"); raw != "" {
		t, ok := parseDatetime(raw, s.opts.TimeZone)
		if !ok {
			message(w, http.StatusBadRequest, "Invalid end_time")
			return
		}
		end = t
	}
	_, skipInitial := q["skip_initial_state"]
	_, minimal := q["minimal_response"]
	_, noAttrs := q["no_attributes"]
	significantOnly := q.Get("significant_changes_only") != "0"

	hist, err := s.opts.History.StateHistory(r.Context(), ids, start, end)
	if err != nil {
		s.log.Error("web: read the history", "err", err)
		message(w, http.StatusInternalServerError, "History is not available.")
		return
	}
	out := make([][]any, 0, len(hist))
	seen := map[string]bool{}
	for _, id := range ids {
		states := hist[id]
		if seen[id] || len(states) == 0 {
			continue
		}
		seen[id] = true
		if !states[0].LastUpdated.After(start) {
			if skipInitial {
				states = states[1:]
			} else {
				first := states[0]
				first.LastChanged, first.LastUpdated = entity.Time{Time: start}, entity.Time{Time: start}
				states = append([]entity.State{first}, states[1:]...)
			}
		}
		if list := historyList(states, minimal, noAttrs, significantOnly); len(list) > 0 {
			out = append(out, list)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// historyList is one entity's entries: the first in full, the rest as the
// flags say.
func historyList(states []entity.State, minimal, noAttrs, significantOnly bool) []any {
	out := make([]any, 0, len(states))
	var prev *entity.State
	for i := range states {
		st := &states[i]
		if prev != nil {
			sameState := st.State == prev.State
			switch {
			case minimal && sameState:
				continue
			case significantOnly && sameState && !significantDomains[domainOf(st.EntityID)]:
				if _, hasUnit := st.Attributes.Get("unit_of_measurement"); !hasUnit {
					continue
				}
			}
		}
		if prev != nil && minimal {
			out = append(out, minimalState{State: st.State, LastChanged: st.LastChanged})
		} else {
			attrs := st.Attributes
			if noAttrs || attrs == nil {
				attrs = entity.Attrs{}
			}
			out = append(out, historyState{EntityID: st.EntityID, State: st.State, Attributes: attrs, LastChanged: st.LastChanged, LastUpdated: st.LastUpdated})
		}
		prev = st
	}
	return out
}

func domainOf(entityID string) string {
	d, _, _ := strings.Cut(entityID, ".")
	return d
}

// parseDatetime is Home Assistant's dt_util.parse_datetime: ISO 8601, with
// an offset or in the configured time zone. A "+" turned into a space by
// query decoding is restored.
func parseDatetime(s, tz string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if strings.Count(s, " ") == 1 && len(s) > 19 && s[len(s)-6] == ' ' {
		s = s[:len(s)-6] + "+" + s[len(s)-5:]
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
