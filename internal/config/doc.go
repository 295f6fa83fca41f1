// Package config is teslafleet's configuration: one YAML file
// (teslafleet.yaml), TESLAFLEET_* environment variables that win over it,
// defaults for every key, validation, and Secret, a string that redacts
// itself wherever it is printed, encoded or logged.
//
// Load decodes the file strictly by walking its YAML nodes: an unknown key,
// a duplicate key or a value that does not parse is an *Error naming the
// key path and the line ("teslafleet.yaml:7: tesla.client_secret: …");
// Validate's errors (bad URLs, units, log levels, out-of-range numbers) get
// the line of the value, or the environment variable it came from. Example
// is a commented file of the defaults; Redacted prints the effective
// configuration without its secrets.
//
// The package imports nothing else of teslafleet: package app maps its plain
// fields (region keys "NA", "EU", "CN" through PerRegion.Map) onto the
// packages it configures.
package config
