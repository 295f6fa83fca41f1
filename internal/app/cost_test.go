package app

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// The cost report prices each category and device with Tesla's table
// (data 500/$1, commands 1000/$1, wakes 50/$1) and projects the month at
// its pace so far.
func TestCostReportProjection(t *testing.T) {
	ctx := context.Background()
	l := fleet.NewLedger()
	day := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	rec := func(dev string, cat fleet.Category, n int) {
		for range n {
			l.Record(ctx, fleet.Entry{Time: day, Account: "a", Device: dev, Category: cat, Status: 200, Units: 1, Billed: true})
		}
	}
	rec("VIN1", fleet.CategoryData, 100)                 // $0.20
	rec("VIN1", fleet.CategoryCommand, 10)               // $0.01
	rec("VIN2", fleet.CategoryWake, 2)                   // $0.04
	rec("VIN2", fleet.CategoryData, 400)                 // $0.80
	rec("", fleet.CategoryFree, 5)                       // free
	now := time.Date(2026, 12, 11, 0, 0, 0, 0, time.UTC) // 10 days into a 31-day month
	rep, err := costReader{ledger: l, now: func() time.Time { return now }}.MonthCost(ctx)
	if err != nil {
		t.Fatal(err)
	}
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if len(rep.Accounts) != 1 {
		t.Fatalf("accounts = %d", len(rep.Accounts))
	}
	ac := rep.Accounts[0]
	near("cost", rep.CostUSD, 1.05)
	near("data", ac.CategoryUSD["data"], 1.00)
	near("commands", ac.CategoryUSD["commands"], 0.01)
	near("wakes", ac.CategoryUSD["wakes"], 0.04)
	near("VIN1", ac.DeviceUSD["VIN1"], 0.21)
	near("VIN2", ac.DeviceUSD["VIN2"], 0.84)
	near("days elapsed", rep.DaysElapsed, 10)
	if rep.DaysInMonth != 31 {
		t.Errorf("days in month = %d", rep.DaysInMonth)
	}
	near("projected", rep.ProjectedUSD, 1.05*31/10)
	near("projected due", rep.ProjectedDueUSD, 0) // under the $10 credit
	near("credit", rep.MonthlyCreditUSD, 10)
	near("data price", rep.PricesUSD["data"], 1.0/500)

	t.Run("the first hours project as one day", func(t *testing.T) {
		now = time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
		l := fleet.NewLedger()
		for range 5000 { // $10 of data in two hours
			l.Record(ctx, fleet.Entry{Time: now, Account: "a", Device: "V", Category: fleet.CategoryData, Status: 200, Units: 1, Billed: true})
		}
		rep, err := costReader{ledger: l, now: func() time.Time { return now }}.MonthCost(ctx)
		if err != nil {
			t.Fatal(err)
		}
		near("projected", rep.ProjectedUSD, 10*31)
		near("projected due", rep.ProjectedDueUSD, 10*31-10)
	})
}
