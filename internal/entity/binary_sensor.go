package entity

// binaryDesc is one row of a binary sensor table.
type binaryDesc struct {
	meta
	isOn func(v any) bool // default: Python's bool()
	// known: the state is known before the first vehicle_data (the
	// vehicle's online state comes from the free state check).
	known bool
}

// binarySensor renders on/off. Vehicle binary sensors stay unknown until
// the first successful vehicle_data, and are unavailable while their value
// is null, as in the integration.
type binarySensor struct {
	d       *binaryDesc
	vehicle bool
}

func (b *binarySensor) service(string) planner { return nil }

func (b *binarySensor) render(v *view) out {
	if b.vehicle && !v.e.src.updatedOnce && !b.d.known {
		return out{}
	}
	val := v.get(b.d.key)
	if b.vehicle && val == nil {
		return out{unavailable: true}
	}
	if val == nil {
		return out{}
	}
	return out{state: onOff(b.isOn(val))}
}

func (b *binarySensor) isOn(val any) bool {
	if b.d.isOn != nil {
		return b.d.isOn(val)
	}
	return truthy(val)
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

const (
	dcConnectivity = "connectivity"
	dcHeat         = "heat"
	dcRunning      = "running"
	dcPresence     = "presence"
	dcProblem      = "problem"
	dcWindow       = "window"
	dcDoor         = "door"
)

// vehicleBinaryTable is §4.7 (vehicle).
var vehicleBinaryTable = []binaryDesc{
	{meta: meta{key: "state", name: "Status", class: dcConnectivity}, isOn: equals("online"), known: true},
	{meta: meta{key: "charge_state_battery_heater_on", name: "Battery heater", off: true, class: dcHeat, category: Diagnostic}},
	{meta: meta{key: "charge_state_charger_phases", name: "Charger has multiple phases", off: true},
		isOn: func(v any) bool { n, ok := asNumber(v); return ok && int64(n.float()) > 1 }},
	{meta: meta{key: "charge_state_preconditioning_enabled", name: "Preconditioning enabled", off: true, category: Diagnostic, icon: "mdi:hvac"}},
	{meta: meta{key: "climate_state_is_preconditioning", name: "Preconditioning", off: true, category: Diagnostic, icon: "mdi:hvac"}},
	{meta: meta{key: "charge_state_scheduled_charging_pending", name: "Scheduled charging pending", off: true, category: Diagnostic}},
	{meta: meta{key: "charge_state_trip_charging", name: "Trip charging", off: true, category: Diagnostic}},
	{meta: meta{key: "charge_state_conn_charge_cable", name: "Charge cable", class: dcConnectivity, category: Diagnostic},
		isOn: func(v any) bool { return v != "<invalid>" }},
	{meta: meta{key: "climate_state_cabin_overheat_protection_actively_cooling", name: "Cabin overheat protection actively cooling", off: true, class: dcHeat, category: Diagnostic}},
	{meta: meta{key: "vehicle_state_dashcam_state", name: "Dashcam", off: true, class: dcRunning, category: Diagnostic}, isOn: equals("Recording")},
	{meta: meta{key: "vehicle_state_is_user_present", name: "User present", class: dcPresence, icon: "mdi:account"}},
	{meta: meta{key: "vehicle_state_tpms_soft_warning_fl", name: "Tire pressure warning front left", off: true, class: dcProblem, category: Diagnostic, icon: "mdi:tire"}},
	{meta: meta{key: "vehicle_state_tpms_soft_warning_fr", name: "Tire pressure warning front right", off: true, class: dcProblem, category: Diagnostic, icon: "mdi:tire"}},
	{meta: meta{key: "vehicle_state_tpms_soft_warning_rl", name: "Tire pressure warning rear left", off: true, class: dcProblem, category: Diagnostic, icon: "mdi:tire"}},
	{meta: meta{key: "vehicle_state_tpms_soft_warning_rr", name: "Tire pressure warning rear right", off: true, class: dcProblem, category: Diagnostic, icon: "mdi:tire"}},
	{meta: meta{key: "vehicle_state_fd_window", name: "Front driver window", class: dcWindow, category: Diagnostic}},
	{meta: meta{key: "vehicle_state_fp_window", name: "Front passenger window", class: dcWindow, category: Diagnostic}},
	{meta: meta{key: "vehicle_state_rd_window", name: "Rear driver window", class: dcWindow, category: Diagnostic}},
	{meta: meta{key: "vehicle_state_rp_window", name: "Rear passenger window", class: dcWindow, category: Diagnostic}},
	{meta: meta{key: "vehicle_state_df", name: "Front driver door", class: dcDoor, category: Diagnostic}},
	{meta: meta{key: "vehicle_state_dr", name: "Rear driver door", class: dcDoor, category: Diagnostic}},
	{meta: meta{key: "vehicle_state_pf", name: "Front passenger door", class: dcDoor, category: Diagnostic}},
	{meta: meta{key: "vehicle_state_pr", name: "Rear passenger door", class: dcDoor, category: Diagnostic}},
}

// energyLiveBinaryTable and energyInfoBinaryTable are §4.7 (energy; sites
// with a battery only).
var energyLiveBinaryTable = []binaryDesc{
	{meta: meta{key: "backup_capable", name: "Backup capable"}},
	{meta: meta{key: "grid_services_active", name: "Grid services active"}},
	{meta: meta{key: "storm_mode_active", name: "Storm watch active", icon: "mdi:weather-sunny"}},
}

var energyInfoBinaryTable = []binaryDesc{
	{meta: meta{key: "components_grid_services_enabled", name: "Grid services enabled"}},
}

func equals(s string) func(any) bool {
	return func(v any) bool { x, ok := v.(string); return ok && x == s }
}

func vehicleBinarySensors(s *setup) []*Entity {
	out := make([]*Entity, 0, len(vehicleBinaryTable))
	for i := range vehicleBinaryTable {
		d := &vehicleBinaryTable[i]
		out = append(out, s.newEntity(s.vehicle, BinarySensor, &d.meta, &binarySensor{d: d, vehicle: true}))
	}
	return out
}

func siteBinarySensors(s *setup) []*Entity {
	if !s.hasBattery() {
		return nil
	}
	var out []*Entity
	for i := range energyLiveBinaryTable {
		d := &energyLiveBinaryTable[i]
		out = append(out, s.newEntity(s.live, BinarySensor, &d.meta, &binarySensor{d: d}))
	}
	for i := range energyInfoBinaryTable {
		d := &energyInfoBinaryTable[i]
		out = append(out, s.newEntity(s.info, BinarySensor, &d.meta, &binarySensor{d: d}))
	}
	return out
}
