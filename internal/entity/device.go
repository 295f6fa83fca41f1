package entity

import (
	"slices"
	"strconv"
	"strings"
)

// DeviceKind says what a device is.
type DeviceKind string

const (
	KindVehicle       DeviceKind = "vehicle"
	KindEnergySite    DeviceKind = "energy_site"
	KindWallConnector DeviceKind = "wall_connector"
)

// Device is a vehicle, an energy site or a Wall Connector, as Home
// Assistant's device registry holds it (§5 of the integration).
type Device struct {
	ID           string     `json:"id"` // the identifier: VIN, site id or DIN
	Kind         DeviceKind `json:"kind"`
	Name         string     `json:"name"`
	Manufacturer string     `json:"manufacturer"`
	Model        string     `json:"model,omitempty"`
	SerialNumber string     `json:"serial_number"`
	ViaDevice    string     `json:"via_device,omitempty"` // a Wall Connector's site
	Account      string     `json:"account"`              // the Tesla account (token subject)

	vin    string
	siteID int64
	din    string
}

// VIN is the vehicle's VIN ("" for other devices).
func (d *Device) VIN() string { return d.vin }

// SiteID is the energy site's id (a Wall Connector's site; 0 for vehicles).
func (d *Device) SiteID() int64 { return d.siteID }

// models maps the VIN's model character (its 4th) to Home Assistant's model names.
var models = map[byte]string{'S': "Model S", '3': "Model 3", 'X': "Model X", 'Y': "Model Y", 'C': "Cybertruck", 'T': "Tesla Semi"}

// vehicleModel is the model named by the VIN ("" when unknown).
func vehicleModel(vin string) string {
	if len(vin) < 4 {
		return ""
	}
	return models[vin[3]]
}

func newVehicleDevice(account, vin, name string) *Device {
	return &Device{ID: vin, Kind: KindVehicle, Name: name, Manufacturer: "Tesla",
		Model: vehicleModel(vin), SerialNumber: vin, Account: account, vin: vin}
}

// siteModel joins the sorted, distinct part names of the site's gateways
// and batteries ("Powerwall 2, Tesla Backup Gateway 2").
func siteModel(info Data) string {
	var names []string
	for _, key := range []string{"components_gateways", "components_batteries"} {
		list, _ := info.get(key).([]any)
		for _, it := range list {
			m, _ := it.(map[string]any)
			if n, ok := m["part_name"].(string); ok && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func newSiteDevice(account string, siteID int64, name string, info Data) *Device {
	id := strconv.FormatInt(siteID, 10)
	return &Device{ID: id, Kind: KindEnergySite, Name: name, Manufacturer: "Tesla",
		Model: siteModel(info), SerialNumber: id, Account: account, siteID: siteID}
}

// newWallConnectorDevice: the serial is the DIN's last part ("abd-123" → "123").
func newWallConnectorDevice(account string, site *Device, din, partName string) *Device {
	serial := din
	if i := strings.LastIndex(din, "-"); i >= 0 {
		serial = din[i+1:]
	}
	return &Device{ID: din, Kind: KindWallConnector, Name: "Wall Connector", Manufacturer: "Tesla",
		Model: partName, SerialNumber: serial, ViaDevice: site.ID, Account: account, siteID: site.siteID, din: din}
}
