package fleet

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// VehicleBase holds the top-level fields of a vehicle object, shared by
// products, the vehicle list, GET vehicles/{tag}, wake_up and vehicle_data.
// It has no JSON methods of its own: it is embedded in Vehicle and
// VehicleData, which keep the unknown members.
type VehicleBase struct {
	ID                     *int64          `json:"id,omitempty"`
	UserID                 *int64          `json:"user_id,omitempty"`
	VehicleID              *int64          `json:"vehicle_id,omitempty"`
	VIN                    *string         `json:"vin,omitempty"`
	Color                  *string         `json:"color,omitempty"`
	AccessType             *string         `json:"access_type,omitempty"`
	DisplayName            *string         `json:"display_name,omitempty"`
	OptionCodes            *string         `json:"option_codes,omitempty"`
	CachedData             *string         `json:"cached_data,omitempty"`
	GranularAccess         *GranularAccess `json:"granular_access,omitempty"`
	Tokens                 []string        `json:"tokens,omitempty"`
	State                  *string         `json:"state,omitempty"` // "online" | "asleep" | "offline"
	InService              *bool           `json:"in_service,omitempty"`
	IDS                    *string         `json:"id_s,omitempty"`
	CalendarEnabled        *bool           `json:"calendar_enabled,omitempty"`
	APIVersion             *int            `json:"api_version,omitempty"`
	BackseatToken          *string         `json:"backseat_token,omitempty"`
	BackseatTokenUpdatedAt *int64          `json:"backseat_token_updated_at,omitempty"`
	BleAutopairEnrolled    *bool           `json:"ble_autopair_enrolled,omitempty"`
	CommandSigning         *string         `json:"command_signing,omitempty"` // "off" | "allowed" | "required"
	ReleaseNotesSupported  *bool           `json:"release_notes_supported,omitempty"`
	MobileAccessDisabled   *bool           `json:"mobile_access_disabled,omitempty"`
	VehicleConfig          *VehicleConfig  `json:"vehicle_config,omitempty"`
}

// Vehicle states.
const (
	StateOnline  = "online"
	StateAsleep  = "asleep"
	StateOffline = "offline"
)

// Online reports whether State is "online".
func (v *VehicleBase) Online() bool { return v.State != nil && *v.State == StateOnline }

// SigningRequired reports whether command_signing is "required".
func (v *VehicleBase) SigningRequired() bool {
	return v.CommandSigning != nil && *v.CommandSigning == "required"
}

// GranularAccess is the vehicle's privacy settings.
type GranularAccess struct {
	HidePrivate *bool `json:"hide_private,omitempty"`
	Extra       Extra `json:"-"`
}

func (v *GranularAccess) UnmarshalJSON(b []byte) error {
	type plain GranularAccess
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v GranularAccess) MarshalJSON() ([]byte, error) {
	type plain GranularAccess
	return encodeObject(plain(v), v.Extra)
}

// Vehicle is a vehicle object: a products entry, a vehicles list entry, GET
// vehicles/{tag} and the wake_up answer.
type Vehicle struct {
	VehicleBase
	Extra Extra `json:"-"`
}

func (v *Vehicle) UnmarshalJSON(b []byte) error {
	type plain Vehicle
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v Vehicle) MarshalJSON() ([]byte, error) {
	type plain Vehicle
	return encodeObject(plain(v), v.Extra)
}

// VehicleList is GET /api/1/vehicles.
type VehicleList struct {
	Vehicles   []*Vehicle
	Count      *int            // the envelope's "count"
	Pagination json.RawMessage // the envelope's "pagination"
}

// MarshalJSON gives the "response" array.
func (l VehicleList) MarshalJSON() ([]byte, error) { return json.Marshal(l.Vehicles) }

// UnmarshalJSON reads the "response" array.
func (l *VehicleList) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, &l.Vehicles) }

// Vehicles is GET /api/1/vehicles (free; does not wake vehicles). page and
// perPage are optional (0 = Tesla's default).
func (c *Client) Vehicles(ctx context.Context, page, perPage int) (*VehicleList, error) {
	q := url.Values{}
	if page > 0 {
		q.Set("page", strconv.Itoa(page))
	}
	if perPage > 0 {
		q.Set("per_page", strconv.Itoa(perPage))
	}
	cl := call{method: http.MethodGet, path: "/api/1/vehicles", query: q, endpoint: "vehicles"}
	env, err := c.send(ctx, cl)
	if err != nil {
		return nil, err
	}
	l, err := decodeResponse[VehicleList](cl.method, cl.endpoint, env.Response)
	if err != nil {
		return nil, err
	}
	l.Count, l.Pagination = env.Count, env.Pagination
	if c.cfg.OnResponse != nil {
		c.cfg.OnResponse(cl.endpoint, "", env.Response)
	}
	return l, nil
}

// Vehicle is GET /api/1/vehicles/{vin} (free; does not wake the vehicle:
// check State before paid calls).
func (c *Client) Vehicle(ctx context.Context, vin string) (*Vehicle, error) {
	if err := checkTag("vehicle", vin); err != nil {
		return nil, err
	}
	return doJSON[Vehicle](ctx, c, call{method: http.MethodGet, path: "/api/1/vehicles/" + url.PathEscape(vin), endpoint: "vehicle", device: vin})
}

// WakeUp is POST /api/1/vehicles/{vin}/wake_up (billed as a wake). The
// answer's State is often still "asleep": poll Vehicle until "online".
func (c *Client) WakeUp(ctx context.Context, vin string) (*Vehicle, error) {
	if err := checkTag("wake_up", vin); err != nil {
		return nil, err
	}
	return doJSON[Vehicle](ctx, c, call{method: http.MethodPost, path: "/api/1/vehicles/" + url.PathEscape(vin) + "/wake_up", endpoint: "wake_up", device: vin})
}
