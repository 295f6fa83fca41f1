package vcp

// This file is the contract package sim codes against: the Executor it
// provides, the options and the API interface, which *Car implements.

import "time"

// Executor applies a verified command to the simulated vehicle. name and
// params use the REST command vocabulary of Tesla's Fleet API
// (POST /api/1/vehicles/{vin}/command/<name> with its JSON body), so signed
// and unsigned commands share one implementation in the world.
type Executor interface {
	Execute(name string, params map[string]any) (ok bool, reason string, err error)
}

// Options configure one simulated car's security controllers.
type Options struct {
	VIN  string
	Seed []byte           // derives the car's P-256 keys (one per domain) deterministically
	Now  func() time.Time // the car's clock: package sim passes the world clock, so sessions follow simulated time
	Exec Executor
}

// Stats counts what a car's protocol layer saw.
type Stats struct {
	Handshakes int `json:"handshakes"` // session info requests answered with session info
	Commands   int `json:"commands"`   // verified and executed
	Rejected   int `json:"rejected"`   // faults returned
}

// API is what package sim uses of a protocol car; *Car implements it.
// NewCar builds one, and CommandNames reads a message's command names for
// the cloud's signed_command scope checks.
type API interface {
	Handle(routableMessage []byte) []byte // always a parseable RoutableMessage reply (faults inside)
	AddKey(publicKey []byte) error        // 65-byte uncompressed P-256 point; whitelisted on both domains
	RemoveKey(publicKey []byte)
	HasKey(publicKey []byte) bool
	Keys() [][]byte
	Reboot(domain string) // "vcsec" | "infotainment" | "": new epoch(s), as after a restart
	Stats() Stats
}

var _ API = (*Car)(nil)
