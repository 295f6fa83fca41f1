package mqtt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// Registry is what the exporter needs of the entity registry
// (*entity.Registry satisfies it).
type Registry interface {
	Subscribe(n int) *entity.Subscription
	Walk(from, n int) ([]entity.Listed, int)
	Entity(entityID string) (entity.Info, bool)
	Devices() []entity.Device
	Units() entity.UnitSystem
	Call(ctx context.Context, domain, service string, targets []string, data map[string]any) ([]entity.State, error)
}

var _ Registry = (*entity.Registry)(nil)

// Options configure an Exporter.
type Options struct {
	Registry Registry
	Client   Client
	Topics   Topics // defaults: "homeassistant", "teslafleet"
	// Backlog bounds the topics held while the broker is away (default
	// 65536); the latest payload per topic wins, and what does not fit is
	// republished with everything after the next connect.
	Backlog int
	Version string // the origin's sw_version in discovery configs
	Logger  *slog.Logger
	// SweepWindow is how long after each connect the retained discovery
	// configs are read, to clear teslafleet's that no entity has any more
	// (default 5 s).
	SweepWindow time.Duration
}

// Stats are the exporter's counters (for metrics).
type Stats struct {
	Connected     bool
	Published     uint64 // messages the broker took
	Commands      uint64 // command messages received
	CommandErrors uint64 // commands answered on an error topic
	Backlog       int    // topics waiting for the broker
	Dropped       uint64 // messages that did not fit in the backlog
}

// Exporter publishes the registry's entities and takes commands.
type Exporter struct {
	o    Options
	d    describer
	log  *slog.Logger
	wake chan struct{}

	mu        sync.Mutex
	ctx       context.Context // Run's, for commands
	connected bool
	q         *backlog
	keys      *keys
	devices   map[string]entity.Device
	configs   map[string]digest          // config topic → the digest of the payload last queued
	unavail   map[string]map[string]bool // device → entity_id → unavailable
	online    map[string]bool            // device → its last availability
	walk      int                        // the republish's position in the registry; -1: none under way
	stale     []string                   // swept config topics, cleared once the republish is over

	published, commands, cmdErrors atomic.Uint64
}

// New returns an exporter; Run runs it.
func New(o Options) (*Exporter, error) {
	if o.Registry == nil || o.Client == nil {
		return nil, errors.New("mqtt: an exporter needs a registry and a client")
	}
	if o.Topics.Discovery == "" {
		o.Topics.Discovery = "homeassistant"
	}
	if o.Topics.Base == "" {
		o.Topics.Base = "teslafleet"
	}
	if o.Backlog <= 0 {
		o.Backlog = 1 << 16
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.SweepWindow <= 0 {
		o.SweepWindow = 5 * time.Second
	}
	return &Exporter{
		o: o, log: o.Logger, wake: make(chan struct{}, 1),
		d:    describer{t: o.Topics, units: o.Registry.Units(), version: o.Version},
		q:    newBacklog(o.Backlog),
		keys: newKeys(), devices: map[string]entity.Device{}, configs: map[string]digest{},
		unavail: map[string]map[string]bool{}, online: map[string]bool{}, walk: -1,
	}, nil
}

// Stats returns the counters.
func (e *Exporter) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	return Stats{Connected: e.connected, Published: e.published.Load(), Commands: e.commands.Load(),
		CommandErrors: e.cmdErrors.Load(), Backlog: e.q.len(), Dropped: e.q.dropped}
}

// Run connects, publishes every change until ctx ends, then says offline
// and disconnects.
func (e *Exporter) Run(ctx context.Context) error {
	sub := e.o.Registry.Subscribe(4096)
	defer sub.Close()
	e.mu.Lock()
	e.ctx = ctx
	e.mu.Unlock()
	if err := e.o.Client.Start(ctx, func() { e.up(ctx) }, e.down); err != nil {
		return err
	}
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		e.send(ctx)
	}()
	var dropped uint64
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case ch, ok := <-sub.C:
			if !ok {
				break loop
			}
			e.change(ch)
			// Changes the subscription dropped are caught up by
			// republishing everything.
			if d := sub.Dropped(); d != dropped {
				dropped = d
				e.republish()
			}
			e.signal()
		}
	}
	<-sent
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	if err := e.o.Client.Publish(shut, e.o.Topics.Status(), []byte("offline"), true); err != nil && !errors.Is(err, errNotConnected) {
		e.log.Warn("mqtt: could not say offline", "err", err)
	}
	e.o.Client.Stop()
	return nil
}

