package web

import (
	"net/http"
	"slices"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// haConfig is Home Assistant's Config.as_dict, in its key order.
type haConfig struct {
	AllowlistExternalDirs []string   `json:"allowlist_external_dirs"`
	AllowlistExternalURLs []string   `json:"allowlist_external_urls"`
	Components            []string   `json:"components"`
	ConfigDir             string     `json:"config_dir"`
	ConfigSource          string     `json:"config_source"`
	Country               *string    `json:"country"`
	Currency              string     `json:"currency"`
	Debug                 bool       `json:"debug"`
	Elevation             int        `json:"elevation"`
	ExternalURL           *string    `json:"external_url"`
	InternalURL           *string    `json:"internal_url"`
	Language              string     `json:"language"`
	Latitude              float64    `json:"latitude"`
	LocationName          string     `json:"location_name"`
	Longitude             float64    `json:"longitude"`
	Radius                int        `json:"radius"`
	RecoveryMode          bool       `json:"recovery_mode"`
	SafeMode              bool       `json:"safe_mode"`
	State                 string     `json:"state"`
	TimeZone              string     `json:"time_zone"`
	UnitSystem            unitSystem `json:"unit_system"`
	Version               string     `json:"version"`
	WhitelistExternalDirs []string   `json:"whitelist_external_dirs"`
}

// unitSystem is Home Assistant's UnitSystem.as_dict.
type unitSystem struct {
	Length                   string `json:"length"`
	AccumulatedPrecipitation string `json:"accumulated_precipitation"`
	Mass                     string `json:"mass"`
	Pressure                 string `json:"pressure"`
	Temperature              string `json:"temperature"`
	Volume                   string `json:"volume"`
	WindSpeed                string `json:"wind_speed"`
}

var (
	metricUnits   = unitSystem{"km", "mm", "g", "Pa", "°C", "L", "m/s"}
	imperialUnits = unitSystem{"mi", "in", "lb", "psi", "°F", "gal", "mph"}
)

// baseComponents are the components teslafleet stands in for.
var baseComponents = []string{"api", "history", "http", "tesla_fleet", "websocket_api"}

func (s *server) config(w http.ResponseWriter, _ *http.Request) {
	o := s.opts
	units := metricUnits
	if s.reg.Units() == entity.Imperial {
		units = imperialUnits
	}
	comps := append(slices.Clone(baseComponents), o.Components...)
	slices.Sort(comps)
	comps = slices.Compact(comps)
	dirs := []string{}
	if o.ConfigDir != "" {
		dirs = []string{o.ConfigDir}
	}
	writeJSON(w, http.StatusOK, haConfig{
		AllowlistExternalDirs: dirs, AllowlistExternalURLs: []string{}, Components: comps,
		ConfigDir: o.ConfigDir, ConfigSource: "yaml", Currency: "USD", Elevation: o.Elevation,
		Language: "en", Latitude: o.Latitude, LocationName: o.LocationName, Longitude: o.Longitude,
		Radius: 100, State: "RUNNING", TimeZone: o.TimeZone, UnitSystem: units, Version: o.Version,
		WhitelistExternalDirs: dirs,
	})
}
