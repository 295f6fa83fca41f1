package entity

import (
	"errors"
	"fmt"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// Scopes the integration checks.
const (
	ScopeVehicleData     = "vehicle_device_data"
	ScopeVehicleLocation = "vehicle_location"
	ScopeVehicleCmds     = "vehicle_cmds"
	ScopeChargingCmds    = "vehicle_charging_cmds"
	ScopeEnergyData      = "energy_device_data"
	ScopeEnergyCmds      = "energy_cmds"
)

// Errors of device setup.
var (
	ErrUnknownAccount = errors.New("unknown account")
	ErrNoDataScope    = errors.New("the account did not grant the data scope")
	ErrBadProduct     = errors.New("product without an id")
)

// setup is what a platform's builder needs to create a device's entities.
type setup struct {
	acct    *account
	dev     *Device
	units   UnitSystem
	vehicle *source
	live    *source
	info    *source
	history *source
	wcs     []wallConnector
}

type wallConnector struct {
	din string
	dev *Device
}

// scoped reports whether the account granted any of the scopes.
func (s *setup) scoped(scopes ...string) bool {
	for _, sc := range scopes {
		if s.acct.has(sc) {
			return true
		}
	}
	return false
}

// vehiclePlatforms and sitePlatforms build each platform's entities of a
// device, in Home Assistant's platform order.
var vehiclePlatforms = []func(*setup) []*Entity{
	vehicleBinarySensors, vehicleButtons, vehicleClimates, vehicleCovers, vehicleTrackers, vehicleLocks,
	vehicleMediaPlayers, vehicleNumbers, vehicleSelects, vehicleSensors, vehicleSwitches, vehicleUpdates,
}

var sitePlatforms = []func(*setup) []*Entity{
	siteBinarySensors, siteNumbers, siteSelects, siteSensors, siteSwitches,
}

// AddVehicle creates a vehicle's device and entities from its /products
// entry (its data until the first vehicle_data). An account without the
// vehicle_device_data scope gets no vehicles, as in the integration.
func (r *Registry) AddVehicle(accountID string, product *fleet.Vehicle) (*Device, error) {
	if product == nil || product.VIN == nil || *product.VIN == "" {
		return nil, ErrBadProduct
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	acct, ok := r.accounts[accountID]
	if !ok {
		return nil, fmt.Errorf("%w %s", ErrUnknownAccount, accountID)
	}
	if !acct.has(ScopeVehicleData) {
		return nil, fmt.Errorf("vehicle %s: %w %s", *product.VIN, ErrNoDataScope, ScopeVehicleData)
	}
	data, err := flattenValue(product, "cached_data")
	if err != nil {
		return nil, err
	}
	vin := *product.VIN
	if old, ok := r.sources[Source{Kind: SourceVehicle, VIN: vin}]; ok {
		return old.device, nil // already set up
	}
	name := ""
	if product.DisplayName != nil {
		name = *product.DisplayName
	}
	dev := newVehicleDevice(acct.ID, vin, name)
	src := r.newSourceLocked(Source{Kind: SourceVehicle, VIN: vin}, acct, dev, data)
	r.devices = append(r.devices, dev)
	s := &setup{acct: acct, dev: dev, units: r.opts.Units, vehicle: src}
	for _, build := range vehiclePlatforms {
		for _, e := range build(s) {
			r.addEntityLocked(e)
		}
	}
	return dev, nil
}

// AddSite creates an energy site's device, its Wall Connectors' devices
// and their entities, from its /products entry and the first site_info and
// live_status (which decide which entities exist, as in the integration).
func (r *Registry) AddSite(accountID string, product *fleet.EnergySiteProduct, info *fleet.SiteInfo, live *fleet.LiveStatus) (*Device, error) {
	if product == nil || product.EnergySiteID == nil {
		return nil, ErrBadProduct
	}
	siteID := *product.EnergySiteID
	infoData, err := flattenValue(info)
	if err != nil {
		return nil, fmt.Errorf("site %d: site_info: %w", siteID, err)
	}
	liveData, err := liveData(live)
	if err != nil {
		return nil, fmt.Errorf("site %d: live_status: %w", siteID, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	acct, ok := r.accounts[accountID]
	if !ok {
		return nil, fmt.Errorf("%w %s", ErrUnknownAccount, accountID)
	}
	if old, ok := r.sources[Source{Kind: SourceInfo, SiteID: siteID}]; ok {
		return old.device, nil // already set up
	}
	if !acct.has(ScopeEnergyData) {
		return nil, fmt.Errorf("site %d: %w %s", siteID, ErrNoDataScope, ScopeEnergyData)
	}
	name := "Energy Site"
	if product.SiteName != nil {
		name = *product.SiteName
	} else if _, present := product.Extra["site_name"]; present {
		name = "" // a JSON null site_name: Home Assistant's None
	}
	dev := newSiteDevice(acct.ID, siteID, name, infoData)
	r.devices = append(r.devices, dev)
	s := &setup{acct: acct, dev: dev, units: r.opts.Units}
	s.live = r.newSourceLocked(Source{Kind: SourceLive, SiteID: siteID}, acct, dev, liveData)
	s.info = r.newSourceLocked(Source{Kind: SourceInfo, SiteID: siteID}, acct, dev, infoData)
	s.history = r.newSourceLocked(Source{Kind: SourceHistory, SiteID: siteID}, acct, dev, Data{})
	s.history.ok, s.history.updatedOnce = true, false
	list, _ := infoData.get("components_wall_connectors").([]any)
	for _, it := range list {
		wc, _ := it.(map[string]any)
		din, ok := wc["din"].(string)
		if !ok {
			continue
		}
		part, _ := wc["part_name"].(string)
		wdev := newWallConnectorDevice(acct.ID, dev, din, part)
		r.devices = append(r.devices, wdev)
		s.wcs = append(s.wcs, wallConnector{din: din, dev: wdev})
	}
	for _, build := range sitePlatforms {
		for _, e := range build(s) {
			r.addEntityLocked(e)
		}
	}
	return dev, nil
}

func (r *Registry) newSourceLocked(key Source, acct *account, dev *Device, data Data) *source {
	s := &source{Source: key, acct: acct, device: dev, data: data, ok: true}
	r.sources[key] = s
	return s
}

// meta is what every description row has.
type meta struct {
	key, name  string
	off        bool // disabled by default
	class      string
	stateClass string
	unit       string // native unit
	suggested  string // suggested display unit
	category   Category
	icon       string
	uid        string // the unique id's suffix when it is not the key
}

// uidKey is the unique id's suffix: after the VIN or the site id.
func (m *meta) uidKey() string {
	if m.uid != "" {
		return m.uid
	}
	return m.key
}

// newEntity builds an entity of src's device from a description row. The
// entity keeps m (a description table's row, shared by every device), so
// m must not change afterwards.
func (s *setup) newEntity(src *source, p Platform, m *meta, im impl) *Entity {
	return &Entity{Device: s.dev, m: m, platform: platformIndex(p), impl: im, src: src}
}

// hasBattery and hasSolar read the site's components from site_info.
func (s *setup) hasBattery() bool { return truthy(s.info.data.get("components_battery")) }
func (s *setup) hasSolar() bool   { return truthy(s.info.data.get("components_solar")) }