// up runs after every connect: subscribe, then republish everything.
func (e *Exporter) up(ctx context.Context) {
	for _, f := range e.o.Topics.CommandFilters() {
		if err := e.o.Client.Subscribe(ctx, f, e.command); err != nil {
			e.log.Error("mqtt: subscribe to commands", "filter", f, "err", err)
		}
	}
	if err := e.o.Client.Subscribe(ctx, e.o.Topics.Birth(), e.birth); err != nil {
		e.log.Error("mqtt: subscribe to Home Assistant's status", "err", err)
	}
	e.mu.Lock()
	e.connected = true
	e.mu.Unlock()
	e.log.Info("mqtt: connected; publishing every entity")
	e.republish()
	e.signal()
	e.sweep(ctx)
}

func (e *Exporter) down(err error) {
	e.mu.Lock()
	e.connected = false
	e.mu.Unlock()
	e.log.Warn("mqtt: connection lost; reconnecting", "err", err)
}

// birth: Home Assistant (re)started and wants the discovery configs.
func (e *Exporter) birth(_ string, payload []byte) {
	if string(payload) != "online" {
		return
	}
	e.log.Info("mqtt: Home Assistant is online; publishing every entity")
	e.republish()
	e.signal()
}

func (e *Exporter) signal() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// send publishes the backlog while connected.
func (e *Exporter) send(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-e.wake:
		}
		for ctx.Err() == nil {
			e.mu.Lock()
			if !e.connected {
				e.mu.Unlock()
				break
			}
			e.refillLocked()
			m, ok := e.q.take()
			e.mu.Unlock()
			if !ok {
				break
			}
			if err := e.o.Client.Publish(ctx, m.topic, m.payload, m.retain); err != nil {
				e.mu.Lock()
				if _, newer := e.q.pending[m.topic]; !newer {
					e.q.put(m)
				}
				e.mu.Unlock()
				break // the next connect or change wakes the sender
			}
			e.published.Add(1)
		}
	}
}

// republish starts publishing everything again: the bridge status now,
// then every entity (its configs, state and attributes, or a disabled
// one's removal) and every device's availability, a page at a time as the
// sender drains the backlog (refillLocked), so a large fleet neither
// overflows the backlog nor copies the registry at once.
func (e *Exporter) republish() {
	devices := e.o.Registry.Devices()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.q.put(message{topic: e.o.Topics.Status(), payload: []byte("online"), retain: true})
	for _, d := range devices {
		e.devices[d.ID] = d
	}
	clear(e.configs)
	e.walk = 0
}

// Pacing of a republish: pages of at most walkPage entities are read
// while the backlog is under half full, each small enough to fit in what
// is free (an entity queues at most msgsPerEntity messages: a media
// player's parts with their states and attributes).
const (
	walkPage      = 256
	msgsPerEntity = 32
)

// refillLocked queues the republish's next page while the backlog is low;
// after the last, every device's availability, and the swept configs
// that no entity has.
func (e *Exporter) refillLocked() {
	for e.walk >= 0 && e.q.len() < max(1, e.q.limit/2) {
		n := min(walkPage, max(1, (e.q.limit-e.q.len())/msgsPerEntity))
		page, next := e.o.Registry.Walk(e.walk, n)
		for _, l := range page {
			e.entityLocked(l.Info, l.State)
		}
		if len(page) > 0 {
			e.walk = next
			continue
		}
		e.walk = -1
		for id := range e.devices {
			e.availabilityLocked(id, true)
		}
		e.clearStaleLocked(e.stale)
		e.stale = nil
	}
}

