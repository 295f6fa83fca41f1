package entity

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

// Options configure a Registry.
type Options struct {
	Units      UnitSystem       // default Metric
	AllEnabled bool             // enable every entity, disabled-by-default ones too
	Home       *Home            // the home zone for device trackers (nil: none)
	Now        func() time.Time // default time.Now
	Logger     *slog.Logger
	// OnPref, when set, sees every change of a user's choice (the store
	// keeps them); it is called without the registry's lock held.
	OnPref func(uniqueID string, p Pref)
}

// Registry holds every device and entity, their current states, and the
// subscribers of their changes. It is safe for concurrent use.
type Registry struct {
	opts Options
	log  *slog.Logger

	mu       sync.RWMutex
	accounts map[string]*account
	devices  []*Device
	sources  map[Source]*source
	entities []*Entity            // in creation order
	byID     map[string]*Entity   // entity_id → entity
	byUnique map[string][]*Entity // uniqueKey's prefix → its entities
	subs     map[*Subscription]struct{}
	prefs    map[string]Pref // unique_id → the user's choice, applied when the entity appears
	scratch  Attrs           // renderLocked's
}

// Pref is a user's choice for one entity, kept across restarts by the store.
type Pref struct {
	Enabled *bool  // nil: the default
	Name    string // "" : the integration's
}

// New returns an empty registry.
func New(opts Options) *Registry {
	if opts.Units == "" {
		opts.Units = Metric
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.Home != nil && opts.Home.Radius <= 0 {
		h := *opts.Home
		h.Radius = 100
		opts.Home = &h
	}
	return &Registry{
		opts: opts, log: opts.Logger,
		accounts: map[string]*account{}, sources: map[Source]*source{},
		byID: map[string]*Entity{}, byUnique: map[string][]*Entity{},
		subs: map[*Subscription]struct{}{}, prefs: map[string]Pref{},
	}
}

// Units is the registry's unit system.
func (r *Registry) Units() UnitSystem { return r.opts.Units }

// AddAccount registers an account (again: replaces its scopes and senders).
func (r *Registry) AddAccount(a Account) {
	r.mu.Lock()
	defer r.mu.Unlock()
	acct := &account{Account: a, scopes: map[string]bool{}}
	for _, s := range a.Scopes {
		acct.scopes[s] = true
	}
	if old, ok := r.accounts[a.ID]; ok {
		*old = *acct
		return
	}
	r.accounts[a.ID] = acct
}

// SetPrefs sets the users' choices (from the store) before entities are
// added; an entity created later takes its choice.
func (r *Registry) SetPrefs(prefs map[string]Pref) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, v := range prefs {
		r.prefs[k] = v
	}
}

// Devices lists the devices in creation order.
func (r *Registry) Devices() []Device {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Device, len(r.devices))
	for i, d := range r.devices {
		out[i] = *d
	}
	return out
}

// Entities lists every entity, enabled or not, in creation order.
func (r *Registry) Entities() []Info {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Info, len(r.entities))
	for i, e := range r.entities {
		out[i] = e.info(r.opts.Units)
	}
	return out
}

// Listed is an entity with its state (nil while it is disabled).
type Listed struct {
	Info  Info
	State *State
}

// Walk returns up to n entities from position from, in creation order,
// each with its state, and the position after them: a subscriber that
// publishes everything (MQTT after a connect) reads the registry a page
// at a time instead of copying it whole. An empty page means the end.
func (r *Registry) Walk(from, n int) ([]Listed, int) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if from < 0 || from >= len(r.entities) {
		return nil, len(r.entities)
	}
	end := min(from+n, len(r.entities))
	out := make([]Listed, 0, end-from)
	for _, e := range r.entities[from:end] {
		l := Listed{Info: e.info(r.opts.Units)}
		if e.state != nil {
			st := *e.state
			l.State = &st
		}
		out = append(out, l)
	}
	return out, end
}

// Entity describes one entity by entity_id.
func (r *Registry) Entity(entityID string) (Info, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	e, ok := r.byID[entityID]
	if !ok {
		return Info{}, false
	}
	return e.info(r.opts.Units), true
}

