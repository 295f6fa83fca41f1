// Package poll keeps each vehicle and energy site's data fresh with Home
// Assistant's coordinators: one per data source, with their intervals,
// sleep rules, error mapping, Retry-After and forced refresh. Coordinators
// emit typed snapshots (fleet types) to a sink; they know nothing of
// entities.
//
// # Coordinators
//
// A vehicle coordinator (every 10 min) first makes the free
// GET /api/1/vehicles/{vin}; only when the car is online does it request
// vehicle_data with Home Assistant's sections (location_data only with the
// vehicle_location scope), so polling never wakes a car. A 408 means
// asleep. Model S/X built before 2021 (Pre2021) get the quiet window: after
// 15 minutes without charging, a user present or sentry mode, the next poll
// waits 15 minutes so the car can fall asleep; after 20 minutes the window
// starts again.
//
// An energy site has three: live status (60 s; it also carries the Wall
// Connectors), site info (60 s) and energy history (5 min, only while
// listening, i.e. while an energy history entity is enabled), which sums
// today's calendar_history per field (SumHistory).
//
// Snapshot data fields are nil when there is nothing new: the receiver
// keeps the previous values (the vehicle's state may still change). The
// live status keeps Wall Connectors as a list; the receiver keys them by
// DIN, as Home Assistant's coordinator does. Err makes the coordinator's
// entities unavailable until a later snapshot without it.
//
// # Scheduling
//
// As Home Assistant's DataUpdateCoordinator: the next refresh is one
// interval after the end of the last one, successful or not, so a failing
// coordinator tries again on its next tick and recovers by itself; a
// coordinator starts one interval after it is added (Refresh gives the
// first refresh during setup). Request is update_entity: it runs at once
// and at most once more after a 10 s cooldown, and re-arms the timer.
// SetPolling(false) is the "disable polling" option: no automatic calls,
// while Refresh and Request still work. SetInterval sets a per-product
// interval.
//
// One goroutine keeps a min-heap of due times and hands due coordinators to
// a bounded pool of workers (Config.Workers): no goroutine or timer per
// coordinator, so 10,000 vehicles cost a heap, not 10,000 timers. Waiting
// uses the runtime's timers, so the scheduler runs unchanged in a
// testing/synctest bubble.
//
// # Errors
//
// A 401 with an expired token is handled by the fleet client (it refreshes
// and retries once); if that fails, the snapshot has Err. fleet.ErrLoginRequired
// (reauthentication needed) is an Err snapshot on the normal cadence: no
// crash, no hot retry; the receiver starts a new login. A 429 skips the
// refresh and keeps the data available (RateLimited).
//
// # Deliberate differences from Home Assistant
//
//   - Retry-After is honoured everywhere. Home Assistant's vehicle
//     coordinator ignores it (Appendix A.2) and its energy coordinators
//     crash on a 429 without the header. Here a 429 from any coordinator
//     holds the next automatic refresh, and any Request, back until
//     Retry-After has passed (for one cycle). The next refresh is never
//     sooner than the normal interval either: Home Assistant's energy
//     coordinators would poll after a Retry-After shorter than 60 s. A 429
//     without the header just skips the refresh.
//   - The energy history interval returns to 5 minutes after a Retry-After
//     (Home Assistant's baseline keeps the backed-off interval forever,
//     Appendix A.3; its newer branch resets it as done here).
//   - Every refresh is bounded by Config.Timeout (Home Assistant bounds
//     only the vehicle's first refresh, 60 s).
//   - A custom interval (SetInterval) replaces the kind's default; the
//     pre-2021 quiet window is then max(interval, 15 min).
//   - A request made while a refresh is in flight is answered by that
//     refresh instead of starting another.
//   - A live_status answer that does not decode is skipped like Home
//     Assistant's non-object answer (previous data kept, no Err).
package poll
