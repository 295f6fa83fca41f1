package fleet

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
)

// Products is GET /api/1/products: a mixed list of vehicles and energy
// sites, in the order Tesla sent them. It encodes as the "response" array.
type Products struct {
	Items []Product
	Count *int // the envelope's "count"
}

// MarshalJSON gives the "response" array.
func (p Products) MarshalJSON() ([]byte, error) {
	if p.Items == nil {
		return []byte("[]"), nil
	}
	return json.Marshal(p.Items)
}

// UnmarshalJSON reads the "response" array.
func (p *Products) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, &p.Items) }

// Vehicles returns the vehicle entries.
func (p *Products) Vehicles() []*Vehicle {
	var out []*Vehicle
	for _, it := range p.Items {
		if it.Vehicle != nil {
			out = append(out, it.Vehicle)
		}
	}
	return out
}

// EnergySites returns the energy site entries.
func (p *Products) EnergySites() []*EnergySiteProduct {
	var out []*EnergySiteProduct
	for _, it := range p.Items {
		if it.EnergySite != nil {
			out = append(out, it.EnergySite)
		}
	}
	return out
}

// Product is one products entry: a vehicle (it has "vin"), an energy site
// (it has "energy_site_id") or, for anything else, the raw JSON in Other.
type Product struct {
	Vehicle    *Vehicle
	EnergySite *EnergySiteProduct
	Other      json.RawMessage
}

// UnmarshalJSON discriminates on "vin" / "energy_site_id".
func (p *Product) UnmarshalJSON(b []byte) error {
	*p = Product{}
	var probe map[string]json.RawMessage
	if json.Unmarshal(b, &probe) == nil {
		if _, ok := probe["vin"]; ok {
			p.Vehicle = new(Vehicle)
			return json.Unmarshal(b, p.Vehicle)
		}
		if _, ok := probe["energy_site_id"]; ok {
			p.EnergySite = new(EnergySiteProduct)
			return json.Unmarshal(b, p.EnergySite)
		}
	}
	p.Other = bytes.Clone(b)
	return nil
}

// MarshalJSON encodes whichever kind the entry is.
func (p Product) MarshalJSON() ([]byte, error) {
	switch {
	case p.Vehicle != nil:
		return json.Marshal(p.Vehicle)
	case p.EnergySite != nil:
		return json.Marshal(p.EnergySite)
	case len(p.Other) > 0:
		return p.Other, nil
	}
	return []byte("null"), nil
}

// EnergySiteProduct is an energy site entry of products (power in W,
// energy in Wh).
type EnergySiteProduct struct {
	EnergySiteID                       *int64             `json:"energy_site_id,omitempty"`
	ResourceType                       *string            `json:"resource_type,omitempty"` // "battery" | "solar"
	SiteName                           *string            `json:"site_name,omitempty"`
	ID                                 *string            `json:"id,omitempty"`
	GatewayID                          *string            `json:"gateway_id,omitempty"`
	AssetSiteID                        *string            `json:"asset_site_id,omitempty"`
	WarpSiteNumber                     *string            `json:"warp_site_number,omitempty"`
	EnergyLeft                         *float64           `json:"energy_left,omitempty"`
	TotalPackEnergy                    *float64           `json:"total_pack_energy,omitempty"`
	PercentageCharged                  *float64           `json:"percentage_charged,omitempty"`
	BatteryType                        *string            `json:"battery_type,omitempty"`
	BackupCapable                      *bool              `json:"backup_capable,omitempty"`
	BatteryPower                       *float64           `json:"battery_power,omitempty"`
	GoOffGridTestBannerEnabled         *bool              `json:"go_off_grid_test_banner_enabled,omitempty"`
	StormModeEnabled                   *bool              `json:"storm_mode_enabled,omitempty"`
	PowerwallOnboardingSettingsSet     *bool              `json:"powerwall_onboarding_settings_set,omitempty"`
	PowerwallTeslaElectricInterestedIn *bool              `json:"powerwall_tesla_electric_interested_in,omitempty"`
	VppTourEnabled                     *bool              `json:"vpp_tour_enabled,omitempty"`
	SyncGridAlertEnabled               *bool              `json:"sync_grid_alert_enabled,omitempty"`
	BreakerAlertEnabled                *bool              `json:"breaker_alert_enabled,omitempty"`
	Components                         *ProductComponents `json:"components,omitempty"`
	Features                           *SiteFeatures      `json:"features,omitempty"`
	Extra                              Extra              `json:"-"`
}

