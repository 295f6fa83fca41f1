package mqtt

import (
	"strconv"
	"strings"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// Topics names every topic from the discovery prefix and the base topic.
type Topics struct {
	Discovery string // default "homeassistant"
	Base      string // default "teslafleet"
}

// Status is the bridge's availability topic (the client's last will).
func (t Topics) Status() string { return t.Base + "/status" }

// Birth is Home Assistant's status topic: "online" when it (re)starts.
func (t Topics) Birth() string { return t.Discovery + "/status" }

// Availability is a device's availability topic.
func (t Topics) Availability(device string) string { return t.Base + "/" + device + "/availability" }

// Entity is the root of an entity's topics: <base>/<device>/<key>.
func (t Topics) Entity(device, key string) string { return t.Base + "/" + device + "/" + key }

// Config is a discovery config's topic.
func (t Topics) Config(component, uniqueID string) string {
	return t.Discovery + "/" + component + "/" + topicSafe(uniqueID) + "/config"
}

// ConfigFilter matches every discovery config (teslafleet's and others').
func (t Topics) ConfigFilter() string { return t.Discovery + "/+/+/config" }

// CommandFilters are the subscriptions that take commands:
// <base>/<device>/<key>/set and <base>/<device>/<key>/<part>/set.
func (t Topics) CommandFilters() []string {
	return []string{t.Base + "/+/+/set", t.Base + "/+/+/+/set"}
}

// topicSafe replaces what may not appear in a topic level (and what Home
// Assistant's discovery refuses in an object id) with "_".
func topicSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
			return r
		}
		return '_'
	}, s)
}

// keys gives every entity its topic key: the slug of its (original) name,
// unique within its device; a clash takes the platform as a suffix. Keys
// stay put while the process runs, whatever the entity's later name.
type keys struct {
	byEntity map[string]string            // entity_id → key
	used     map[string]map[string]string // device → key → entity_id
}

func newKeys() *keys {
	return &keys{byEntity: map[string]string{}, used: map[string]map[string]string{}}
}

// key returns (and on first sight assigns) the entity's key.
func (k *keys) key(info entity.Info) string {
	if s, ok := k.byEntity[info.EntityID]; ok {
		return s
	}
	used := k.used[info.DeviceID]
	if used == nil {
		used = map[string]string{}
		k.used[info.DeviceID] = used
	}
	s := topicSafe(entity.Slugify(info.OriginalName))
	if _, clash := used[s]; clash {
		base := s + "_" + string(info.Platform)
		s = base
		for n := 2; used[s] != ""; n++ {
			s = base + "_" + strconv.Itoa(n)
		}
	}
	used[s] = info.EntityID
	k.byEntity[info.EntityID] = s
	return s
}
