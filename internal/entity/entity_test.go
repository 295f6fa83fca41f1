package entity

import (
	"testing"
	"unsafe"
)

// The user's name is kept as the friendly name: Info.Name shows it, the
// friendly_name attribute too, and "" restores "<device> <entity>".
func TestEntityNameRoundTrip(t *testing.T) {
	h := newHASetup(t, Options{}, allScopes)
	const id = "sensor.test_battery_level"
	for _, tc := range []struct{ set, name, friendly string }{
		{"", "", "Test Battery level"},
		{"Charge", "Charge", "Charge"},
		{"Charge", "Charge", "Charge"},
		{"Test Battery level", "Test Battery level", "Test Battery level"},
		{"", "", "Test Battery level"},
	} {
		if err := h.reg.SetName(id, tc.set); err != nil {
			t.Fatal(err)
		}
		info, _ := h.reg.Entity(id)
		fn, _ := h.state(t, id).Attributes.Get("friendly_name")
		if info.Name != tc.name || fn != tc.friendly {
			t.Errorf("SetName(%q): name %q, friendly_name %v; want %q, %q", tc.set, info.Name, fn, tc.name, tc.friendly)
		}
		if p := h.reg.Prefs()[info.UniqueID]; p.Name != tc.set {
			t.Errorf("SetName(%q): pref %+v", tc.set, p)
		}
	}
}

// A registry holds ~90 entities per car: an Entity stays within the 96-byte
// allocation class.
func TestEntitySize(t *testing.T) {
	if n := unsafe.Sizeof(Entity{}); n > 96 {
		t.Errorf("Entity is %d bytes, want at most 96", n)
	}
}