func (v *EnergySiteProduct) UnmarshalJSON(b []byte) error {
	type plain EnergySiteProduct
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v EnergySiteProduct) MarshalJSON() ([]byte, error) {
	type plain EnergySiteProduct
	return encodeObject(plain(v), v.Extra)
}

// HasComponents applies Home Assistant's rule for setting a site up: it
// has a battery, solar, or a "wall_connectors" key (even empty).
func (v *EnergySiteProduct) HasComponents() bool {
	c := v.Components
	if c == nil {
		return false
	}
	if _, ok := c.Extra["wall_connectors"]; ok || c.WallConnectors != nil {
		return true
	}
	return (c.Battery != nil && *c.Battery) || (c.Solar != nil && *c.Solar)
}

// ProductComponents is a products energy entry's "components".
type ProductComponents struct {
	Battery        *bool                  `json:"battery,omitempty"`
	BatteryType    *string                `json:"battery_type,omitempty"`
	Solar          *bool                  `json:"solar,omitempty"`
	SolarType      *string                `json:"solar_type,omitempty"`
	Grid           *bool                  `json:"grid,omitempty"`
	LoadMeter      *bool                  `json:"load_meter,omitempty"`
	MarketType     *string                `json:"market_type,omitempty"`
	WallConnectors []*WallConnectorDevice `json:"wall_connectors,omitempty"`
	Extra          Extra                  `json:"-"`
}

func (v *ProductComponents) UnmarshalJSON(b []byte) error {
	type plain ProductComponents
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v ProductComponents) MarshalJSON() ([]byte, error) {
	type plain ProductComponents
	return encodeObject(plain(v), v.Extra)
}

// WallConnectorDevice is a Wall Connector as products and site_info list it.
type WallConnectorDevice struct {
	DeviceID     *string `json:"device_id,omitempty"`
	DIN          *string `json:"din,omitempty"`
	SerialNumber *string `json:"serial_number,omitempty"`
	PartNumber   *string `json:"part_number,omitempty"`
	PartType     *int    `json:"part_type,omitempty"`
	PartName     *string `json:"part_name,omitempty"`
	IsActive     *bool   `json:"is_active,omitempty"`
	Extra        Extra   `json:"-"`
}

func (v *WallConnectorDevice) UnmarshalJSON(b []byte) error {
	type plain WallConnectorDevice
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v WallConnectorDevice) MarshalJSON() ([]byte, error) {
	type plain WallConnectorDevice
	return encodeObject(plain(v), v.Extra)
}

// SiteFeatures is a products energy entry's "features".
type SiteFeatures struct {
	RatePlanManagerNoPricingConstraint *bool `json:"rate_plan_manager_no_pricing_constraint,omitempty"`
	Extra                              Extra `json:"-"`
}

func (v *SiteFeatures) UnmarshalJSON(b []byte) error {
	type plain SiteFeatures
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v SiteFeatures) MarshalJSON() ([]byte, error) {
	type plain SiteFeatures
	return encodeObject(plain(v), v.Extra)
}

// Products is GET /api/1/products (free; does not wake vehicles).
func (c *Client) Products(ctx context.Context) (*Products, error) {
	cl := call{method: http.MethodGet, path: "/api/1/products", endpoint: "products"}
	env, err := c.send(ctx, cl)
	if err != nil {
		return nil, err
	}
	p, err := decodeResponse[Products](cl.method, cl.endpoint, env.Response)
	if err != nil {
		return nil, err
	}
	p.Count = env.Count
	if c.cfg.OnResponse != nil {
		c.cfg.OnResponse(cl.endpoint, "", env.Response)
	}
	return p, nil
}
