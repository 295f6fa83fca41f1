// Package fleet is the client for Tesla's Fleet API: OAuth2 login and token
// rotation at the auth host of the account's region (Config.AuthURLs: China
// has its own), regional base URLs with 421 recovery, typed responses for every
// endpoint the product uses, generic REST vehicle and energy site commands
// (Command, SiteCommand: a name and a body, checked for shape only — the
// commands, their bodies and ranges are package command's table), typed
// errors and a cost ledger priced with Tesla's table.
//
// # Decoding
//
// Every response object keeps the members it has no field for (and members
// whose value does not fit the field's type) in its Extra map, so decoding a
// response and encoding it again gives the same JSON. Scalars are pointers:
// nil means "absent or null" (the exact form is kept in Extra). json.Marshal
// of a typed response therefore gives back the raw JSON.
//
// # Errors
//
// Errors carry a class: check them with errors.Is against the Err* sentinels
// (ErrAsleep, ErrRateLimited, ErrLoginRequired, …) and errors.As for details
// (*APIError, *DecodeError, *ValidationError, *RefusedError, *AuthError,
// *TransportError). The classes are the one vocabulary of this package and
// package command (whose *Error wraps them: ErrKeyNotPaired, ErrWakeTimeout,
// ErrBusy, …). One table (class.go) gives each class what a surface needs:
// ClassOf, HTTPStatus (the status our REST surface answers) and Temporary;
// MayHaveSucceeded tells whether a failed command may still have run
// (commands are never retried automatically) and RetryAfter how long a 429
// asked to wait. BenignRefusal is the one list of refusals that mean
// "already done". TokenManager remembers a login_required from the token
// endpoint and fails at once until a new login stores a new token.
//
// # Billing
//
// Every request is classified (data, command, wake, free) and reported to
// Config.Ledger; Ledger keeps per-account, per-device, per-month counts and
// prices them with Tesla's table (energy endpoints are free: Home Assistant's
// documentation says energy APIs "are free to use at this time").
package fleet
