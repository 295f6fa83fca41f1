package entity

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/teslafleet/teslafleet/internal/command"
)

// DomainHomeAssistant is the domain of homeassistant.update_entity.
const DomainHomeAssistant = "homeassistant"

// call is one entity's part of a service call, as its planner sees it.
type call struct {
	e       *Entity
	service string
	data    map[string]any
	v       *view // the entity's current data
	o       out   // the entity's current rendering (features, state)
}

// float reads a numeric field of the service data (already validated).
func (c *call) float(name string) (float64, bool) {
	x, ok := c.data[name]
	if !ok {
		return 0, false
	}
	f, _ := x.(float64)
	return f, true
}

func (c *call) string(name string) (string, bool) {
	s, ok := c.data[name].(string)
	return s, ok
}

type userKey struct{}

// WithUser marks a service call's context with the caller's user id (it is
// carried in the context of the states the call changes).
func WithUser(ctx context.Context, userID string) context.Context {
	return context.WithValue(ctx, userKey{}, userID)
}

// Call runs a service on its targets, as Home Assistant's
// POST /api/services/{domain}/{service} does. Every target is validated
// before anything is sent: an unknown service, data outside the action's
// schema, a value out of range, a missing scope or an action the entity
// does not support fail the whole call with an *Error and nothing is sent.
// Unknown, disabled and unavailable targets are skipped (Home Assistant
// skips them too); a call whose targets all are unknown fails.
//
// Commands to the same vehicle go out as one batch after one wake; other
// vehicles and sites run concurrently. It returns the states the call
// changed (optimistic updates after each success), and the first failure.
func (r *Registry) Call(ctx context.Context, domain, service string, targets []string, data map[string]any) ([]State, error) {
	def, ok := services[serviceKey{domain, service}]
	if !ok {
		return nil, &Error{Kind: KindBadRequest, Key: "service_not_found", Message: message("service_not_found", domain, service)}
	}
	data, err := def.validate(data)
	if err != nil {
		return nil, err
	}
	user, _ := ctx.Value(userKey{}).(string)
	now := r.opts.Now()
	callCtx := Context{ID: newULID(now)}
	if user != "" {
		callCtx.UserID = &user
	}

	jobs, err := r.plan(domain, service, targets, data)
	if err != nil {
		return nil, err
	}
	var (
		mu      sync.Mutex
		changed []State
		first   error
		wg      sync.WaitGroup
	)
	record := func(j *job, err error) {
		if err != nil {
			mu.Lock()
			if first == nil {
				first = err
			}
			mu.Unlock()
			return
		}
		states := r.applyPlan(j, callCtx)
		mu.Lock()
		changed = append(changed, states...)
		mu.Unlock()
	}
	for _, batch := range groupJobs(jobs) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, j := range batch {
				record(j, r.execute(ctx, j))
			}
		}()
	}
	wg.Wait()
	return changed, first
}

// job is one entity's validated plan.
type job struct {
	e *Entity
	p *plan
}

// plan resolves the targets and runs every planner under the lock, so that
// nothing is sent unless every target accepted the call.
func (r *Registry) plan(domain, service string, targets []string, data map[string]any) ([]*job, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var (
		jobs    []*job
		missing []string
		found   bool
	)
	now := r.opts.Now()
	for _, id := range targets {
		e, ok := r.byID[id]
		if !ok || !e.enabled {
			missing = append(missing, id)
			continue
		}
		found = true
		if domain != DomainHomeAssistant && string(e.Platform()) != domain {
			return nil, invalid("not_supported", id, domain, service)
		}
		if domain == DomainHomeAssistant {
			jobs = append(jobs, &job{e: e, p: &plan{refresh: true}})
			continue
		}
		if e.state == nil || e.state.State == StateUnavailable {
			r.log.Info("entity: skipping an unavailable target", "entity_id", id, "service", domain+"."+service)
			continue
		}
		handle := e.impl.service(service)
		if handle == nil {
			return nil, invalid("not_supported", id, domain, service)
		}
		v := &view{e: e, data: e.src.data, now: now, units: r.opts.Units, home: r.opts.Home}
		c := &call{e: e, service: service, data: data, v: v, o: e.impl.render(v)}
		p, err := handle(c)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, &job{e: e, p: p})
	}
	if !found && len(targets) > 0 {
		return nil, invalid("no_entities", strings.Join(missing, ", "))
	}
	if len(missing) > 0 {
		r.log.Warn("entity: referenced entities are missing or disabled", "entity_ids", missing)
	}
	return jobs, nil
}

