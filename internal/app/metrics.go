package app

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/teslafleet/teslafleet/internal/command"
	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/mqtt"
)

// metrics serves GET /metrics (Prometheus's text format) on the API's
// listener, behind the API's bearer token. Its collector reads the
// counters that exist — the coordinators', the cost ledger's, the
// registry's, the store's history queue and the MQTT exporter's — at
// scrape time; what nothing else counts it counts itself: the Fleet API's
// answers (it is a sink of the ledger), errors by class (the coordinators'
// snapshots and the commands), command latency and wake-ups. It is made
// before the ledger and the App (the route goes into the API) and bound to
// them after.
type metrics struct {
	reg  *prometheus.Registry
	hist historyQueue // nil: no store

	responses *prometheus.CounterVec   // endpoint, status
	wakes     prometheus.Counter       // billed wake_up answers
	errs      *prometheus.CounterVec   // source, class
	latency   *prometheus.HistogramVec // outcome

	mu   sync.Mutex
	cost costReader
	app  *App
	mq   *mqtt.Exporter
}

// historyQueue is what metrics reads of the store's history writer.
type historyQueue interface {
	HistoryQueue() (queued, capacity int)
	Dropped() uint64
}

func newMetrics(hist historyQueue) *metrics {
	m := &metrics{
		reg:  prometheus.NewRegistry(),
		hist: hist,
		responses: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "teslafleet_fleet_api_responses_total",
			Help: "Fleet API answers since the start, by endpoint class and HTTP status."}, []string{"endpoint", "status"}),
		wakes: prometheus.NewCounter(prometheus.CounterOpts{Name: "teslafleet_vehicle_wake_ups_total",
			Help: "wake_up requests Tesla answered and bills (status below 500) since the start."}),
		errs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "teslafleet_errors_total",
			Help: "Failed coordinator refreshes (source poll) and commands (source command), by error class."}, []string{"source", "class"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "teslafleet_command_duration_seconds",
			Help:    "Time to send a command (waking the car and retries included), by outcome (ok, error).",
			Buckets: []float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120}}, []string{"outcome"}),
	}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), m,
		m.responses, m.wakes, m.errs, m.latency)
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

// bindLedger gives the collector the cost ledger (made with m as a sink).
func (m *metrics) bindLedger(l *fleet.Ledger) {
	m.mu.Lock()
	m.cost = costReader{ledger: l}
	m.mu.Unlock()
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

// Record is the ledger's sink: one Fleet API answer.
func (m *metrics) Record(_ context.Context, e fleet.Entry) {
	m.responses.WithLabelValues(endpointClass(e), strconv.Itoa(e.Status)).Inc()
	if e.Category == fleet.CategoryWake && e.Billed {
		m.wakes.Inc()
	}
}

// endpointClasses are the endpoints (fleet's names) that are their own
// class; energy site endpoints get an "energy_" prefix.
var endpointClasses = map[string]string{
	"vehicle_data": "vehicle_data", "wake_up": "wake_up", "signed_command": "signed_command",
	"vehicle": "vehicle", "vehicles": "vehicles", "products": "products", "users/region": "users_region",
	"fleet_status": "fleet_status", "partner_accounts": "partner_accounts", "partner_accounts/public_key": "partner_public_key",
	"site_info": "energy_site_info", "live_status": "energy_live_status", "calendar_history": "energy_calendar_history",
}

// endpointClass is an answer's endpoint as a label of bounded cardinality:
// no VIN, site id or command name. REST commands are "command", energy
// site settings "energy_command", an endpoint fleet may add later "other".
func endpointClass(e fleet.Entry) string {
	if c, ok := endpointClasses[e.Endpoint]; ok {
		return c
	}
	if strings.HasPrefix(e.Endpoint, "command/") {
		return "command"
	}
	if _, err := strconv.ParseInt(e.Device, 10, 64); err == nil {
		return "energy_command" // a site's own endpoint: its device is the site id, never a VIN
	}
	return "other"
}

// pollError counts a failed coordinator refresh by its class.
func (m *metrics) pollError(err error) {
	if err != nil {
		m.errs.WithLabelValues("poll", fleet.ClassName(err)).Inc()
	}
}

// sender wraps an account's command sender with the command metrics.
func (m *metrics) sender(s entity.Sender) entity.Sender {
	if s == nil {
		return nil
	}
	return timedSender{next: s, m: m}
}

// command counts one command sent since start.
func (m *metrics) command(start time.Time, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
		m.errs.WithLabelValues("command", fleet.ClassName(err)).Inc()
	}
	m.latency.WithLabelValues(outcome).Observe(time.Since(start).Seconds())
}

// timedSender is an entity.Sender that times its commands and counts
// their errors.
type timedSender struct {
	next entity.Sender
	m    *metrics
}

func (s timedSender) Send(ctx context.Context, vin string, cmds ...command.Command) error {
	start := time.Now()
	err := s.next.Send(ctx, vin, cmds...)
	s.m.command(start, err)
	return err
}

func (s timedSender) WakeUp(ctx context.Context, vin string) error {
	start := time.Now()
	err := s.next.WakeUp(ctx, vin)
	s.m.command(start, err)
	return err
}

func (s timedSender) SendSite(ctx context.Context, siteID int64, cmd command.Command) error {
	start := time.Now()
	err := s.next.SendSite(ctx, siteID, cmd)
	s.m.command(start, err)
	return err
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
	descHistQueue  = prometheus.NewDesc("teslafleet_history_queue", "State changes waiting for the history writer.", nil, nil)
	descHistCap    = prometheus.NewDesc("teslafleet_history_queue_capacity", "State changes the history queue holds before it drops.", nil, nil)
	descHistDrop   = prometheus.NewDesc("teslafleet_history_dropped_total", "State changes the history did not keep (its queue was full) since the start.", nil, nil)
)

func (m *metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descPolls, descPollErrors, descRequests, descCost, descDue, descEntities, descDevices,
		descConnected, descPublished, descCommands, descCmdErrors, descBacklog, descDropped, descHistQueue, descHistCap, descHistDrop} {
		ch <- d
	}
}

func (m *metrics) Collect(ch chan<- prometheus.Metric) {
	m.mu.Lock()
	a, mq, cost := m.app, m.mq, m.cost
	m.mu.Unlock()
	if a != nil {
		m.collectApp(ch, a)
	}
	collectCost(ch, cost)
	if m.hist != nil {
		queued, capacity := m.hist.HistoryQueue()
		ch <- prometheus.MustNewConstMetric(descHistQueue, prometheus.GaugeValue, float64(queued))
		ch <- prometheus.MustNewConstMetric(descHistCap, prometheus.GaugeValue, float64(capacity))
		ch <- prometheus.MustNewConstMetric(descHistDrop, prometheus.CounterValue, float64(m.hist.Dropped()))
	}
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
	for _, acct := range a.accountList() {
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
func collectCost(ch chan<- prometheus.Metric, cost costReader) {
	if cost.ledger == nil {
		return
	}
	rep, err := cost.MonthCost(context.Background())
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
