package app

import (
	"context"
	"net/http"
	"sort"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/mqtt"
)

// metrics serves GET /metrics (Prometheus's text format) on the API's
// listener, behind the API's bearer token. Its collector reads the
// counters that exist — the coordinators', the cost ledger's, the
// registry's and the MQTT exporter's — at scrape time. It is made before
// the App (the route goes into the API) and bound to it after.
type metrics struct {
	reg  *prometheus.Registry
	cost costReader

	mu  sync.Mutex
	app *App
	mq  *mqtt.Exporter
}

func newMetrics(ledger *fleet.Ledger) *metrics {
	m := &metrics{reg: prometheus.NewRegistry(), cost: costReader{ledger: ledger}}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), m)
	return m
}

// routes adds GET /metrics to the API's extra routes.
func (m *metrics) routes(extra map[string]http.Handler) map[string]http.Handler {
	out := map[string]http.Handler{"GET /metrics": promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// bind gives the collector the running App.
func (m *metrics) bind(a *App) {
	m.mu.Lock()
	m.app = a
	m.mu.Unlock()
}

// bindMQTT gives the collector the MQTT exporter.
func (m *metrics) bindMQTT(x *mqtt.Exporter) {
	m.mu.Lock()
	m.mq = x
	m.mu.Unlock()
}

var (
	descPolls      = prometheus.NewDesc("teslafleet_polls_total", "Coordinator refreshes since the start, by coordinator kind.", []string{"kind"}, nil)
	descPollErrors = prometheus.NewDesc("teslafleet_poll_errors_total", "Coordinator refreshes that failed, by coordinator kind.", []string{"kind"}, nil)
	descRequests   = prometheus.NewDesc("teslafleet_fleet_api_requests", "Fleet API requests this month (UTC) by billing category (data, commands, wakes, signals, free).", []string{"category"}, nil)
	descCost       = prometheus.NewDesc("teslafleet_fleet_api_cost_dollars", "What this month's Fleet API requests cost before the monthly credit, by billing category (USD).", []string{"category"}, nil)
	descDue        = prometheus.NewDesc("teslafleet_fleet_api_due_dollars", "This month's Fleet API cost after the monthly credit (USD).", nil, nil)
	descEntities   = prometheus.NewDesc("teslafleet_entities", "Entities by platform and whether they are enabled.", []string{"platform", "enabled"}, nil)
	descDevices    = prometheus.NewDesc("teslafleet_devices", "Devices (vehicles, energy sites, Wall Connectors) by kind.", []string{"kind"}, nil)
	descConnected  = prometheus.NewDesc("teslafleet_mqtt_connected", "1 while the MQTT client is connected to its broker.", nil, nil)
	descPublished  = prometheus.NewDesc("teslafleet_mqtt_messages_published_total", "MQTT messages the broker took.", nil, nil)
	descCommands   = prometheus.NewDesc("teslafleet_mqtt_commands_received_total", "MQTT command messages received.", nil, nil)
	descCmdErrors  = prometheus.NewDesc("teslafleet_mqtt_command_errors_total", "MQTT commands refused or failed (answered on an error topic).", nil, nil)
	descBacklog    = prometheus.NewDesc("teslafleet_mqtt_backlog", "MQTT topics waiting for the broker.", nil, nil)
	descDropped    = prometheus.NewDesc("teslafleet_mqtt_backlog_dropped_total", "MQTT messages that did not fit in the backlog (republished after the next connect).", nil, nil)
)

func (m *metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descPolls, descPollErrors, descRequests, descCost, descDue, descEntities, descDevices,
		descConnected, descPublished, descCommands, descCmdErrors, descBacklog, descDropped} {
		ch <- d
	}
}

func (m *metrics) Collect(ch chan<- prometheus.Metric) {
	m.mu.Lock()
	a, mq := m.app, m.mq
	m.mu.Unlock()
	if a != nil {
		m.collectApp(ch, a)
	}
	m.collectCost(ch)
	if mq != nil {
		s := mq.Stats()
		connected := 0.0
		if s.Connected {
			connected = 1
		}
		ch <- prometheus.MustNewConstMetric(descConnected, prometheus.GaugeValue, connected)
		ch <- prometheus.MustNewConstMetric(descPublished, prometheus.CounterValue, float64(s.Published))
		ch <- prometheus.MustNewConstMetric(descCommands, prometheus.CounterValue, float64(s.Commands))
		ch <- prometheus.MustNewConstMetric(descCmdErrors, prometheus.CounterValue, float64(s.CommandErrors))
		ch <- prometheus.MustNewConstMetric(descBacklog, prometheus.GaugeValue, float64(s.Backlog))
		ch <- prometheus.MustNewConstMetric(descDropped, prometheus.CounterValue, float64(s.Dropped))
	}
}

func (m *metrics) collectApp(ch chan<- prometheus.Metric, a *App) {
	polls := map[string][2]uint64{}
	for _, acct := range a.accounts {
		for kind, c := range acct.sched.Counts() {
			p := polls[string(kind)]
			polls[string(kind)] = [2]uint64{p[0] + c.Polls, p[1] + c.Errors}
		}
	}
	for kind, p := range polls {
		ch <- prometheus.MustNewConstMetric(descPolls, prometheus.CounterValue, float64(p[0]), kind)
		ch <- prometheus.MustNewConstMetric(descPollErrors, prometheus.CounterValue, float64(p[1]), kind)
	}
	type pe struct {
		platform string
		enabled  bool
	}
	entities := map[pe]int{}
	for _, info := range a.reg.Entities() {
		entities[pe{string(info.Platform), info.Enabled}]++
	}
	for k, n := range entities {
		enabled := "false"
		if k.enabled {
			enabled = "true"
		}
		ch <- prometheus.MustNewConstMetric(descEntities, prometheus.GaugeValue, float64(n), k.platform, enabled)
	}
	devices := map[string]int{}
	for _, d := range a.reg.Devices() {
		devices[string(d.Kind)]++
	}
	for kind, n := range devices {
		ch <- prometheus.MustNewConstMetric(descDevices, prometheus.GaugeValue, float64(n), kind)
	}
}

// collectCost reads this month from the ledger as GET
// /api/teslafleet/cost does.
func (m *metrics) collectCost(ch chan<- prometheus.Metric) {
	if m.cost.ledger == nil {
		return
	}
	rep, err := m.cost.MonthCost(context.Background())
	if err != nil {
		return
	}
	usage := map[string]int{"data": 0, "commands": 0, "wakes": 0, "signals": 0, "free": 0}
	for _, ac := range rep.Accounts {
		for cat, n := range ac.Usage {
			usage[cat] += n
		}
	}
	p := fleet.TeslaPrices
	price := map[string]float64{"data": p.Data, "commands": p.Command, "wakes": p.Wake, "signals": p.Signal}
	cats := make([]string, 0, len(usage))
	for cat := range usage {
		cats = append(cats, cat)
	}
	sort.Strings(cats)
	for _, cat := range cats {
		ch <- prometheus.MustNewConstMetric(descRequests, prometheus.GaugeValue, float64(usage[cat]), cat)
		ch <- prometheus.MustNewConstMetric(descCost, prometheus.GaugeValue, float64(usage[cat])*price[cat], cat)
	}
	ch <- prometheus.MustNewConstMetric(descDue, prometheus.GaugeValue, rep.DueUSD)
}