// change handles one change of the registry.
func (e *Exporter) change(ch entity.Change) {
	id := ch.EntityID()
	info, ok := e.o.Registry.Entity(id)
	if !ok {
		return
	}
	if ch.New == nil {
		info.Enabled = false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.devices[info.DeviceID]; !ok {
		e.mu.Unlock()
		devices := e.o.Registry.Devices()
		e.mu.Lock()
		for _, d := range devices {
			e.devices[d.ID] = d
		}
	}
	e.entityLocked(info, ch.New)
	e.availabilityLocked(info.DeviceID, false)
}

// entityLocked queues an entity's discovery configs (those that changed),
// state and attributes; a disabled entity's (st nil) are cleared.
func (e *Exporter) entityLocked(info entity.Info, st *entity.State) {
	key := e.keys.key(info)
	root := e.o.Topics.Entity(info.DeviceID, key)
	if st == nil || !info.Enabled {
		for _, t := range e.d.removals(info) {
			e.q.put(message{topic: t, retain: true})
			delete(e.configs, t)
		}
		e.q.put(message{topic: root + "/state", retain: true})
		e.q.put(message{topic: root + "/attributes", retain: true})
		if u := e.unavail[info.DeviceID]; u != nil {
			delete(u, info.EntityID)
		}
		return
	}
	s := subject{info: info, dev: e.devices[info.DeviceID], key: key, state: *st}
	for _, c := range e.d.configs(s) {
		b, err := json.Marshal(c.payload)
		if err != nil {
			e.log.Error("mqtt: encode a discovery config", "entity_id", info.EntityID, "err", err)
			continue
		}
		t := e.o.Topics.Config(c.component, c.uniqueID)
		sum := digestOf(b)
		if last, ok := e.configs[t]; ok && last == sum {
			continue
		}
		e.configs[t] = sum
		e.q.put(message{topic: t, payload: b, retain: true})
	}
	e.q.put(message{topic: root + "/state", payload: []byte(st.State), retain: true})
	attrs, err := json.Marshal(st.Attributes)
	if err == nil {
		e.q.put(message{topic: root + "/attributes", payload: attrs, retain: true})
	}
	u := e.unavail[info.DeviceID]
	if u == nil {
		u = map[string]bool{}
		e.unavail[info.DeviceID] = u
	}
	u[info.EntityID] = st.State == entity.StateUnavailable
}

// availabilityLocked queues a device's availability when it changed (or
// always): online while any of its entities is available.
func (e *Exporter) availabilityLocked(device string, always bool) {
	on := false
	for _, unavailable := range e.unavail[device] {
		if !unavailable {
			on = true
			break
		}
	}
	if was, ok := e.online[device]; ok && was == on && !always {
		return
	}
	e.online[device] = on
	payload := "offline"
	if on {
		payload = "online"
	}
	e.q.put(message{topic: e.o.Topics.Availability(device), payload: []byte(payload), retain: true})
}

// command handles a message on a command topic: it maps the payload to a
// service and calls it; a refusal or a failure is logged and answered on
// the entity's error topic.
func (e *Exporter) command(topic string, payload []byte) {
	e.commands.Add(1)
	device, key, part, ok := e.o.Topics.parseCommandTopic(topic)
	if !ok {
		return
	}
	e.mu.Lock()
	ctx := e.ctx
	entityID := e.keys.used[device][key]
	e.mu.Unlock()
	errTopic := e.o.Topics.Entity(device, key) + "/error"
	info, found := e.o.Registry.Entity(entityID)
	if entityID == "" || !found {
		e.answer(errTopic, topic, &entity.Error{Kind: entity.KindBadRequest, Key: "no_entities",
			Message: fmt.Sprintf("no entity takes commands on %s", topic)})
		return
	}
	call, err := commandFor(info.Platform, part, string(payload))
	if err != nil {
		e.answer(errTopic, topic, err)
		return
	}
	go func() {
		if _, err := e.o.Registry.Call(ctx, call.domain, call.service, []string{entityID}, call.data); err != nil {
			e.answer(errTopic, topic, err)
			return
		}
		e.log.Info("mqtt: command", "entity_id", entityID, "service", call.domain+"."+call.service)
	}()
}

// commandError is what an error topic carries.
type commandError struct {
	Topic   string `json:"topic"`
	Key     string `json:"key"`
	Message string `json:"message"`
}

// answer logs a failed command and publishes it on the error topic.
func (e *Exporter) answer(errTopic, topic string, err error) {
	e.cmdErrors.Add(1)
	ce := commandError{Topic: topic, Key: "command_failed", Message: err.Error()}
	var ee *entity.Error
	if errors.As(err, &ee) {
		ce.Key, ce.Message = ee.Key, ee.Message
	}
	e.log.Warn("mqtt: command refused", "topic", topic, "key", ce.Key, "err", ce.Message)
	b, _ := json.Marshal(ce)
	e.mu.Lock()
	e.q.put(message{topic: errTopic, payload: b})
	e.mu.Unlock()
	e.signal()
}
