package entity

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"sync"
)

// Data is one source's values, keyed as Home Assistant's coordinators key
// them: nested objects flattened with "_" ("charge_state_battery_level"),
// lists and scalars kept as they are. Numbers are json.Number, so an
// integer stays an integer.
//
// It is held compactly, because a registry keeps one per vehicle: the key
// names live in a keySet shared by every source with the same keys (every
// car of a fleet, mostly), the values in a slice in the keySet's order,
// and common scalar values are boxed once for the whole process.
type Data struct {
	ks   *keySet
	vals []any
}

// keySet is a sorted list of distinct keys and their positions. It is
// immutable once made, so sources share it.
type keySet struct {
	keys  []string
	index map[string]int32
	hash  uint64
}

// get returns a key's value (nil when absent).
func (d Data) get(key string) any {
	v, _ := d.lookup(key)
	return v
}

// lookup returns a key's value and whether the key is present.
func (d Data) lookup(key string) (any, bool) {
	if d.ks == nil {
		return nil, false
	}
	i, ok := d.ks.index[key]
	if !ok {
		return nil, false
	}
	return d.vals[i], true
}

// Len is the number of keys.
func (d Data) Len() int { return len(d.vals) }

// set sets a key's value, adding the key when it is missing.
func (d *Data) set(key string, v any) {
	if d.ks != nil {
		if i, ok := d.ks.index[key]; ok {
			d.vals[i] = v
			return
		}
	}
	b := d.builder()
	b.add(key, v)
	*d = b.build()
}

// del removes a key.
func (d *Data) del(key string) {
	if _, ok := d.lookup(key); !ok {
		return
	}
	b := d.builder()
	b.remove(key)
	*d = b.build()
}

// builder returns a builder holding d's pairs.
func (d Data) builder() *dataBuilder {
	b := &dataBuilder{}
	if d.ks != nil {
		for i, k := range d.ks.keys {
			b.pairs = append(b.pairs, Attr{k, d.vals[i]})
		}
	}
	return b
}

// dataBuilder collects key/value pairs and makes a Data of them; a key
// added twice keeps its last value, as a map would.
type dataBuilder struct {
	pairs []Attr
}

func (b *dataBuilder) add(key string, v any) {
	b.pairs = append(b.pairs, Attr{key, v})
}

func (b *dataBuilder) remove(key string) {
	b.pairs = slices.DeleteFunc(b.pairs, func(a Attr) bool { return a.Key == key })
}

func (b *dataBuilder) build() Data {
	// Sort by key, keeping the last of equal keys (a stable sort keeps
	// their order of addition).
	slices.SortStableFunc(b.pairs, func(x, y Attr) int { return strings.Compare(x.Key, y.Key) })
	out := b.pairs[:0]
	for i, p := range b.pairs {
		if i+1 < len(b.pairs) && b.pairs[i+1].Key == p.Key {
			continue
		}
		out = append(out, p)
	}
	b.pairs = out
	ks := internKeySet(b.pairs)
	vals := make([]any, len(b.pairs))
	for i, p := range b.pairs {
		vals[i] = internValue(p.Value)
	}
	return Data{ks: ks, vals: vals}
}

// keySets are the key sets in use, by the hash of their keys. The cache is
// bounded: past maxKeySets, a key set is made for its source alone.
var keySets struct {
	sync.Mutex
	seed maphash.Seed
	m    map[uint64][]*keySet
	n    int
}

const maxKeySets = 1024

func init() {
	keySets.seed = maphash.MakeSeed()
	keySets.m = map[uint64][]*keySet{}
}

// internKeySet returns the shared key set of sorted, distinct pairs.
func internKeySet(pairs []Attr) *keySet {
	var h maphash.Hash
	h.SetSeed(keySets.seed)
	for _, p := range pairs {
		h.WriteString(p.Key)
		h.WriteByte(0)
	}
	sum := h.Sum64()
	keySets.Lock()
	defer keySets.Unlock()
	for _, ks := range keySets.m[sum] {
		if sameKeys(ks.keys, pairs) {
			return ks
		}
	}
	ks := &keySet{keys: make([]string, len(pairs)), index: make(map[string]int32, len(pairs)), hash: sum}
	for i, p := range pairs {
		k := strings.Clone(p.Key)
		ks.keys[i] = k
		ks.index[k] = int32(i)
	}
	if keySets.n < maxKeySets {
		keySets.m[sum] = append(keySets.m[sum], ks)
		keySets.n++
	}
	return ks
}

func sameKeys(keys []string, pairs []Attr) bool {
	if len(keys) != len(pairs) {
		return false
	}
	for i, k := range keys {
		if k != pairs[i].Key {
			return false
		}
	}
	return true
}

// values are common scalar values boxed once (json.Number and string
// values up to maxInternLen bytes), bounded to maxValues.
var values struct {
	sync.Mutex
	nums map[string]any
	strs map[string]any
}

const (
	maxInternLen = 24
	maxValues    = 1 << 16
)

func init() {
	values.nums = map[string]any{}
	values.strs = map[string]any{}
}

// internValue returns v, or an equal value boxed once for the process.
func internValue(v any) any {
	var m map[string]any
	var s string
	switch x := v.(type) {
	case json.Number:
		m, s = values.nums, string(x)
	case string:
		m, s = values.strs, x
	default:
		return v
	}
	if len(s) > maxInternLen {
		return v
	}
	values.Lock()
	defer values.Unlock()
	if b, ok := m[s]; ok {
		return b
	}
	if len(values.nums)+len(values.strs) < maxValues {
		m[strings.Clone(s)] = v
	}
	return v
}

// internString returns s boxed, once for the process when it is short.
func internString(s string) any {
	if len(s) > maxInternLen {
		return s
	}
	values.Lock()
	defer values.Unlock()
	if b, ok := values.strs[s]; ok {
		return b
	}
	var b any = strings.Clone(s)
	if len(values.nums)+len(values.strs) < maxValues {
		values.strs[b.(string)] = b
	}
	return b
}

// dataOf makes a Data of a map's keys (no flattening).
func dataOf(m map[string]any) Data {
	b := &dataBuilder{pairs: make([]Attr, 0, len(m))}
	for k, v := range m {
		b.add(k, v)
	}
	return b.build()
}

// toMap encodes v (a fleet response, which encodes back to Tesla's JSON
// exactly) and decodes it as a generic object with numbers kept.
func toMap(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return decodeObject(b)
}

func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("not a JSON object")
	}
	return m, nil
}

// flatten is Home Assistant's flatten(): {"a": {"b": 1}} → {"a_b": 1}.
func flatten(m map[string]any) *dataBuilder {
	b := &dataBuilder{pairs: make([]Attr, 0, len(m)*4)}
	for k, v := range m {
		b.flattenInto(k, v)
	}
	return b
}

func (b *dataBuilder) flattenInto(key string, v any) {
	sub, ok := v.(map[string]any)
	if !ok {
		b.add(key, v)
		return
	}
	for k, v := range sub {
		b.flattenInto(key+"_"+k, v)
	}
}

// flattenValue flattens a fleet response, leaving out the drop keys.
func flattenValue(v any, drop ...string) (Data, error) {
	m, err := toMap(v)
	if err != nil {
		return Data{}, err
	}
	b := flatten(m)
	for _, k := range drop {
		b.remove(k)
	}
	return b.build(), nil
}
