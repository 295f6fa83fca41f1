package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/poll"
	"github.com/teslafleet/teslafleet/internal/store"
)

// persistence connects the running parts to the store: tokens, command
// sessions, the cost ledger, entity choices, the last data of each
// vehicle, and the state history.
type persistence struct {
	st  *store.Store
	log *slog.Logger

	usage  chan store.Usage // ledger entries on their way to the store
	wg     sync.WaitGroup
	closed bool // usage is closed (guarded by mu)

	mu       sync.Mutex
	prefs    map[string]store.Override
	lastData map[string]*fleet.VehicleData
}

// usageQueue bounds the ledger entries waiting for the store.
const usageQueue = 4096

func newPersistence(ctx context.Context, st *store.Store, log *slog.Logger) (*persistence, error) {
	p := &persistence{st: st, log: log, usage: make(chan store.Usage, usageQueue)}
	ov, err := st.Overrides(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the entity settings: %w", err)
	}
	p.prefs = ov
	snaps, err := st.Snapshots(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the last known states: %w", err)
	}
	p.lastData = map[string]*fleet.VehicleData{}
	for _, s := range snaps {
		if s.Kind != snapshotVehicle {
			continue
		}
		var d fleet.VehicleData
		if err := json.Unmarshal(s.Data, &d); err != nil {
			log.Warn("store: an unreadable last state is ignored", "vin", s.Key, "err", err)
			continue
		}
		p.lastData[s.Key] = &d
	}
	p.wg.Go(p.writeUsage)
	return p, nil
}

// close stops the writers after they wrote what they hold.
func (p *persistence) close() {
	p.mu.Lock()
	p.closed = true
	close(p.usage)
	p.mu.Unlock()
	p.wg.Wait()
}

// tokenStore keeps one account's token in the store.
type tokenStore struct {
	st      *store.Store
	account string
}

var _ fleet.TokenStore = tokenStore{}

func (t tokenStore) Load(ctx context.Context) (*oauth2.Token, error) {
	tok, err := t.st.Token(ctx, t.account)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fleet.ErrNoToken
	}
	if err != nil {
		return nil, err
	}
	return &oauth2.Token{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, TokenType: tok.TokenType, Expiry: tok.Expiry}, nil
}

// Save commits the token durably before it returns: the token manager uses
// a rotated refresh token only after this.
func (t tokenStore) Save(ctx context.Context, tok *oauth2.Token) error {
	return t.st.SaveToken(ctx, t.account, store.Token{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, TokenType: tok.TokenType, Expiry: tok.Expiry})
}

// sessionStore keeps one account's Vehicle Command Protocol sessions.
type sessionStore struct {
	st   *store.Store
	name string
}

func (s sessionStore) LoadSessions(ctx context.Context) ([]byte, error) {
	return s.st.Sessions(ctx, s.name)
}
func (s sessionStore) SaveSessions(ctx context.Context, data []byte) error {
	return s.st.SaveSessions(ctx, s.name, data)
}

func (p *persistence) sessions(accountID string) sessionStore {
	return sessionStore{st: p.st, name: sessionsName(accountID)}
}

// ledger is a cost ledger holding this month's counts from the store, and
// sending every new entry to it and to more sinks (the metrics).
func (p *persistence) ledger(ctx context.Context, now time.Time, more ...fleet.LedgerSink) (*fleet.Ledger, error) {
	l := fleet.NewLedger(append([]fleet.LedgerSink{p}, more...)...)
	month := now.UTC().Format("2006-01")
	rows, err := p.st.UsageFor(ctx, month)
	if err != nil {
		return nil, fmt.Errorf("read the month's cost: %w", err)
	}
	for _, u := range rows {
		l.Restore(u.Account, u.Month, u.Device, fleet.Category(u.Category), u.Count)
	}
	return l, nil
}