// States returns the states of the enabled entities, in creation order.
func (r *Registry) States() []State {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]State, 0, len(r.entities))
	for _, e := range r.entities {
		if e.state != nil {
			out = append(out, *e.state)
		}
	}
	return out
}

// State returns one enabled entity's state.
func (r *Registry) State(entityID string) (State, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	e, ok := r.byID[entityID]
	if !ok || e.state == nil {
		return State{}, false
	}
	return *e.state, true
}

// SetEnabled enables or disables an entity. A disabled entity keeps its
// place but has no state: subscribers see it removed, and see it come
// back when it is enabled again.
func (r *Registry) SetEnabled(entityID string, on bool) error {
	r.mu.Lock()
	e, ok := r.byID[entityID]
	if !ok {
		r.mu.Unlock()
		return fmt.Errorf("%w: %s", ErrUnknownEntity, entityID)
	}
	uid := e.UniqueID()
	p := r.prefs[uid]
	p.Enabled = &on
	r.prefs[uid] = p
	r.setEnabledLocked(e, on)
	r.mu.Unlock()
	r.prefChanged(uid, p)
	return nil
}

// prefChanged hands a changed choice to OnPref.
func (r *Registry) prefChanged(uid string, p Pref) {
	if r.opts.OnPref != nil {
		r.opts.OnPref(uid, p)
	}
}

// SetName renames an entity ("" restores the integration's name).
func (r *Registry) SetName(entityID, name string) error {
	r.mu.Lock()
	e, ok := r.byID[entityID]
	if !ok {
		r.mu.Unlock()
		return fmt.Errorf("%w: %s", ErrUnknownEntity, entityID)
	}
	uid := e.UniqueID()
	p := r.prefs[uid]
	p.Name = name
	r.prefs[uid] = p
	e.setName(name)
	if e.enabled {
		r.renderLocked(e, r.opts.Now(), Context{})
	}
	r.mu.Unlock()
	r.prefChanged(uid, p)
	return nil
}

// Prefs returns the users' choices (for the store).
func (r *Registry) Prefs() map[string]Pref {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make(map[string]Pref, len(r.prefs))
	for k, v := range r.prefs {
		out[k] = v
	}
	return out
}

func (r *Registry) setEnabledLocked(e *Entity, on bool) {
	if e.enabled == on {
		return
	}
	e.enabled = on
	if on {
		e.src.listeners++
		if e.src.listeners == 1 && e.src.acct.Poller != nil {
			e.src.acct.Poller.Listen(e.src.Source, true)
		}
		r.renderLocked(e, r.opts.Now(), Context{})
		return
	}
	e.src.listeners--
	if e.src.listeners == 0 && e.src.acct.Poller != nil {
		e.src.acct.Poller.Listen(e.src.Source, false)
	}
	old := e.state
	e.state = nil
	r.publishLocked(Change{Old: old})
}

// addEntityLocked registers a new entity: its entity_id is the slug of its
// friendly name under its platform, "_2", "_3" … on a clash.
func (r *Registry) addEntityLocked(e *Entity) {
	uk := e.uniqueKey()
	same := r.byUnique[uk.prefix]
	for _, o := range same {
		if o.uniqueKey() == uk {
			return
		}
	}
	base := string(e.Platform()) + "." + slugify(e.Device.Name+" "+e.m.name)
	id := base
	for n := 2; r.byID[id] != nil; n++ {
		id = base + "_" + strconv.Itoa(n)
	}
	e.EntityID = id
	r.entities = append(r.entities, e)
	r.byID[id] = e
	r.byUnique[uk.prefix] = append(same, e)
	e.src.entities = append(e.src.entities, e)
	var p Pref
	if len(r.prefs) > 0 {
		p = r.prefs[e.UniqueID()]
	}
	e.setName(p.Name)
	on := !e.m.off || r.opts.AllEnabled
	if p.Enabled != nil {
		on = *p.Enabled
	}
	r.setEnabledLocked(e, on)
}

// ErrUnknownEntity is an entity_id the registry does not have.
var ErrUnknownEntity = fmt.Errorf("entity not found")