// groupJobs puts the jobs of one vehicle in one sequential batch (one wake
// serves them all); every other job runs alone.
func groupJobs(jobs []*job) [][]*job {
	var out [][]*job
	byVIN := map[string]int{}
	for _, j := range jobs {
		vin := j.e.src.VIN
		if vin == "" || j.p.refresh {
			out = append(out, []*job{j})
			continue
		}
		if i, ok := byVIN[vin]; ok {
			out[i] = append(out[i], j)
			continue
		}
		byVIN[vin] = len(out)
		out = append(out, []*job{j})
	}
	return out
}

// execute carries out one plan.
func (r *Registry) execute(ctx context.Context, j *job) error {
	p, src := j.p, j.e.src
	if p.refresh {
		if src.acct.Poller != nil {
			src.acct.Poller.Request(src.Source)
		}
		return nil
	}
	send := src.acct.Sender
	if send == nil {
		return failed(errors.New("no command sender for this account"))
	}
	var err error
	switch {
	case p.wake:
		err = send.WakeUp(ctx, src.VIN)
	case p.site != nil:
		err = send.SendSite(ctx, src.SiteID, *p.site)
	case len(p.vehicle) > 0:
		err = send.Send(ctx, src.VIN, p.vehicle...)
	}
	if err != nil {
		return failed(err)
	}
	return nil
}

// applyPlan writes a successful plan's optimistic values and returns the
// states that changed.
func (r *Registry) applyPlan(j *job, ctx Context) []State {
	if j.p.refresh || (j.p.patch == nil && j.p.after == nil) {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.opts.Now()
	e := j.e
	if len(j.p.patch) > 0 {
		if e.over == nil {
			e.over = map[string]any{}
		}
		for k, v := range j.p.patch {
			e.over[k] = v
		}
	}
	if j.p.after != nil {
		j.p.after(now)
	}
	before := e.state
	r.renderLocked(e, now, ctx)
	if e.state == nil || e.state == before {
		return nil
	}
	return []State{*e.state}
}

// services returns the services the entity answers, for surfaces.
func (e *Entity) services() []string {
	var out []string
	for _, name := range platformServices[e.Platform()] {
		if e.impl.service(name) != nil {
			out = append(out, name)
		}
	}
	return out
}

// platformServices lists each platform's services (architecture §3.3).
var platformServices = map[Platform][]string{
	Button:      {"press"},
	Climate:     {"turn_on", "turn_off", "set_temperature", "set_hvac_mode", "set_preset_mode"},
	Cover:       {"open_cover", "close_cover", "stop_cover"},
	Lock:        {"lock", "unlock"},
	MediaPlayer: {"media_play", "media_pause", "media_play_pause", "media_next_track", "media_previous_track", "volume_set"},
	Number:      {"set_value"},
	Select:      {"select_option"},
	Switch:      {"turn_on", "turn_off", "toggle"},
	Update:      {"install"},
}

// Services lists every service Call answers, by domain, with its fields.
func Services() map[string]map[string][]Field {
	out := map[string]map[string][]Field{}
	for k, d := range services {
		if out[k.domain] == nil {
			out[k.domain] = map[string][]Field{}
		}
		out[k.domain][k.service] = slices.Clone(d.fields)
	}
	return out
}

// sendVehicle is a plan that sends cmds to the entity's vehicle (woken
// first) and then sets the optimistic values.
func sendVehicle(patch map[string]any, cmds ...command.Command) (*plan, error) {
	for _, c := range cmds {
		if err := c.Err(); err != nil {
			return nil, &Error{Kind: KindInvalid, Key: "invalid_service_data", Message: err.Error(), Err: err}
		}
	}
	return &plan{vehicle: cmds, patch: patch}, nil
}

// sendSite is a plan that sends one energy-site command.
func sendSite(patch map[string]any, c command.Command) (*plan, error) {
	if err := c.Err(); err != nil {
		return nil, &Error{Kind: KindInvalid, Key: "invalid_service_data", Message: err.Error(), Err: err}
	}
	return &plan{site: &c, patch: patch}, nil
}

// noop is a plan that sends nothing (e.g. play while already playing).
func noop() (*plan, error) { return &plan{}, nil }
