package web

import (
	"bytes"
	"encoding/json"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// The compressed states of subscribe_entities, as Home Assistant's
// State.as_compressed_state and websocket_api/messages.py's
// _state_diff_event write them: "a" adds whole states, "c" changes them
// ("+" the new values, "-" the removed attribute keys), "r" removes them.

// compressedState is State.as_compressed_state: s, a, c (the context id
// alone when it has neither parent nor user, else the whole context), lc
// and lu (epoch seconds; lu only when it differs from lc).
type compressedState struct {
	S  string       `json:"s"`
	A  entity.Attrs `json:"a"`
	C  any          `json:"c"`
	LC float64      `json:"lc"`
	LU *float64     `json:"lu,omitempty"`
}

func compress(st *entity.State) compressedState {
	out := compressedState{S: st.State, A: st.Attributes, C: compressedContext(st.Context), LC: epoch(st.LastChanged)}
	if out.A == nil {
		out.A = entity.Attrs{}
	}
	if !st.LastUpdated.Equal(st.LastChanged.Time) {
		lu := epoch(st.LastUpdated)
		out.LU = &lu
	}
	return out
}

func compressedContext(c entity.Context) any {
	if c.ParentID == nil && c.UserID == nil {
		return c.ID
	}
	return c
}

// epoch is Python's datetime.timestamp(): seconds, to the microsecond.
func epoch(t entity.Time) float64 { return float64(t.UnixMicro()) / 1e6 }

// stateAdditions is the "+" of a diff; the context is a string (the id
// alone) or an object of the parts that changed.
type stateAdditions struct {
	S  *string      `json:"s,omitempty"`
	LC *float64     `json:"lc,omitempty"`
	LU *float64     `json:"lu,omitempty"`
	C  any          `json:"c,omitempty"`
	A  entity.Attrs `json:"a,omitempty"`
}

type stateRemovals struct {
	A []string `json:"a"`
}

type stateDiff struct {
	Add    stateAdditions
	Remove *stateRemovals // nil: no attribute removed
}

// MarshalJSON writes {"+": …, "-": …}, "-" only when something was removed.
func (d stateDiff) MarshalJSON() ([]byte, error) {
	if d.Remove == nil {
		return json.Marshal(map[string]any{"+": d.Add})
	}
	return json.Marshal(map[string]any{"+": d.Add, "-": d.Remove})
}

// entitiesEvent is one subscribe_entities event.
type entitiesEvent struct {
	A map[string]compressedState `json:"a,omitempty"`
	C map[string]stateDiff       `json:"c,omitempty"`
	R []string                   `json:"r,omitempty"`
}

// compressedChange is _state_diff_event: a removal, an addition or the
// diff of the two states.
func compressedChange(ch entity.Change) entitiesEvent {
	switch {
	case ch.New == nil:
		return entitiesEvent{R: []string{ch.Old.EntityID}}
	case ch.Old == nil:
		return entitiesEvent{A: map[string]compressedState{ch.New.EntityID: compress(ch.New)}}
	}
	return entitiesEvent{C: map[string]stateDiff{ch.New.EntityID: diffStates(ch.Old, ch.New)}}
}

// diffStates is _state_diff.
func diffStates(old, cur *entity.State) stateDiff {
	var d stateDiff
	add := &d.Add
	if old.State != cur.State {
		s := cur.State
		add.S = &s
	}
	if !old.LastChanged.Equal(cur.LastChanged.Time) {
		lc := epoch(cur.LastChanged)
		add.LC = &lc
	} else if !old.LastUpdated.Equal(cur.LastUpdated.Time) {
		lu := epoch(cur.LastUpdated)
		add.LU = &lu
	}
	oc, nc := old.Context, cur.Context
	ctx := map[string]any{}
	if !sameString(oc.ParentID, nc.ParentID) {
		ctx["parent_id"] = nc.ParentID
	}
	if !sameString(oc.UserID, nc.UserID) {
		ctx["user_id"] = nc.UserID
	}
	if oc.ID != nc.ID {
		if len(ctx) == 0 {
			add.C = nc.ID
		} else {
			ctx["id"] = nc.ID
		}
	}
	if len(ctx) > 0 {
		add.C = ctx
	}
	for _, kv := range cur.Attributes {
		if v, ok := old.Attributes.Get(kv.Key); !ok || !sameJSON(v, kv.Value) {
			add.A = append(add.A, kv)
		}
	}
	var removed []string
	for _, kv := range old.Attributes {
		if _, ok := cur.Attributes.Get(kv.Key); !ok {
			removed = append(removed, kv.Key)
		}
	}
	if len(removed) > 0 {
		d.Remove = &stateRemovals{A: removed}
	}
	return d
}

func sameString(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// sameJSON compares two attribute values as their JSON.
func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}
