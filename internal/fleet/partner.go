package fleet

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
)

// PartnerAccount is POST /api/1/partner_accounts (register).
type PartnerAccount struct {
	ClientID       *string `json:"client_id,omitempty"`
	Name           *string `json:"name,omitempty"`
	Description    *string `json:"description,omitempty"`
	Domain         *string `json:"domain,omitempty"`
	CA             *string `json:"ca,omitempty"`
	CreatedAt      *string `json:"created_at,omitempty"`
	UpdatedAt      *string `json:"updated_at,omitempty"`
	EnterpriseTier *string `json:"enterprise_tier,omitempty"`
	PublicKey      *string `json:"public_key,omitempty"` // hex of the uncompressed P-256 point
	Extra          Extra   `json:"-"`
}

func (v *PartnerAccount) UnmarshalJSON(b []byte) error {
	type plain PartnerAccount
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v PartnerAccount) MarshalJSON() ([]byte, error) {
	type plain PartnerAccount
	return encodeObject(plain(v), v.Extra)
}

// PartnerPublicKey is GET /api/1/partner_accounts/public_key.
type PartnerPublicKey struct {
	PublicKey *string `json:"public_key,omitempty"`
	Extra     Extra   `json:"-"`
}

func (v *PartnerPublicKey) UnmarshalJSON(b []byte) error {
	type plain PartnerPublicKey
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v PartnerPublicKey) MarshalJSON() ([]byte, error) {
	type plain PartnerPublicKey
	return encodeObject(plain(v), v.Extra)
}

// domainRE is Home Assistant's domain check (input lower-cased, no scheme).
var domainRE = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$`)

func checkDomain(what, domain string) error {
	if !domainRE.MatchString(domain) {
		return &ValidationError{Command: what, Field: "domain", Reason: "must be a lower-case host name without scheme, e.g. example.com"}
	}
	return nil
}

// RegisterPartner is POST /api/1/partner_accounts {"domain": …}: it needs a
// partner token and must be done in every region. Tesla fetches the public
// key from https://<domain>/.well-known/appspecific/com.tesla.3p.public-key.pem.
func (c *Client) RegisterPartner(ctx context.Context, domain string) (*PartnerAccount, error) {
	if err := checkDomain("partner_accounts", domain); err != nil {
		return nil, err
	}
	return doJSON[PartnerAccount](ctx, c, call{
		method: http.MethodPost, path: "/api/1/partner_accounts", endpoint: "partner_accounts",
		body: map[string]string{"domain": domain},
	})
}

// PartnerPublicKey is GET /api/1/partner_accounts/public_key?domain=… (partner token).
func (c *Client) PartnerPublicKey(ctx context.Context, domain string) (*PartnerPublicKey, error) {
	if err := checkDomain("partner_accounts/public_key", domain); err != nil {
		return nil, err
	}
	return doJSON[PartnerPublicKey](ctx, c, call{
		method: http.MethodGet, path: "/api/1/partner_accounts/public_key", endpoint: "partner_accounts/public_key",
		query: url.Values{"domain": {domain}},
	})
}

// FleetStatus is POST /api/1/vehicles/fleet_status.
type FleetStatus struct {
	KeyPairedVINs []string                     `json:"key_paired_vins,omitempty"`
	UnpairedVINs  []string                     `json:"unpaired_vins,omitempty"`
	VehicleInfo   map[string]*FleetVehicleInfo `json:"vehicle_info,omitempty"`
	Extra         Extra                        `json:"-"`
}

func (v *FleetStatus) UnmarshalJSON(b []byte) error {
	type plain FleetStatus
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v FleetStatus) MarshalJSON() ([]byte, error) {
	type plain FleetStatus
	return encodeObject(plain(v), v.Extra)
}

// FleetVehicleInfo is fleet_status's per-VIN information.
type FleetVehicleInfo struct {
	FirmwareVersion                    *string `json:"firmware_version,omitempty"`
	VehicleCommandProtocolRequired     *bool   `json:"vehicle_command_protocol_required,omitempty"`
	DiscountedDeviceData               *bool   `json:"discounted_device_data,omitempty"`
	FleetTelemetryVersion              *string `json:"fleet_telemetry_version,omitempty"`
	TotalNumberOfKeys                  *int    `json:"total_number_of_keys,omitempty"`
	SafetyScreenStreamingToggleEnabled *bool   `json:"safety_screen_streaming_toggle_enabled,omitempty"`
	Extra                              Extra   `json:"-"`
}

func (v *FleetVehicleInfo) UnmarshalJSON(b []byte) error {
	type plain FleetVehicleInfo
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v FleetVehicleInfo) MarshalJSON() ([]byte, error) {
	type plain FleetVehicleInfo
	return encodeObject(plain(v), v.Extra)
}

// KeyPaired reports whether vin is in key_paired_vins.
func (v *FleetStatus) KeyPaired(vin string) bool {
	for _, k := range v.KeyPairedVINs {
		if k == vin {
			return true
		}
	}
	return false
}

// FleetStatus is POST /api/1/vehicles/fleet_status {"vins": […]} (free; a
// read, but a POST: never retried).
func (c *Client) FleetStatus(ctx context.Context, vins []string) (*FleetStatus, error) {
	if len(vins) == 0 {
		return nil, &ValidationError{Command: "fleet_status", Field: "vins", Reason: "must not be empty"}
	}
	for _, v := range vins {
		if err := checkTag("fleet_status", v); err != nil {
			return nil, err
		}
	}
	device := ""
	if len(vins) == 1 {
		device = vins[0]
	}
	return doJSON[FleetStatus](ctx, c, call{
		method: http.MethodPost, path: "/api/1/vehicles/fleet_status", endpoint: "fleet_status",
		device: device, body: map[string][]string{"vins": vins},
	})
}
