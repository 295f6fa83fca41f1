package web

import (
	"slices"
	"strings"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// haVersion is the Home Assistant version teslafleet speaks for: the
// WebSocket API's ha_version and the configuration's version. Clients
// (home-assistant-js-websocket, the frontend) choose their features by it.
const haVersion = "2026.12.0"

// siteConfig are the fields of Home Assistant's configuration that are
// ours to set; zero values take Home Assistant's defaults (see
// defaultSiteConfig).
type siteConfig struct {
	LocationName        string
	Latitude, Longitude float64
	Elevation           int
	Radius              int // the home zone's, metres
	TimeZone            string
	ConfigDir           string
	Version             string
	Language            string
	Country             *string
	Currency            string
	Components          []string // more loaded components to list
}

// defaultSiteConfig is what a fresh Home Assistant answers.
func defaultSiteConfig() siteConfig {
	return siteConfig{LocationName: "Home", Radius: 100, TimeZone: "UTC", ConfigDir: "/config",
		Version: haVersion, Language: "en", Currency: "EUR"}
}

// haUnitSystem is Home Assistant's UnitSystem.as_dict.
type haUnitSystem struct {
	Length                   string `json:"length"`
	AccumulatedPrecipitation string `json:"accumulated_precipitation"`
	Area                     string `json:"area"`
	Mass                     string `json:"mass"`
	Pressure                 string `json:"pressure"`
	Temperature              string `json:"temperature"`
	Volume                   string `json:"volume"`
	WindSpeed                string `json:"wind_speed"`
}

// haConfigDict is Home Assistant's Config.as_dict, the answer of both
// GET /api/config and the WebSocket get_config command (keys in its order).
type haConfigDict struct {
	AllowlistExternalDirs []string     `json:"allowlist_external_dirs"`
	AllowlistExternalURLs []string     `json:"allowlist_external_urls"`
	Components            []string     `json:"components"`
	ConfigDir             string       `json:"config_dir"`
	ConfigSource          string       `json:"config_source"`
	Country               *string      `json:"country"`
	Currency              string       `json:"currency"`
	Debug                 bool         `json:"debug"`
	Elevation             int          `json:"elevation"`
	ExternalURL           *string      `json:"external_url"`
	InternalURL           *string      `json:"internal_url"`
	Language              string       `json:"language"`
	Latitude              float64      `json:"latitude"`
	LocationName          string       `json:"location_name"`
	Longitude             float64      `json:"longitude"`
	Radius                int          `json:"radius"`
	RecoveryMode          bool         `json:"recovery_mode"`
	SafeMode              bool         `json:"safe_mode"`
	State                 string       `json:"state"`
	TimeZone              string       `json:"time_zone"`
	UnitSystem            haUnitSystem `json:"unit_system"`
	Version               string       `json:"version"`
	WhitelistExternalDirs []string     `json:"whitelist_external_dirs"`
}

// haConfig builds the configuration dictionary: c's fields (defaults
// filled in), the unit system of the registry, and the loaded components —
// the API's own, the entity platforms in use (as "sensor" and
// "tesla_fleet.sensor") and c.Components.
func haConfig(reg *entity.Registry, c siteConfig) haConfigDict {
	d := defaultSiteConfig()
	if c.LocationName == "" {
		c.LocationName = d.LocationName
	}
	if c.Radius == 0 {
		c.Radius = d.Radius
	}
	if c.TimeZone == "" {
		c.TimeZone = d.TimeZone
	}
	if c.ConfigDir == "" {
		c.ConfigDir = d.ConfigDir
	}
	if c.Version == "" {
		c.Version = d.Version
	}
	if c.Language == "" {
		c.Language = d.Language
	}
	if c.Currency == "" {
		c.Currency = d.Currency
	}
	components := []string{"api", "auth", "history", "homeassistant", "http", "tesla_fleet", "websocket_api"}
	components = append(components, c.Components...)
	for _, st := range reg.States() {
		if domain, _, ok := strings.Cut(st.EntityID, "."); ok {
			components = append(components, domain, "tesla_fleet."+domain)
		}
	}
	slices.Sort(components)
	components = slices.Compact(components)

	units := haUnitSystem{"km", "mm", "m²", "g", "Pa", "°C", "L", "m/s"}
	if reg.Units() == entity.Imperial {
		units = haUnitSystem{"mi", "in", "ft²", "lb", "psi", "°F", "gal", "mph"}
	}
	dirs := []string{c.ConfigDir + "/www"}
	return haConfigDict{
		AllowlistExternalDirs: dirs,
		AllowlistExternalURLs: []string{},
		Components:            components,
		ConfigDir:             c.ConfigDir,
		ConfigSource:          "storage",
		Country:               c.Country,
		Currency:              c.Currency,
		Elevation:             c.Elevation,
		Language:              c.Language,
		Latitude:              c.Latitude,
		LocationName:          c.LocationName,
		Longitude:             c.Longitude,
		Radius:                c.Radius,
		State:                 "RUNNING",
		TimeZone:              c.TimeZone,
		UnitSystem:            units,
		Version:               c.Version,
		WhitelistExternalDirs: dirs,
	}
}

// serviceDescriptions is Home Assistant's async_get_all_descriptions:
// domain → service → {name, description, fields}, as the WebSocket
// get_services answers (GET /api/services lists the same per domain).
func serviceDescriptions() map[string]map[string]serviceInfo {
	out := map[string]map[string]serviceInfo{}
	for domain, svcs := range entity.Services() {
		out[domain] = map[string]serviceInfo{}
		for name, fields := range svcs {
			info := serviceInfo{Name: name, Fields: map[string]entity.Field{}}
			for _, f := range fields {
				info.Fields[f.Name] = f
			}
			out[domain][name] = info
		}
	}
	return out
}
