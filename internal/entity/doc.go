// Package entity is teslafleet's model of Home Assistant's Tesla Fleet
// entities: the description tables of every platform (one file each), the
// devices, the registry that holds every entity's current state, diffs each
// update and notifies subscribers, the services (actions) with their
// validation, and unit conversion.
//
// # Data
//
// Each entity reads one source, as Home Assistant's entities read one
// coordinator: a vehicle's data (the flattened vehicle_data, keyed like
// "charge_state_battery_level"), an energy site's live status, its site info
// (flattened), or its energy history totals. The app feeds the registry with
// what the coordinators fetched (UpdateVehicle, UpdateLive, UpdateInfo,
// UpdateHistory); the registry re-renders the source's entities and sends
// every change to its subscribers — the one change stream that the web API,
// history and MQTT read.
//
// # States
//
// States are Home Assistant's strings: numbers as Python prints them (77,
// 429.48563328000006, 0.0), "on"/"off", "locked", "open", timestamps in ISO 8601,
// "unknown" and "unavailable". Units follow the unit system (metric by
// default) with Home Assistant's converters, so a value converted here is
// the same float Home Assistant shows.
//
// # Actions
//
// Registry.Call runs a service (switch.turn_on, number.set_value, …) on its
// target entities: it validates the input against each entity (range, step,
// options, scope, required fields) before anything is sent, sends commands
// through the account's Sender (package command wakes the car first), and
// updates the state optimistically after success, as Home Assistant does.
// Errors carry Home Assistant's translation keys and messages
// (command_reason, missing_scope_vehicle_cmds, wake_up_timeout, …) and
// answer HTTPStatus, so a surface maps them without knowing their cause.
//
// # Files
//
// One file per platform holds its description table and, beside it, the
// irregular entities as constructors (climate.go: the driver climate and
// cabin overheat protection; cover.go; lock.go; media_player.go;
// device_tracker.go; update.go). setup.go decides which entities a device
// gets (scopes, site components, seat configuration); registry.go,
// apply.go and subscribe.go hold, update and publish the states; call.go,
// services.go and errors.go run the actions.
package entity
