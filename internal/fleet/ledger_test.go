package fleet

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		method, path string
		want         Category
	}{
		{"GET", "/api/1/vehicles/V/vehicle_data", CategoryData},
		{"GET", "/api/1/vehicles/V/vehicle_data?endpoints=charge_state", CategoryData},
		{"POST", "/api/1/vehicles/V/wake_up", CategoryWake},
		{"POST", "/api/1/vehicles/V/command/honk_horn", CategoryCommand},
		{"POST", "/api/1/vehicles/V/signed_command", CategoryCommand},
		{"GET", "/api/1/vehicles/V", CategoryFree},
		{"GET", "/api/1/vehicles", CategoryFree},
		{"GET", "/api/1/products", CategoryFree},
		{"GET", "/api/1/users/region", CategoryFree},
		{"POST", "/api/1/vehicles/fleet_status", CategoryFree},
		{"POST", "/api/1/partner_accounts", CategoryFree},
		{"GET", "/api/1/partner_accounts/public_key", CategoryFree},
		{"GET", "/api/1/energy_sites/1/live_status", CategoryFree},
		{"POST", "/api/1/energy_sites/1/backup", CategoryFree},
		{"POST", "/oauth2/v3/token", CategoryFree},
	} {
		if got := Classify(tc.method, tc.path); got != tc.want {
			t.Errorf("%s %s = %s, want %s", tc.method, tc.path, got, tc.want)
		}
	}
}

type sinkFunc func(ctx context.Context, e Entry)

func (f sinkFunc) Record(ctx context.Context, e Entry) { f(ctx, e) }

// TestLedgerScripted runs a scripted session against a fake and checks
// counts and cost against Tesla's table.
func TestLedgerScripted(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/vehicle_data") && r.URL.Query().Get("endpoints") == "gui_settings":
			respond(408, `{"response":null,"error":"vehicle unavailable: vehicle is offline or asleep"}`)(w, r)
		case strings.HasSuffix(r.URL.Path, "/vehicle_data"):
			respond(200, `{"response":{"vin":"A"}}`)(w, r)
		case strings.Contains(r.URL.Path, "/command/charge_stop"):
			respond(503, `{"response":null,"error":"timeout"}`)(w, r)
		case strings.Contains(r.URL.Path, "/command/"):
			respond(200, `{"response":{"result":true,"reason":""}}`)(w, r)
		case strings.HasSuffix(r.URL.Path, "/wake_up"), strings.HasPrefix(r.URL.Path, "/api/1/vehicles/"):
			respond(200, `{"response":{"vin":"A","state":"online"}}`)(w, r)
		case r.URL.Path == "/api/1/products":
			respond(200, `{"response":[],"count":0}`)(w, r)
		default:
			respond(200, `{"response":{}}`)(w, r)
		}
	})
	var mu sync.Mutex
	var forwarded []Entry
	now := time.Date(2026, 1, 31, 23, 59, 0, 0, time.UTC)
	ledger := NewLedger(sinkFunc(func(_ context.Context, e Entry) { mu.Lock(); forwarded = append(forwarded, e); mu.Unlock() }))
	c := New(Config{
		BaseURLs: map[Region]string{RegionNA: srv.URL}, Ledger: ledger,
		Retry: Retry{Attempts: 1}, Now: func() time.Time { return now },
	}, StaticToken(fakeJWT(map[string]any{"sub": "acct-1"})))
	ctx := t.Context()
	_, _ = c.Products(ctx)                             // free
	_, _ = c.Vehicle(ctx, "A")                         // free
	_, _ = c.WakeUp(ctx, "A")                          // wake
	_, _ = c.VehicleData(ctx, "A", HASections...)      // data
	_, _ = c.VehicleData(ctx, "A", HASections...)      // data
	_, _ = c.VehicleData(ctx, "A", SectionGUISettings) // data (408 is below 500: billed)
	_, _ = c.HonkHorn(ctx, "A")                        // command
	_, _ = c.ChargeStop(ctx, "A")                      // 503: not billed
	_, _ = c.Command(ctx, "A", "Bad Name", nil)        // refused locally: no request, no entry
	_ = c.SetBackupReserve(ctx, 9, 50)                 // free (energy)
	_, _ = c.LiveStatus(ctx, 9)                        // free
	now = now.Add(2 * time.Minute)                     // February
	_, _ = c.VehicleData(ctx, "B")                     // data, next month
	_, _ = c.FlashLights(ctx, "B")                     // command

	jan := ledger.Month("acct-1", time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC))
	want := Usage{Data: 3, Commands: 1, Wakes: 1, Free: 4}
	if jan.Usage != want || jan.Unbilled != 1 {
		t.Errorf("January usage %+v unbilled %d, want %+v and 1", jan.Usage, jan.Unbilled, want)
	}
	if jan.Cost != 0.027 || jan.Credit != 0.027 || jan.Due != 0 { // 3×0.002 + 0.001 + 0.02
		t.Errorf("January cost %v credit %v due %v", jan.Cost, jan.Credit, jan.Due)
	}
	if a := jan.ByDevice["A"]; a.Data != 3 || a.Commands != 1 || a.Wakes != 1 || a.Free != 1 {
		t.Errorf("device A: %+v", a)
	}
	if s := jan.ByDevice["9"]; s.Free != 2 {
		t.Errorf("site 9: %+v", s)
	}
	feb := ledger.Month("acct-1", now)
	if feb.Usage != (Usage{Data: 1, Commands: 1}) || feb.Cost != 0.003 || feb.ByDevice["B"].Data != 1 {
		t.Errorf("February: %+v", feb)
	}
	tot := ledger.Totals()
	if tot.Usage != (Usage{Data: 4, Commands: 2, Wakes: 1, Free: 4}) || tot.Cost != 0.03 || tot.Due != 0 {
		t.Errorf("totals: %+v", tot)
	}
	if ms := ledger.Months(); len(ms) != 2 || ms[0].Month != "2026-01" || ms[1].Month != "2026-02" || ms[0].Account != "acct-1" {
		t.Errorf("months: %+v", ms)
	}
	if len(forwarded) != 12 || forwarded[0].Account != "acct-1" || forwarded[0].Endpoint != "products" {
		t.Errorf("forwarded %d entries: %+v", len(forwarded), forwarded)
	}
}

