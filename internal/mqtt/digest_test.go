package mqtt

import (
	"strings"
	"testing"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// The exporter queues an entity's discovery config when it is new or
// changed, not on every change of its state; a republish queues it again.
func TestConfigQueuedOnlyWhenChanged(t *testing.T) {
	x, _, reg := newFake(t, 100)
	configs := func() (n int) { // what the sender would publish
		for {
			x.refillLocked()
			m, ok := x.q.take()
			if !ok {
				return n
			}
			if strings.HasSuffix(m.topic, "/config") {
				n++
			}
		}
	}
	x.republish()
	if n := configs(); n != 1 {
		t.Fatalf("republish queued %d configs, want 1", n)
	}
	id := reg.infos[0].EntityID
	for _, tc := range []struct {
		name  string
		unit  string
		state string
		want  int
	}{
		{"another state", "%", "51", 0},
		{"the same state", "%", "51", 0},
		{"another unit", "mi", "51", 1},
		{"the same unit", "mi", "52", 0},
		{"the first unit again", "%", "52", 1},
	} {
		reg.infos[0].Unit = tc.unit
		st := entity.State{EntityID: id, State: tc.state}
		x.change(entity.Change{New: &st})
		if n := configs(); n != tc.want {
			t.Errorf("%s: %d configs queued, want %d", tc.name, n, tc.want)
		}
	}
	x.republish()
	if n := configs(); n != 1 {
		t.Errorf("the second republish queued %d configs, want 1", n)
	}
}

func TestDigestOf(t *testing.T) {
	a, b := digestOf([]byte(`{"name":"a"}`)), digestOf([]byte(`{"name":"b"}`))
	if a == b || a != digestOf([]byte(`{"name":"a"}`)) {
		t.Fatalf("digests: %x %x", a, b)
	}
}
