// Package sim is the simulated Tesla cloud: one http.Handler per Fleet API
// region (NA, EU, CN) serving Tesla's paths, envelope, errors, scopes,
// regions, partner registration, rate limits and billing over a simulated
// world (package world), a simulated OAuth server (package oauth) and the
// vehicle side of the signed-command protocol (package vcp).
//
// Options.FleetSize (teslafleet sim --fleet-size N) adds N generated
// vehicles to the demo account: Models 3/Y/S/X of varied years (pre-2021
// S/X among them), signing modes, charge and sleep states, deterministic
// from the seed. Lookups by VIN or id are map lookups, a generated car's
// vehicle_data document is built on first read, and a car's protocol side
// (package vcp) is created when first addressed, so a fleet of 10,000
// starts in a fraction of a second (BenchmarkFleet10k).
//
// The demo and every test run the product against it; nothing in the product
// knows it is talking to a simulator — only base URLs differ.
//
// Each regional handler serves:
//
//   - /api/1/... — Tesla's Fleet API (see routes.go for the table). Requests
//     pass, in order: fault injection, authentication, the partner
//     registration of the app in this region (412), the user's region (421),
//     scopes (403), the per-vehicle rate limit (429), the handler, and billing
//     (every answer below 500 to an identified caller is counted).
//     GET /api/1/users/me answers the token subject's profile (scope
//     user_data). calendar_history on a fresh simulator already holds the
//     day since local midnight; earlier days, back to the installation
//     date, are generated from the site model when a query reaches them.
//   - /oauth2/v3/... — the OAuth server (package oauth). (*Cloud).ApproveConsent
//     is the simulated person who fills in and allows its consent form.
//   - /_ak/{domain} — the virtual-key pairing link, as if the owner tapped it
//     in the Tesla app: the domain's hosted public key is fetched through
//     Options.Resolver and added to the vehicle(s).
//   - /_sim/... — unauthenticated JSON controls for tests and the demo
//     (world, clock, faults, billing, keys, tokens, apps).
//   - /status — "ok".
//
// The vehicles' protocol side keeps the world's simulated clock — it stops
// and jumps with /_sim/clock — but never runs faster than real time: Tesla's
// clients count a signed message's lifetime in real seconds, so a car clock
// at 60× would expire every message. A signed command the world refuses
// gives the same reason as the REST command.
//
// Faults injected through POST /_sim/faults (or (*Cloud).AddFault, the same
// code path) apply to every path but /_sim/
// and /status (so also to the OAuth endpoints and /_ak), before
// authentication. A faulted answer below 500 is billed like a real one when
// the caller's token is valid. Answers 412 and 421 are not billed (the
// request never reached the region's data); every other answer below 500 to
// an authenticated caller is, 408 and 429 included.
//
// Start serves the three regions on loopback listeners. NewInMemory builds
// a cloud without sockets: its hosts are under ".invalid"
// (InMemoryBaseURLs, InMemoryAuthURL) and (*Cloud).Transport serves them by
// calling the handlers in the caller's goroutine, so a whole client runs
// inside a testing/synctest bubble. Options.KeyTransport carries the partner
// key fetches (InMemoryTransport serves a key host in memory too).
package sim
