// Package command sends commands to Tesla vehicles and energy sites: signed
// through Tesla's vehicle-command SDK for cars that require the Vehicle Command
// Protocol, plain REST through the Fleet API client for the others, with the
// car woken first, one command at a time per vehicle, and every outcome mapped
// to an error class.
//
// # Routing
//
// A vehicle's command_signing (from /api/1/products) picks the path:
// "required" → signed; "allowed" → signed when our key is paired with the car
// (asked once per VIN through fleet_status, refreshable), else REST; "off" →
// REST. Signed commands run through vehicle.NewVehicle over our own
// connector.FleetAPIConnector (connector.go), which posts every
// RoutableMessage with fleet's SignedCommand, so base URL, auth, token refresh,
// region recovery, the cost ledger and typed errors all come from package
// fleet. Sessions are kept in the SDK's cache.SessionCache and persisted
// through a SessionStore, so a restart needs no new handshake.
//
// # Waking
//
// Before a command to a vehicle that is not known to be online the Commander
// reads the vehicle (free), then sends wake_up and polls GET /vehicles/{vin}
// with a 5, 10, 15 s backoff (about 30 s in all). Commands to one VIN are
// serialised; a single wake serves every command queued behind it, and a
// failed wake fails those queued commands too instead of waking again. A 408
// from a command means the Fleet API could not reach the car, so the car did
// not get the command: the vehicle is marked asleep, woken, and the command is
// sent once more. No other error is retried: a command that may have run is
// never sent twice.
//
// # Commands
//
// Every command is one row of a table (table.go), the one place it is
// defined: its name, the REST command and body, the range checks of its
// parameters (Tesla's documented ranges and enums, refused before anything
// is sent with a *fleet.ValidationError naming the body field), and for
// vehicle commands the SDK method and the domain (VCSEC or INFOTAINMENT) the
// signed form needs. Both paths are built from the same checked parameters.
// Constructors (Lock(), SetChargeLimit(80), SetBackupReserve(20), …) build a
// Command; adding a command means one row and one constructor.
//
// Vehicle commands go through Send (wake, route, one at a time per VIN).
// Energy site commands (Command.Site() true: SetBackupReserve,
// SetOperationMode, SetStormMode, SetExportRule, SetGridCharging,
// SetOffGridVehicleChargingReserve) go through SendSite: one POST to
// /api/1/energy_sites/{id}/<endpoint> through fleet's SiteCommand, no wake.
// Each method refuses the other kind of command.
//
// # Errors
//
// Errors are *Error values (Op, VIN, the car's Reason, PairingURL) whose
// Class is one of package fleet's classes — the one error vocabulary:
// fleet.ErrInvalidRequest (refused before sending), fleet.ErrKeyNotPaired,
// fleet.ErrSigningRequired, fleet.ErrMissingScope, fleet.ErrAsleep,
// fleet.ErrWakeFailed, fleet.ErrWakeTimeout, fleet.ErrRateLimited,
// fleet.ErrBusy, fleet.ErrRefused, fleet.ErrTimeout, fleet.ErrNotSupported,
// fleet.ErrFailed. They keep their cause, so errors.Is and errors.As also
// reach the fleet and SDK errors underneath. fleet.HTTPStatus,
// fleet.Temporary, fleet.MayHaveSucceeded ("may have run" versus "certainly
// failed") and fleet.RetryAfter answer for them. Benign refusals
// (fleet.BenignRefusal: already_set, not_charging, requested) are success.
package command
