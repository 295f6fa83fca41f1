// Command teslafleet brings Tesla vehicles, Powerwall sites and Wall
// Connectors into home automation through Tesla's Fleet API. This package
// only turns flags into options and calls internal/app; it holds no logic.
package main
