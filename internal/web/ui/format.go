package ui

import (
	"encoding/json"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// How states are shown, in one table the page's script reads too (as
// JSON), so a value looks the same rendered by the server and updated
// live: decimals per unit, and the words for a binary sensor's off and on
// per device class.
var (
	decimals = map[string]int{
		"%": 0, "km": 0, "mi": 0, "km/h": 0, "mph": 0, "A": 0, "V": 0, "W": 0, "Wh": 0,
		"kW": 2, "kWh": 1, "°C": 1, "°F": 0, "psi": 1, "bar": 2, "min": 0,
	}
	binaryWords = map[string][2]string{
		"door": {"Closed", "Open"}, "window": {"Closed", "Open"}, "opening": {"Closed", "Open"},
		"connectivity": {"Disconnected", "Connected"}, "presence": {"Away", "Present"},
		"problem": {"OK", "Problem"}, "running": {"Not running", "Running"},
		"battery_charging": {"Not charging", "Charging"}, "heat": {"Normal", "Hot"},
		"": {"Off", "On"},
	}
)

// formatRules is the table above for the page's script, with the
// vehicles' names by VIN (a Wall Connector's vehicle shows as its name).
func formatRules(names map[string]string) template.JS {
	b, _ := json.Marshal(map[string]any{"decimals": decimals, "binary": binaryWords, "names": names})
	return template.JS(b)
}

// vehicleNames are the registry's vehicles' names by VIN.
func vehicleNames(devices []entity.Device) map[string]string {
	names := map[string]string{}
	for _, d := range devices {
		if d.Kind == entity.KindVehicle {
			names[d.ID] = d.Name
		}
	}
	return names
}

// display is a state as the page shows it (without its unit); a state
// that is a known vehicle's VIN shows as the vehicle's name.
func display(platform string, s entity.State, loc *time.Location, names map[string]string) string {
	if n, ok := names[s.State]; ok {
		return n
	}
	switch s.State {
	case "unavailable":
		return "Unavailable"
	case "unknown", "":
		return "—"
	}
	class := attrString(s.Attributes, "device_class")
	unit := attrString(s.Attributes, "unit_of_measurement")
	if platform == "binary_sensor" {
		words, ok := binaryWords[class]
		if !ok {
			words = binaryWords[""]
		}
		if s.State == "on" {
			return words[1]
		}
		return words[0]
	}
	if class == "timestamp" {
		if t, err := time.Parse(time.RFC3339, s.State); err == nil {
			return t.In(loc).Format("Mon 15:04")
		}
	}
	if d, ok := decimals[unit]; ok {
		if f, err := strconv.ParseFloat(s.State, 64); err == nil {
			return strconv.FormatFloat(roundTo(f, d), 'f', d, 64)
		}
	}
	return humanize(s.State)
}

func roundTo(f float64, d int) float64 {
	p := math.Pow(10, float64(d))
	v := math.Round(f*p) / p
	if v == 0 {
		return 0 // no "-0"
	}
	return v
}

// humanize makes an enum state a word: "self_consumption" → "Self
// consumption". Numbers and text with capitals are left alone.
func humanize(s string) string {
	if s == "" || strings.ToLower(s) != s {
		return s
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return s
	}
	s = strings.ReplaceAll(s, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

func attrString(a entity.Attrs, key string) string {
	v, ok := a.Get(key)
	if !ok || v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	var s string
	if json.Unmarshal(b, &s) == nil {
		return s
	}
	return strings.Trim(string(b), `"`)
}

func attrFloat(a entity.Attrs, key string) (float64, bool) {
	v, ok := a.Get(key)
	if !ok || v == nil {
		return 0, false
	}
	b, err := json.Marshal(v)
	if err != nil {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.Trim(string(b), `"`), 64)
	return f, err == nil
}

func attrStrings(a entity.Attrs, key string) []string {
	v, ok := a.Get(key)
	if !ok || v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out []string
	if json.Unmarshal(b, &out) != nil {
		return nil
	}
	return out
}
