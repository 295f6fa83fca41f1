package app

import (
	"fmt"
	"io"

	"github.com/teslafleet/teslafleet/internal/config"
	"github.com/teslafleet/teslafleet/internal/fleet"
)

// ErrBadConfig matches every error that is a bad configuration (a bad key
// or value, an unreadable file): the CLI exits 2 on it.
var ErrBadConfig = config.ErrInvalid

// LoadConfig loads the configuration: the file at path, else the one
// config.Locate finds ($TESLAFLEET_CONFIG, teslafleet.yaml in the data
// directory), else defaults; then the TESLAFLEET_* variables of env.
func LoadConfig(path string, env []string) (config.Config, string, error) {
	file := config.Locate(path, env)
	c, err := config.Load(file, env)
	return c, file, err
}

// ConfigCheck loads and validates the configuration (see LoadConfig) and
// writes the effective configuration to out as YAML, secrets redacted.
func ConfigCheck(path string, env []string, out io.Writer) error {
	c, file, err := LoadConfig(path, env)
	if err != nil {
		return err
	}
	from := "defaults"
	if file != "" {
		from = file
	}
	if _, err := fmt.Fprintf(out, "# The configuration is valid. Effective values (%s and the environment), secrets redacted:\n", from); err != nil {
		return err
	}
	_, err = out.Write(c.Redacted())
	return err
}

// ConfigExample writes a commented example configuration file to out.
func ConfigExample(out io.Writer) error {
	_, err := out.Write(config.Example())
	return err
}

// fleetConfig maps the configuration onto the Fleet API client's: the
// application's credentials and Tesla's (or the simulator's) endpoints per
// region.
func fleetConfig(c config.Config) fleet.Config {
	fc := fleet.Config{
		ClientID:     c.Tesla.ClientID,
		ClientSecret: c.Tesla.ClientSecret.Reveal(),
		RedirectURL:  c.Tesla.RedirectURL,
		AuthURLs:     map[fleet.Region]fleet.AuthEndpoints{},
		BaseURLs:     map[fleet.Region]string{},
	}
	for r, e := range c.Tesla.Auth.Map() {
		fc.AuthURLs[fleet.Region(r)] = fleet.AuthEndpoints{Authorize: e.AuthorizeURL, Token: e.TokenURL}
	}
	for r, u := range c.Tesla.FleetAPI.Map() {
		fc.BaseURLs[fleet.Region(r)] = u
	}
	return fc
}
