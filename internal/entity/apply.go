package entity

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// UpdateVehicle applies one refresh of a vehicle's coordinator: state is
// what GET /vehicles/{vin} (or a 408) said; data, when vehicle_data was
// fetched, replaces the vehicle's data as Home Assistant's coordinator
// does; err marks a failed refresh (the entities go unavailable and keep
// their data).
func (r *Registry) UpdateVehicle(vin, state string, data *fleet.VehicleData, err error) {
	r.update(Source{Kind: SourceVehicle, VIN: vin}, err, func(s *source) error {
		if data != nil {
			d, err := flattenValue(data)
			if err != nil {
				return err
			}
			s.data, s.updatedOnce = d, true
		}
		if state != "" {
			s.data.set("state", state)
		}
		return nil
	})
}

// UpdateLive applies one refresh of a site's live status. Wall Connectors
// are re-keyed by DIN, as the integration's live coordinator does.
func (r *Registry) UpdateLive(siteID int64, live *fleet.LiveStatus, err error) {
	r.update(Source{Kind: SourceLive, SiteID: siteID}, err, func(s *source) error {
		d, err := liveData(live)
		if err != nil {
			return err
		}
		s.data, s.updatedOnce = d, true
		return nil
	})
}

// UpdateInfo applies one refresh of a site's site_info.
func (r *Registry) UpdateInfo(siteID int64, info *fleet.SiteInfo, err error) {
	r.update(Source{Kind: SourceInfo, SiteID: siteID}, err, func(s *source) error {
		d, err := flattenValue(info)
		if err != nil {
			return err
		}
		s.data, s.updatedOnce = d, true
		return nil
	})
}

// UpdateHistory applies one refresh of a site's energy history.
func (r *Registry) UpdateHistory(siteID int64, h *History, err error) {
	r.update(Source{Kind: SourceHistory, SiteID: siteID}, err, func(s *source) error {
		s.data, s.updatedOnce = historyData(h), true
		return nil
	})
}

// SetLoginRequired marks an account whose refresh token Tesla refused:
// its entities are unavailable until it is set back to false.
func (r *Registry) SetLoginRequired(accountID string, needed bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.accounts[accountID]
	if !ok || a.reloginNeeded == needed {
		return
	}
	a.reloginNeeded = needed
	now := r.opts.Now()
	for _, e := range r.entities {
		if e.src.acct == a {
			r.renderLocked(e, now, Context{})
		}
	}
}

// update runs apply on the source when err is nil, and re-renders its
// entities. Optimistic values are dropped: the coordinator's data wins, as
// every coordinator update overwrites Home Assistant's entity attributes.
func (r *Registry) update(key Source, err error, apply func(*source) error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.sources[key]
	if !ok {
		return
	}
	if err == nil {
		if aerr := apply(s); aerr != nil {
			r.log.Warn("entity: unreadable data", "source", key.Kind, "vin", key.VIN, "site", key.SiteID, "err", aerr)
			err = aerr
		}
	}
	s.ok = err == nil
	now := r.opts.Now()
	for _, e := range s.entities {
		e.over = nil
		r.renderLocked(e, now, Context{})
	}
}

func liveData(live *fleet.LiveStatus) (Data, error) {
	m, err := toMap(live)
	if err != nil {
		return Data{}, err
	}
	wcs := map[string]any{}
	if list, ok := m["wall_connectors"].([]any); ok {
		for _, it := range list {
			if wc, ok := it.(map[string]any); ok {
				if din, ok := wc["din"].(string); ok {
					wcs[din] = wc
				}
			}
		}
	}
	m["wall_connectors"] = wcs
	return dataOf(m), nil
}

func historyData(h *History) Data {
	if h == nil {
		return Data{}
	}
	b := &dataBuilder{pairs: make([]Attr, 0, len(h.Fields)+1)}
	for k, v := range h.Fields {
		b.add(k, v)
	}
	b.add("_period_start", h.PeriodStart)
	return b.build()
}

// renderLocked computes e's state; a change of state or attributes is
// published, a refresh that changes nothing only moves last_reported.
func (r *Registry) renderLocked(e *Entity, now time.Time, ctx Context) {
	if !e.enabled {
		return
	}
	v := &view{e: e, data: e.src.data, now: now, units: r.opts.Units, home: r.opts.Home}
	o := e.impl.render(v)
	avail := e.src.available() && !o.unavailable
	// The attributes are built in the registry's scratch list, then kept
	// in a list of their exact size, or the old state's when they are
	// equal (most refreshes change the state, not the attributes).
	attrs := append(r.scratch[:0], o.caps...)
	if avail {
		for _, a := range o.attrs {
			attrs.set(a.Key, a.Value)
		}
	}
	if u := e.unit(r.opts.Units); u != "" {
		attrs.set("unit_of_measurement", internString(u))
	}
	if e.m.class != "" {
		attrs.set("device_class", internString(e.m.class))
	}
	if o.picture != "" {
		attrs.set("entity_picture", o.picture)
	}
	if o.icon != "" {
		attrs.set("icon", internString(o.icon))
	}
	attrs.set("friendly_name", e.friendlyName())
	if o.features != nil {
		attrs.set("supported_features", *o.features)
	}
	state := o.state
	switch {
	case !avail:
		state = StateUnavailable
	case state == "":
		state = StateUnknown
	}
	r.scratch = attrs[:0]
	t := Time{now.UTC()}
	old := e.state
	var kept Attrs
	if old != nil && old.Attributes.equal(attrs) {
		kept = old.Attributes
	}
	if old != nil && old.State == state && kept != nil {
		old.LastReported = t
		clear(attrs)
		return
	}
	if kept == nil {
		kept = slices.Clone(attrs)
	}
	clear(attrs) // the scratch list holds no values between renders
	next := &State{EntityID: e.EntityID, State: state, Attributes: kept,
		LastChanged: t, LastUpdated: t, LastReported: t}
	if old != nil && old.State == state {
		next.LastChanged = old.LastChanged
	}
	if ctx.ID == "" {
		ctx = Context{ID: newULID(now)}
	}
	next.Context = ctx
	e.state = next
	r.publishLocked(Change{Old: old, New: next})
}

// jsonNumber makes a JSON number of a float, for optimistic values.
func jsonNumber(f float64) json.Number { return json.Number(pyFloat(f)) }

// jsonInt makes a JSON number of an integer.
func jsonInt(i int64) json.Number { return json.Number(number{i: i, isInt: true}.String()) }
