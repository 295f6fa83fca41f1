package app

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/teslafleet/teslafleet/"

// allowedImports is the dependency direction of the design (architecture
// §2, as corrected): cmd → app → everything; web, mqtt → entity;
// entity → command → fleet; poll → fleet; setup → fleet, command; store,
// fleet and config import nothing internal; the simulator is an outsider
// that only app and tests import. Each package may import only the internal
// packages listed for it (a trailing "/" also allows everything below).
// Packages not listed may import nothing internal; a new package must be
// added here on purpose.
var allowedImports = map[string][]string{
	"cmd/teslafleet":       {"internal/app"},
	"internal/app":         {"internal/"},
	"internal/fleet":       nil,
	"internal/command":     {"internal/fleet"},
	"internal/entity":      {"internal/command", "internal/fleet"},
	"internal/poll":        {"internal/fleet"},
	"internal/store":       nil,
	"internal/config":      nil,
	"internal/setup":       {"internal/fleet", "internal/command"},
	"internal/web":         {"internal/entity"},
	"internal/web/ui":      {"internal/entity", "internal/web", "internal/web/chart"},
	"internal/web/chart":   nil,
	"internal/mqtt":        {"internal/entity"},
	"internal/sim":         {"internal/sim/"},
	"internal/testfixture": {"internal/entity", "internal/fleet"},
	"internal/sim/world":   nil,
	"internal/sim/oauth":   nil,
	"internal/sim/vcp":     nil,
}

type listedPackage struct {
	ImportPath string
	Imports    []string
}

func TestDependencyDirection(t *testing.T) {
	cmd := exec.Command("go", "list", "-json", "github.com/teslafleet/teslafleet/...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		seen++
		name := strings.TrimPrefix(p.ImportPath, module)
		allowed, known := allowedImports[name]
		if !known {
			t.Errorf("package %s is not in allowedImports: decide where it sits in the dependency direction", name)
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			dep := strings.TrimPrefix(imp, module)
			if !permitted(dep, allowed) {
				t.Errorf("%s imports %s, which the dependency direction forbids", name, dep)
			}
		}
	}
	if seen < 5 {
		t.Fatalf("go list returned %d packages; expected the whole module", seen)
	}
}

func permitted(dep string, allowed []string) bool {
	for _, a := range allowed {
		if dep == a || (strings.HasSuffix(a, "/") && strings.HasPrefix(dep, a)) {
			return true
		}
	}
	return false
}

func TestPermitted(t *testing.T) {
	cases := []struct {
		dep     string
		allowed []string
		want    bool
	}{
		{"internal/fleet", []string{"internal/fleet"}, true},
		{"internal/fleetx", []string{"internal/fleet"}, false},
		{"internal/sim/world", []string{"internal/sim/"}, true},
		{"internal/sim", []string{"internal/sim/"}, false},
		{"internal/web", nil, false},
	}
	for _, c := range cases {
		if got := permitted(c.dep, c.allowed); got != c.want {
			t.Errorf("permitted(%q, %q) = %v, want %v", c.dep, c.allowed, got, c.want)
		}
	}
}
