package entity

import (
	"strings"
	"time"

	"github.com/teslafleet/teslafleet/internal/command"
)

// Update features (Home Assistant's UpdateEntityFeature).
const (
	updateInstall  = 1
	updateProgress = 4
)

// brandIcon is the picture Home Assistant gives update entities.
const brandIcon = "https://brands.home-assistant.io/_/tesla_fleet/icon.png"

// softwareUpdate is §4.13's "Update".
type softwareUpdate struct{ scoped bool }

const updateKey = "vehicle_state_software_update_"

func (u *softwareUpdate) status(v *view) string {
	s, _ := v.get(updateKey + "status").(string)
	return s
}

// scheduledSoon: a scheduled install less than two minutes away.
func (u *softwareUpdate) scheduledSoon(v *view) bool {
	if u.status(v) != "scheduled" {
		return false
	}
	ms, ok := v.number(updateKey + "scheduled_time_ms")
	if !ok {
		return false
	}
	return ms.float()/1000-float64(v.now.UnixNano())/1e9 < 120
}

func (u *softwareUpdate) features(v *view) int {
	f := updateProgress
	if u.scoped && u.status(v) == "available" {
		f |= updateInstall
	}
	return f
}

func (u *softwareUpdate) render(v *view) out {
	var installed, latest any
	if s, ok := v.get("vehicle_state_car_version").(string); ok {
		installed = strings.SplitN(s, " ", 2)[0]
	}
	latest = installed
	switch u.status(v) {
	case "available", "installing", "downloading", "downloading_wifi_wait":
		latest = v.get(updateKey + "version")
	}
	if u.scheduledSoon(v) {
		latest = v.get(updateKey + "version")
	}
	inProgress := u.status(v) == "installing" || u.scheduledSoon(v) || v.get("@in_progress") == true
	var pct any
	if u.status(v) == "installing" {
		if n, ok := v.number(updateKey + "install_perc"); ok && n.float() != 0 {
			pct = n.json()
		}
	}
	state := ""
	if installed != nil && latest != nil {
		state = onOff(latest != installed)
	}
	attrs := Attrs{
		{"auto_update", false}, {"display_precision", 0}, {"installed_version", installed},
		{"in_progress", inProgress}, {"latest_version", latest}, {"release_summary", nil},
		{"release_url", nil}, {"skipped_version", nil}, {"title", nil}, {"update_percentage", pct},
	}
	return out{state: state, attrs: attrs, picture: brandIcon, features: features(u.features(v))}
}

func (u *softwareUpdate) service(name string) planner {
	if name != "install" {
		return nil
	}
	return func(k *call) (*plan, error) {
		if u.features(k.v)&updateInstall == 0 {
			if !u.scoped {
				return nil, missingScope(ScopeVehicleCmds)
			}
			return nil, invalid("not_supported", k.e.EntityID, "update", name)
		}
		// No wake: the command table sends schedule_software_update as is.
		return sendVehicle(map[string]any{"@in_progress": true}, command.ScheduleSoftwareUpdate(0*time.Second))
	}
}

func vehicleUpdates(s *setup) []*Entity {
	return []*Entity{s.newEntity(s.vehicle, Update, &updateMeta, &softwareUpdate{scoped: s.scoped(ScopeVehicleCmds)})}
}

var updateMeta = meta{key: "vehicle_state_software_update_status", name: "Update"}