// TestLedgerCredit: the $10 credit applies per account and month.
func TestLedgerCredit(t *testing.T) {
	l := NewLedger()
	jan := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	feb := jan.AddDate(0, 1, 0)
	rec := func(acct string, at time.Time, cat Category, n int) {
		for range n {
			l.Record(t.Context(), Entry{Time: at, Account: acct, Device: "V", Category: cat, Units: 1, Billed: true})
		}
	}
	rec("a", jan, CategoryData, 6000) // $12
	rec("a", feb, CategoryWake, 100)  // $2
	rec("b", jan, CategoryCommand, 10500)
	l.Record(t.Context(), Entry{Time: jan, Account: "b", Category: CategoryStreaming, Units: 150000, Billed: true}) // $1
	a := l.Month("a", jan)
	if a.Cost != 12 || a.Credit != 10 || a.Due != 2 {
		t.Errorf("a/jan: %+v", a)
	}
	b := l.Month("b", jan)
	if b.Usage.Signals != 150000 || b.Cost != 11.5 || b.Due != 1.5 {
		t.Errorf("b/jan: %+v", b)
	}
	tot := l.Totals()
	if tot.Cost != 25.5 || tot.Credit != 22 || tot.Due != 3.5 { // 12+2+11.5; credits 10+2+10
		t.Errorf("totals: %+v", tot)
	}
}

func TestBillable(t *testing.T) {
	for status, want := range map[int]bool{200: true, 400: true, 403: true, 408: true, 429: true,
		401: false, 412: false, 421: false, 500: false, 503: false, 540: false, 0: false} {
		if got := Billable(status); got != want {
			t.Errorf("Billable(%d) = %v, want %v", status, got, want)
		}
	}
}

// Counts restored from an earlier run price exactly like counts recorded in
// this one, and are not forwarded to the sinks again.
func TestLedgerRestore(t *testing.T) {
	month := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	var forwarded int
	sink := sinkFunc(func(context.Context, Entry) { forwarded++ })
	recorded, restored := NewLedger(), NewLedger(sink)
	for range 600 {
		recorded.Record(context.Background(), Entry{Time: month, Account: "a", Device: "VIN1", Category: CategoryData, Billed: true})
	}
	recorded.Record(context.Background(), Entry{Time: month, Account: "a", Device: "VIN1", Category: CategoryWake, Billed: true})
	recorded.Record(context.Background(), Entry{Time: month, Account: "a", Device: "VIN1", Category: CategoryData, Status: 503})
	restored.Restore("a", "2026-12", "VIN1", CategoryData, 600)
	restored.Restore("a", "2026-12", "VIN1", CategoryWake, 1)
	restored.Restore("a", "2026-12", "VIN1", Unbilled, 1)
	want, got := recorded.Month("a", month), restored.Month("a", month)
	if got.Usage != want.Usage || got.Cost != want.Cost || got.Due != want.Due || got.Unbilled != want.Unbilled {
		t.Errorf("restored %+v, recorded %+v", got, want)
	}
	if got.Cost != 1.22 { // 600 × $0.002 + 1 × $0.02, Tesla's prices
		t.Errorf("cost %v, want 1.22", got.Cost)
	}
	if forwarded != 0 {
		t.Errorf("restored counts were forwarded %d times", forwarded)
	}
}
