package fleet

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// Section is a vehicle_data "endpoints" value.
type Section string

// The vehicle_data sections. LocationData needs the vehicle_location scope;
// it adds the location fields to drive_state.
const (
	SectionChargeState         Section = "charge_state"
	SectionClimateState        Section = "climate_state"
	SectionClosuresState       Section = "closures_state"
	SectionDriveState          Section = "drive_state"
	SectionGUISettings         Section = "gui_settings"
	SectionLocationData        Section = "location_data"
	SectionChargeScheduleData  Section = "charge_schedule_data"
	SectionPreconditioningData Section = "preconditioning_schedule_data"
	SectionVehicleConfig       Section = "vehicle_config"
	SectionVehicleState        Section = "vehicle_state"
	SectionVehicleDataCombo    Section = "vehicle_data_combo"
)

const vehicleDataEndpoint = "vehicle_data"

// HASections are the sections Home Assistant requests (add LocationData with
// the vehicle_location scope).
var HASections = []Section{SectionChargeState, SectionClimateState, SectionDriveState, SectionVehicleState, SectionVehicleConfig}

// AllSections are every data section (no combo blob), location included.
var AllSections = []Section{
	SectionChargeState, SectionClimateState, SectionClosuresState, SectionDriveState, SectionGUISettings,
	SectionLocationData, SectionChargeScheduleData, SectionPreconditioningData, SectionVehicleConfig, SectionVehicleState,
}

func validSection(s Section) bool {
	switch s {
	case SectionChargeState, SectionClimateState, SectionClosuresState, SectionDriveState, SectionGUISettings,
		SectionLocationData, SectionChargeScheduleData, SectionPreconditioningData, SectionVehicleConfig,
		SectionVehicleState, SectionVehicleDataCombo:
		return true
	}
	return false
}

// VehicleData is GET /api/1/vehicles/{vin}/vehicle_data: the vehicle object
// plus one object per requested section (nil when not returned).
type VehicleData struct {
	VehicleBase
	ChargeState                 *ChargeState                 `json:"charge_state,omitempty"`
	ClimateState                *ClimateState                `json:"climate_state,omitempty"`
	DriveState                  *DriveState                  `json:"drive_state,omitempty"`
	GUISettings                 *GUISettings                 `json:"gui_settings,omitempty"`
	VehicleState                *VehicleState                `json:"vehicle_state,omitempty"`
	ChargeScheduleData          *ChargeScheduleData          `json:"charge_schedule_data,omitempty"`
	PreconditioningScheduleData *PreconditioningScheduleData `json:"preconditioning_schedule_data,omitempty"`
	Combo                       *string                      `json:"vehicle_data,omitempty"` // vehicle_data_combo: base64 protobuf
	Extra                       Extra                        `json:"-"`
}

func (v *VehicleData) UnmarshalJSON(b []byte) error {
	type plain VehicleData
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v VehicleData) MarshalJSON() ([]byte, error) {
	type plain VehicleData
	return encodeObject(plain(v), v.Extra)
}

// VehicleData is GET /api/1/vehicles/{vin}/vehicle_data?endpoints=… (billed
// as data; 408 ErrAsleep when the vehicle is not online). No sections means
// Tesla's default set.
func (c *Client) VehicleData(ctx context.Context, vin string, sections ...Section) (*VehicleData, error) {
	if err := checkTag(vehicleDataEndpoint, vin); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(sections))
	for _, s := range sections {
		if !validSection(s) {
			return nil, &ValidationError{Command: vehicleDataEndpoint, Field: "endpoints", Reason: "unknown section " + string(s)}
		}
		names = append(names, string(s))
	}
	var q url.Values
	if len(names) > 0 {
		q = url.Values{"endpoints": {strings.Join(names, ";")}}
	}
	return doJSON[VehicleData](ctx, c, call{
		method: http.MethodGet, path: "/api/1/vehicles/" + url.PathEscape(vin) + "/vehicle_data",
		query: q, endpoint: vehicleDataEndpoint, device: vin,
	})
}

// DecodeVehicleData decodes a whole vehicle_data body ({"response":…}).
// Errors are *DecodeError; it never panics.
func DecodeVehicleData(body []byte) (*VehicleData, error) {
	env, err := decodeEnvelope("", vehicleDataEndpoint, body)
	if err != nil {
		return nil, err
	}
	return decodeResponse[VehicleData]("", vehicleDataEndpoint, env.Response)
}

// checkTag refuses an empty or path-breaking vehicle tag before any request.
func checkTag(what, tag string) error {
	if tag == "" || strings.ContainsAny(tag, "/?#") {
		return &ValidationError{Command: what, Field: "vin", Reason: "must be a VIN or vehicle id"}
	}
	return nil
}
