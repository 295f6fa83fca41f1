package web

import (
	"net/http"
)

// siteOf is the part of the configuration the Options set.
func (s *server) siteOf() siteConfig {
	o := s.opts
	return siteConfig{LocationName: o.LocationName, Latitude: o.Latitude, Longitude: o.Longitude,
		Elevation: o.Elevation, TimeZone: o.TimeZone, ConfigDir: o.ConfigDir, Components: o.Components,
		Version:  o.Version,
		Currency: "USD"}
}

// config is GET /api/config: the same dictionary as the WebSocket get_config.
func (s *server) config(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, haConfig(s.reg, s.siteOf()))
}
