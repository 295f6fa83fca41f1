package web

import (
	"encoding/json"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// eventStateChanged is Home Assistant's state change event.
const eventStateChanged = "state_changed"

// event is Home Assistant's Event.as_dict.
type event struct {
	EventType string         `json:"event_type"`
	Data      any            `json:"data"`
	Origin    string         `json:"origin"`
	TimeFired entity.Time    `json:"time_fired"`
	Context   entity.Context `json:"context"`
}

// stateChangedData is a state_changed event's data.
type stateChangedData struct {
	EntityID string        `json:"entity_id"`
	OldState *entity.State `json:"old_state"`
	NewState *entity.State `json:"new_state"`
}

// hub fans events out to the event stream's clients: the registry's changes
// (one subscription, held while anyone listens) and the events fired over
// the API. Each client has its own bounded queue; a client whose queue is
// full is dropped, so a stalled client never slows the others or the
// registry.
type hub struct {
	reg    *entity.Registry
	buffer int
	now    func() time.Time

	mu      sync.Mutex
	clients map[*streamClient]struct{}
	sub     *entity.Subscription
}

// streamClient is one listener: its queue of encoded events and what it
// wants.
type streamClient struct {
	q        chan []byte
	gone     chan struct{} // closed when the hub drops it
	types    map[string]bool
	entities map[string]bool
	once     sync.Once
	kill     func() // unblocks its writer (may be nil)
}

func newHub(reg *entity.Registry, buffer int, now func() time.Time) *hub {
	return &hub{reg: reg, buffer: buffer, now: now, clients: map[*streamClient]struct{}{}}
}

// subscribe adds a client that wants the given event types and, of
// state_changed, the given entities (nil: all); kill, when the hub drops
// the client, unblocks its writer.
func (h *hub) subscribe(types, entities map[string]bool, kill func()) *streamClient {
	c := &streamClient{q: make(chan []byte, h.buffer), gone: make(chan struct{}), types: types, entities: entities, kill: kill}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.clients[c] = struct{}{}
	if h.sub == nil {
		h.sub = h.reg.Subscribe(h.buffer * 4)
		go h.forward(h.sub)
	}
	return c
}

// unsubscribe removes a client; the last one ends the registry
// subscription.
func (h *hub) unsubscribe(c *streamClient) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.dropLocked(c)
	if len(h.clients) == 0 && h.sub != nil {
		h.sub.Close()
		h.sub = nil
	}
}

func (h *hub) dropLocked(c *streamClient) {
	delete(h.clients, c)
	c.once.Do(func() { close(c.gone) })
}

// listeners counts the clients per event type, as GET /api/events does.
func (h *hub) listeners() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]int{}
	for c := range h.clients {
		if c.types == nil {
			out["*"]++
			continue
		}
		for t := range c.types {
			out[t]++
		}
	}
	return out
}

// forward encodes each registry change once and hands it to the clients.
func (h *hub) forward(sub *entity.Subscription) {
	for ch := range sub.C {
		ctx := entity.Context{}
		if ch.New != nil {
			ctx = ch.New.Context
		} else if ch.Old != nil {
			ctx = ch.Old.Context
		}
		b, err := json.Marshal(event{
			EventType: eventStateChanged, Origin: "LOCAL", TimeFired: entity.Time{Time: h.now().UTC()}, Context: ctx,
			Data: stateChangedData{EntityID: ch.EntityID(), OldState: ch.Old, NewState: ch.New},
		})
		if err != nil {
			continue
		}
		h.publish(eventStateChanged, ch.EntityID(), b)
	}
}

// fire publishes an event fired over the API.
func (h *hub) fire(eventType string, data map[string]any, userID string) error {
	now := h.now().UTC()
	b, err := json.Marshal(event{
		EventType: eventType, Data: data, Origin: "REMOTE", TimeFired: entity.Time{Time: now},
		Context: entity.NewContext(userID),
	})
	if err != nil {
		return err
	}
	h.publish(eventType, "", b)
	return nil
}

// publish queues b for every client that wants it, dropping the clients
// whose queue is full.
func (h *hub) publish(eventType, entityID string, b []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		if c.types != nil && !c.types[eventType] {
			continue
		}
		if c.entities != nil && eventType == eventStateChanged && !c.entities[entityID] {
			continue
		}
		select {
		case c.q <- b:
		default:
			h.dropLocked(c)
			if c.kill != nil {
				c.kill()
			}
		}
	}
}

// parseRestrict reads the stream's restrict parameter: event types (as
// Home Assistant's) and, as teslafleet's addition, entity ids (they have a
// dot), which restrict state_changed to those entities.
func parseRestrict(s string) (types, entities map[string]bool) {
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		switch {
		case item == "":
		case strings.Contains(item, "."):
			if entities == nil {
				entities = map[string]bool{}
			}
			entities[item] = true
		default:
			if types == nil {
				types = map[string]bool{}
			}
			types[item] = true
		}
	}
	if entities != nil && types != nil {
		types[eventStateChanged] = true
	}
	return types, entities
}

// listenerCounts is GET /api/events' list, sorted by event.
func listenerCounts(m map[string]int) []eventListeners {
	if _, ok := m[eventStateChanged]; !ok {
		m[eventStateChanged] = 0
	}
	out := make([]eventListeners, 0, len(m))
	for e, n := range m {
		out = append(out, eventListeners{Event: e, ListenerCount: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Event < out[j].Event })
	return out
}

type eventListeners struct {
	Event         string `json:"event"`
	ListenerCount int    `json:"listener_count"`
}
