package app

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/teslafleet/teslafleet/internal/config"
	"github.com/teslafleet/teslafleet/internal/fleet"
)

func TestConfigCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "teslafleet.yaml")
	if err := os.WriteFile(path, []byte("tesla:\n  client_id: cid\n  client_secret: from-the-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	env := []string{"TESLAFLEET_TESLA_CLIENT_SECRET=from-the-env", "TESLAFLEET_LISTEN=:9999"}
	if err := ConfigCheck(path, env, &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"# The configuration is valid. Effective values (" + path + " and the environment)", "client_id: cid\n", "client_secret: '[redacted]'\n", "listen: :9999\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "from-the") {
		t.Errorf("a secret shows:\n%s", s)
	}

	// A bad config is an ErrBadConfig naming the key and the line.
	if err := os.WriteFile(path, []byte("units: metric\nunit: imperial\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := ConfigCheck(path, nil, &bytes.Buffer{})
	if !errors.Is(err, ErrBadConfig) || err.Error() != path+":2: unit: unknown key (did you mean units?)" {
		t.Errorf("bad config: %v", err)
	}
	if err := ConfigCheck(path+".missing", nil, &bytes.Buffer{}); !errors.Is(err, ErrBadConfig) {
		t.Errorf("missing file: %v", err)
	}
}

func TestConfigExample(t *testing.T) {
	var out bytes.Buffer
	if err := ConfigExample(&out); err != nil || !bytes.Equal(out.Bytes(), config.Example()) {
		t.Errorf("ConfigExample = %q, %v", out.String(), err)
	}
}

// TestFleetConfig: the configuration's endpoints reach the Fleet API client
// per region, and config's defaults are fleet's.
func TestFleetConfig(t *testing.T) {
	fc := fleetConfig(config.Default())
	for _, r := range fleet.Regions {
		if fc.AuthURLs[r] != fleet.DefaultAuthEndpoints(r) {
			t.Errorf("%s: auth %+v, fleet's default %+v", r, fc.AuthURLs[r], fleet.DefaultAuthEndpoints(r))
		}
		if fc.BaseURLs[r] != fleet.DefaultBaseURL(r) {
			t.Errorf("%s: base URL %s, fleet's default %s", r, fc.BaseURLs[r], fleet.DefaultBaseURL(r))
		}
	}
	if len(fc.AuthURLs) != len(fleet.Regions) || len(fc.BaseURLs) != len(fleet.Regions) {
		t.Errorf("regions: %v %v", fc.AuthURLs, fc.BaseURLs)
	}

	c := config.Default()
	c.Tesla.ClientID, c.Tesla.ClientSecret, c.Tesla.RedirectURL = "cid", "s3cret", "http://127.0.0.1:1/cb"
	c.Tesla.Auth.CN = config.AuthEndpoints{AuthorizeURL: "http://sim/cn/authorize", TokenURL: "http://sim/cn/token"}
	c.Tesla.FleetAPI.EU = "http://sim/eu"
	fc = fleetConfig(c)
	if fc.ClientID != "cid" || fc.ClientSecret != "s3cret" || fc.RedirectURL != "http://127.0.0.1:1/cb" {
		t.Errorf("credentials %+v", fc)
	}
	oa := fleet.NewOAuth(fc)
	if e := oa.Endpoints(fleet.RegionCN); e.Authorize != "http://sim/cn/authorize" || e.Token != "http://sim/cn/token" {
		t.Errorf("CN endpoints %+v", e)
	}
	if fc.BaseURLs[fleet.RegionEU] != "http://sim/eu" {
		t.Errorf("EU base %s", fc.BaseURLs[fleet.RegionEU])
	}
}
