// Package world is the simulated state of Tesla accounts, vehicles, energy
// sites and Wall Connectors behind the simulated Tesla cloud, with the physics
// that moves them along a simulated clock.
//
// A World keeps each product as a Tesla-shaped document (the bodies Tesla's
// Fleet API returns) plus typed physics fields that are rendered into copies
// of those documents on every read. Time is simulated: it moves with the real
// clock times Options.Speed and with explicit Advance calls, and the physics
// steps at a fixed simulated interval, so the same seed and the same clock
// steps always give the same world.
//
// The world knows nothing of HTTP, tokens or signing; package sim maps its
// errors to Tesla's status codes and bodies.
package world
