package entity

import "math"

// tracker is §4.11's location or route tracker: a GPS tracker placed in
// the home zone or not_home.
type tracker struct{ lat, lon string }

func (t *tracker) service(string) planner { return nil }

func (t *tracker) render(v *view) out {
	if v.isNone(t.lat) || v.isNone(t.lon) {
		return out{unavailable: true}
	}
	o := out{attrs: Attrs{{"source_type", "gps"}}}
	lat, okLat := v.number(t.lat)
	lon, okLon := v.number(t.lon)
	if !okLat || !okLon {
		return o
	}
	o.attrs = append(o.attrs, Attr{"latitude", lat.json()}, Attr{"longitude", lon.json()}, Attr{"gps_accuracy", 0})
	o.state = "not_home"
	if h := v.home; h != nil && distance(lat.float(), lon.float(), h.Latitude, h.Longitude) <= h.Radius {
		o.state = "home"
	}
	return o
}

// distance is the great-circle distance in metres (Home Assistant's
// location.distance uses Vincenty; at zone scale the two agree to
// centimetres).
func distance(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371008.8
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}

func vehicleTrackers(s *setup) []*Entity {
	return []*Entity{
		s.newEntity(s.vehicle, DeviceTracker, &locationMeta, &locationTracker),
		s.newEntity(s.vehicle, DeviceTracker, &routeMeta, &routeTracker),
	}
}

// The trackers hold no state of their own: every vehicle shares them.
var (
	locationMeta    = meta{key: "location", name: "Location", category: Diagnostic, icon: "mdi:map-marker"}
	routeMeta       = meta{key: "route", name: "Route", category: Diagnostic, icon: "mdi:routes"}
	locationTracker = tracker{lat: "drive_state_latitude", lon: "drive_state_longitude"}
	routeTracker    = tracker{lat: "drive_state_active_route_latitude", lon: "drive_state_active_route_longitude"}
)
