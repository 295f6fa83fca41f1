// Package app wires teslafleet's parts together and runs them: it is the only
// package that imports the rest (the simulator, the Fleet API client, the
// command sender, the coordinators, the entity registry and the REST API),
// so every other package stays small and independently testable. App runs
// one signed-in account: poll's snapshots go to the registry, the registry's
// actions go to the command sender, web serves the registry.
package app
