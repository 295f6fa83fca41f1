package mqtt

import (
	"context"
	"encoding/json"
	"time"
)

// sweep clears the discovery configs this bridge published once for
// entities that no longer exist (a car that left the account, an entity
// the integration dropped): Home Assistant would keep showing them. After a
// connect it reads the broker's retained configs for SweepWindow; a config
// whose origin is teslafleet and whose availability is this bridge's
// status topic, but which the republish did not write, is emptied. Another
// teslafleet (another base topic) or another tool's configs are left alone.
func (e *Exporter) sweep(ctx context.Context) {
	filter := e.o.Topics.ConfigFilter()
	var mine []string
	seen := make(chan string, 256)
	if err := e.o.Client.Subscribe(ctx, filter, func(topic string, payload []byte) {
		if len(payload) > 0 && e.ours(payload) {
			select {
			case seen <- topic:
			default: // the sweep is best effort; the next connect sees the rest
			}
		}
	}); err != nil {
		e.log.Warn("mqtt: cannot read the retained discovery configs", "err", err)
		return
	}
	go func() {
		timer := time.NewTimer(e.o.SweepWindow)
		defer timer.Stop()
	collect:
		for {
			select {
			case t := <-seen:
				mine = append(mine, t)
			case <-timer.C:
				break collect
			case <-ctx.Done():
				return
			}
		}
		if err := e.o.Client.Unsubscribe(ctx, filter); err != nil {
			e.log.Warn("mqtt: unsubscribe from the discovery configs", "err", err)
		}
		e.clearStale(mine)
	}()
}

// ours reports whether a discovery config is this bridge's.
func (e *Exporter) ours(payload []byte) bool {
	var c struct {
		Origin       struct{ Name string } `json:"origin"`
		Availability []struct{ Topic string }
	}
	if json.Unmarshal(payload, &c) != nil || c.Origin.Name != originName {
		return false
	}
	for _, a := range c.Availability {
		if a.Topic == e.o.Topics.Status() {
			return true
		}
	}
	return false
}

// clearStale empties the configs among topics that no entity has; while
// a republish is under way it waits for its end (until then e.configs is
// not complete).
func (e *Exporter) clearStale(topics []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.walk >= 0 {
		e.stale = append(e.stale, topics...)
		return
	}
	e.clearStaleLocked(topics)
}

func (e *Exporter) clearStaleLocked(topics []string) {
	n := 0
	for _, t := range topics {
		if _, current := e.configs[t]; current {
			continue
		}
		e.q.put(message{topic: t, retain: true})
		n++
	}
	if n > 0 {
		e.log.Info("mqtt: cleared discovery configs of entities that are gone", "configs", n)
		e.signal()
	}
}