// Record is the ledger's sink: it queues the entry for the store without
// blocking the request (a full queue is logged and counted by the log).
func (p *persistence) Record(_ context.Context, e fleet.Entry) {
	cat := string(e.Category)
	if !e.Billed {
		cat = string(fleet.Unbilled)
	}
	u := store.Usage{Account: e.Account, Device: e.Device, Category: cat, Month: e.Time.UTC().Format("2006-01"), Count: max(e.Units, 1)}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		p.log.Error("store: a cost ledger entry after shutdown is not kept", "account", e.Account, "category", cat)
		return
	}
	select {
	case p.usage <- u:
	default:
		p.log.Error("store: the cost ledger's queue is full; an entry is not kept", "account", e.Account, "category", cat)
	}
}

func (p *persistence) writeUsage() {
	for u := range p.usage {
		if err := p.st.AddUsage(context.Background(), u); err != nil {
			p.log.Error("store: keep a cost ledger entry", "err", err)
		}
	}
}

// entityPrefs are the stored entity choices, as the registry takes them.
func (p *persistence) entityPrefs() map[string]entity.Pref {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]entity.Pref, len(p.prefs))
	for uid, o := range p.prefs {
		out[uid] = entity.Pref{Enabled: o.Enabled, Name: o.Name}
	}
	return out
}

// onPref keeps a changed entity choice.
func (p *persistence) onPref(uid string, pref entity.Pref) {
	p.mu.Lock()
	o := p.prefs[uid]
	o.UniqueID, o.Enabled, o.Name = uid, pref.Enabled, pref.Name
	p.prefs[uid] = o
	p.mu.Unlock()
	if err := p.st.SaveOverride(context.Background(), o); err != nil {
		p.log.Error("store: keep an entity setting", "unique_id", uid, "err", err)
	}
}

// snapshotVehicle names a vehicle's last vehicle_data in the store.
const snapshotVehicle = "vehicle_data"

// onSnapshot keeps each vehicle's last data, to restore its states after a
// restart without waking it.
func (p *persistence) onSnapshot(_ string, s poll.Snapshot) {
	if s.Kind != poll.KindVehicle || s.Data == nil || s.Err != nil {
		return
	}
	b, err := json.Marshal(s.Data)
	if err != nil {
		return
	}
	if err := p.st.SaveSnapshot(context.Background(), store.Snapshot{Kind: snapshotVehicle, Key: s.VIN, Data: b, At: s.At}); err != nil {
		p.log.Error("store: keep a vehicle's last data", "vin", s.VIN, "err", err)
	}
}

// lastVehicleData is a vehicle's data from an earlier run, or nil.
func (p *persistence) lastVehicleData(vin string) *fleet.VehicleData {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastData[vin]
}

// recordHistory writes every state change of the registry to the store's
// history until the subscription closes. The store's queue never blocks.
func (p *persistence) recordHistory(reg *entity.Registry) (stop func()) {
	sub := reg.Subscribe(4096)
	record := func(s *entity.State) {
		attrs, err := json.Marshal(s.Attributes)
		if err != nil {
			return
		}
		p.st.Record(store.StateChange{
			EntityID: s.EntityID, State: s.State, Attributes: attrs,
			LastChanged: s.LastChanged.Time, LastUpdated: s.LastUpdated.Time, ContextID: s.Context.ID,
		})
	}
	// The states set up before the subscription are the history's start.
	for _, s := range reg.States() {
		record(&s)
	}
	done := make(chan struct{})
	p.wg.Go(func() {
		defer close(done)
		for ch := range sub.C {
			if ch.New != nil {
				record(ch.New)
			}
		}
	})
	// Changes that did not fit the subscription are counted by it; say so
	// once a minute, and at the end.
	p.wg.Go(func() {
		var told uint64
		tell := func() {
			if n := sub.Dropped(); n > told {
				p.log.Error("history: state changes did not fit the history's buffer and are not kept", "dropped", n-told, "total", n)
				told = n
			}
		}
		t := time.NewTicker(time.Minute)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				tell()
			case <-done:
				tell()
				return
			}
		}
	})
	return sub.Close
}
