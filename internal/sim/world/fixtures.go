package world

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// LoadFixtures builds a world from a directory of Tesla response files
// (the shapes of testdata/ha): products.json (required),
// vehicle_data*.json, site_info.json, live_status.json and
// energy_history.json. One NA account "owner@example.com" owns every
// product. Until the clock moves, reads return those bodies exactly.
func LoadFixtures(dir string, opts Options) (*World, error) {
	w := newWorld(opts, nil)
	now := w.clk.now()
	var products []any
	if err := readResponse(filepath.Join(dir, "products.json"), &products); err != nil {
		return nil, err
	}
	docs, err := vehicleDocs(dir)
	if err != nil {
		return nil, err
	}
	info, err := optionalResponse(filepath.Join(dir, "site_info.json"))
	if err != nil {
		return nil, err
	}
	liveDoc, err := optionalResponse(filepath.Join(dir, "live_status.json"))
	if err != nil {
		return nil, err
	}
	hist, err := optionalResponse(filepath.Join(dir, "energy_history.json"))
	if err != nil {
		return nil, err
	}

	a := w.addAccount(DemoEmail, "NA")
	siteDocsUsed := false
	for i, p := range products {
		entry, isMap := p.(map[string]any)
		if !isMap {
			return nil, fmt.Errorf("products.json: entry %d is not an object", i)
		}
		switch {
		case str(entry, "vin", "") != "":
			vin := str(entry, "vin", "")
			doc := docs[vin]
			if doc == nil {
				doc = map[string]any{}
				for k, val := range entry {
					if !isSection(k) {
						doc[k] = deepCopy(val)
					}
				}
			}
			v, err := newVehicle(a, doc, entry, now)
			if err != nil {
				return nil, fmt.Errorf("products.json: %w", err)
			}
			w.addVehicle(a, v)
		case entry["energy_site_id"] != nil:
			var s *site
			if hasComponents(entry) && !siteDocsUsed {
				siteDocsUsed = true
				if info == nil {
					info = map[string]any{}
				}
				s = newSite(a, entry, info, liveDoc)
				s.seedHistory = hist
			} else {
				s = newSite(a, entry, nil, nil)
			}
			w.addSite(a, s)
		default:
			return nil, fmt.Errorf("products.json: entry %d is neither a vehicle nor an energy site", i)
		}
	}
	return w, nil
}

// hasComponents reports whether a site entry lists any real component.
func hasComponents(entry map[string]any) bool {
	c := section(entry, "components", false)
	for _, k := range []string{"battery", "solar", "grid", "load_meter"} {
		if flag(c, k, false) {
			return true
		}
	}
	wcs, _ := c["wall_connectors"].([]any)
	return len(wcs) > 0
}

// vehicleDocs reads vehicle_data*.json: the first file (vehicle_data.json,
// then others by name, "alt" files last) holding a VIN is its document.
func vehicleDocs(dir string) (map[string]map[string]any, error) {
	files, err := filepath.Glob(filepath.Join(dir, "vehicle_data*.json"))
	if err != nil {
		return nil, err
	}
	rank := func(f string) int {
		switch b := filepath.Base(f); {
		case b == "vehicle_data.json":
			return 0
		case strings.Contains(b, "alt"):
			return 2
		}
		return 1
	}
	sort.SliceStable(files, func(i, j int) bool {
		if rank(files[i]) != rank(files[j]) {
			return rank(files[i]) < rank(files[j])
		}
		return files[i] < files[j]
	})
	out := map[string]map[string]any{}
	for _, f := range files {
		var doc map[string]any
		if err := readResponse(f, &doc); err != nil {
			return nil, err
		}
		if vin := str(doc, "vin", ""); vin != "" && out[vin] == nil {
			out[vin] = doc
		}
	}
	return out, nil
}

// readResponse decodes a file's {"response": …} into v.
func readResponse(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var env struct {
		Response json.RawMessage `json:"response"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	if len(env.Response) == 0 || string(env.Response) == "null" {
		return fmt.Errorf("%s: no response", filepath.Base(path))
	}
	if err := json.Unmarshal(env.Response, v); err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return nil
}

// optionalResponse is readResponse for an object body that may be absent.
func optionalResponse(path string) (map[string]any, error) {
	var m map[string]any
	err := readResponse(path, &m)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return m, err
}
