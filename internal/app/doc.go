// Package app wires teslafleet's parts together and runs them: it is the only
// package that imports the rest (the simulator, the Fleet API client, and in
// later issues the store, pollers, web and MQTT), so every other package stays
// small and independently testable.
package app
