// Package vcp is the vehicle side of Tesla's Vehicle Command Protocol for the
// simulated cloud: each simulated car answers session-info handshakes and
// verifies signed commands exactly as a car does, then hands the verified
// action to an Executor in the REST command vocabulary.
//
// The implementation follows the public protocol description
// (pkg/protocol/protocol.md of github.com/teslamotors/vehicle-command) and its
// .proto files; it imports only the SDK's generated protobuf packages and the
// standard library's crypto. Per domain (VCSEC and Infotainment) a Car holds a
// P-256 key pair derived from Options.Seed, a random 16-byte epoch and a clock;
// per (domain, paired key) it keeps an anti-replay counter with a 32-wide
// sliding window. Replies are always parseable RoutableMessages: protocol
// faults travel inside them, never as panics or Go errors.
package vcp
