package app

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/teslafleet/teslafleet/internal/config"
	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/setup"
	"github.com/teslafleet/teslafleet/internal/store"
	"github.com/teslafleet/teslafleet/internal/web/ui"
)

// wizard is the web UI's setup wizard: the steps of teslafleet setup (the
// key, its hosting, registration, sign-in, pairing, doctor) over the setup
// package, the configuration and the store. The key and the accounts are
// read afresh for every page; the steps that ask Tesla or the domain show
// the outcome of their last run (nothing is asked just to draw the page).
// Every failure's fix is the text the CLI prints for it.
type wizard struct {
	st      *store.Store
	cfg     config.Config // DataDir holds the key; Tesla.Domain
	fc      fleet.Config  // the app's credentials and Tesla's addresses
	keyBase string        // where the hosted key is fetched ("" = https://<domain>)
	regions []fleet.Region

	mu      sync.Mutex
	results map[string]ui.Step // the last run of hosting, registration, pairing, doctor
	keyErr  error              // the last "Make a key" failure
	madeKey bool
	pending map[string]pendingSignIn // by state
	latest  string                   // the state of the latest sign-in started
	login   *ui.Step                 // the last sign-in's outcome
	qr      template.HTML

	// serveAccount, when set, serves a newly signed-in account at once
	// (serve sets it): it says what it added.
	serveAccount func(ctx context.Context, acct store.Account) (string, error)
}

// pendingSignIn is a sign-in waiting for its callback.
type pendingSignIn struct {
	signIn
	started time.Time
}

var _ ui.Setup = (*wizard)(nil)

// The steps' ids (the page's step-<id> anchors and POST /setup/<id>).
const (
	stepKey          = "key"
	stepHosting      = "hosting"
	stepRegistration = "registration"
	stepLogin        = "login"
	stepPairing      = "pairing"
	stepDoctor       = "doctor"
)

const (
	signInTTL  = 15 * time.Minute
	maxPending = 8
	restartFor = "Restart teslafleet serve so that it "
)

// newWizard is the setup wizard of a service whose configuration is cfg
// (its data directory and domain) and whose Fleet API configuration is fc.
func newWizard(st *store.Store, cfg config.Config, fc fleet.Config, keyBase string) *wizard {
	return &wizard{st: st, cfg: cfg, fc: fc, keyBase: keyBase,
		results: map[string]ui.Step{}, pending: map[string]pendingSignIn{}}
}

// demoWizard is the demo's wizard: the demo's key (made in memory at
// start) is written to <data>/demo-key, where its steps and doctor read
// it; its domain is the simulated demo app's, whose key the simulator
// fetches from keyURL.
func demoWizard(st *store.Store, dataDir string, fc fleet.Config, keys *setup.KeyPair, keyURL string) *wizard {
	c := config.Default()
	c.DataDir = filepath.Join(dataDir, "demo-key")
	c.Tesla.Domain = demoDomain
	c.Tesla.FleetAPI = config.PerRegion[string]{NA: fc.BaseURLs[fleet.RegionNA], EU: fc.BaseURLs[fleet.RegionEU], CN: fc.BaseURLs[fleet.RegionCN]}
	w := newWizard(st, c, fc, keyURL)
	w.keyErr = writeKeyPair(c.DataDir, keys)
	return w
}

// writeKeyPair keeps keys in dir as keygen does (private 0600, public
// 0644), replacing what is there (the demo's own directory).
func writeKeyPair(dir string, keys *setup.KeyPair) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, setup.PrivateKeyFile), keys.PrivatePEM, 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, setup.PublicKeyFile), keys.PublicPEM, 0o644)
}

// Steps is every step's state, in order.
func (w *wizard) Steps(ctx context.Context) []ui.Step {
	accts, accErr := w.st.Accounts(ctx)
	w.mu.Lock()
	defer w.mu.Unlock()
	return []ui.Step{
		w.keyStep(),
		w.last(stepHosting, "Public key hosting", "Check again",
			"Not checked yet: Tesla fetches the public key from "+w.publicKeyURL()+"."),
		w.last(stepRegistration, "Registration with Tesla", "Register",
			"Not registered from this page yet (registering again is harmless)."),
		w.loginStep(accts, accErr),
		w.pairingStep(),
		w.last(stepDoctor, "Doctor", "Run doctor", "Not run yet: doctor checks the whole setup, as teslafleet doctor does."),
	}
}

// Run runs one step.
func (w *wizard) Run(ctx context.Context, id string, _ url.Values) error {
	switch id {
	case stepKey:
		w.makeKey()
	case stepHosting:
		w.keep(w.hosting(ctx))
	case stepRegistration:
		w.keep(w.register(ctx))
	case stepPairing:
		w.keep(w.pairing(ctx))
	case stepDoctor:
		w.keep(w.doctor(ctx))
	default:
		return ui.ErrUnknownStep
	}
	return nil
}

func (w *wizard) keep(s ui.Step) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.results[s.ID] = s
}

// last is a step's last outcome, or its state before any run.
func (w *wizard) last(id, title, action, notYet string) ui.Step {
	if s, ok := w.results[id]; ok {
		return s
	}
	return ui.Step{ID: id, Title: title, Status: ui.StepTodo, Detail: notYet, Action: action}
}

func (w *wizard) publicKeyURL() string {
	if w.cfg.Tesla.Domain == "" {
		return "https://<your domain>" + setup.PublicKeyPath
	}
	return setup.PublicKeyURL(w.cfg.Tesla.Domain)
}

// keyStep: the command key in the data directory.
func (w *wizard) keyStep() ui.Step {
	s := ui.Step{ID: stepKey, Title: "Command key"}
	dir := w.cfg.DataDir
	k, err := setup.LoadKey(dir)
	switch {
	case errors.Is(err, setup.ErrNoKey) && w.keyErr != nil:
		s.Status, s.Detail, s.Fix, s.Action = ui.StepFailed, "Could not make a key: "+w.keyErr.Error(), setup.KeygenFix, "Make a key"
	case errors.Is(err, setup.ErrNoKey):
		s.Status, s.Detail, s.Fix, s.Action = ui.StepTodo, "No command key in "+dir+".", setup.KeygenFix, "Make a key"
	case err != nil:
		s.Status, s.Detail, s.Fix = ui.StepFailed, err.Error(), setup.KeygenFix
	default:
		s.Status = ui.StepDone
		s.Detail = fmt.Sprintf("P-256 key in %s; public key %s…", filepath.Join(dir, setup.PrivateKeyFile), k.PublicKeyHex()[:16])
		if w.madeKey {
			s.Detail += " " + restartFor + "hosts this key and signs commands with it."
		}
	}
	return s
}

// makeKey makes the key when there is none (an existing key is never
// replaced).
func (w *wizard) makeKey() {
	_, err := setup.GenerateKey(w.cfg.DataDir, false)
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case err == nil:
		w.keyErr, w.madeKey = nil, true
	case errors.Is(err, setup.ErrKeyExists):
		w.keyErr = nil
	default:
		w.keyErr = err
	}
}

// hosting fetches the hosted public key as Tesla does (doctor's check).
func (w *wizard) hosting(ctx context.Context) ui.Step {
	s := ui.Step{ID: stepHosting, Title: "Public key hosting", Action: "Check again"}
	c := hostedKeyCheck(ctx, w.cfg, w.keyBase)
	s.Status, s.Detail, s.Fix = stepStatus(c.Status), c.Detail, c.Fix
	return s
}

// register registers the domain and key with Tesla in each region.
func (w *wizard) register(ctx context.Context) ui.Step {
	s := ui.Step{ID: stepRegistration, Title: "Registration with Tesla", Action: "Register"}
	fail := func(detail, fix string) ui.Step {
		s.Status, s.Detail, s.Fix = ui.StepFailed, detail, fix
		return s
	}
	domain, err := setup.NormalizeDomain(w.cfg.Tesla.Domain)
	if err != nil {
		return fail("The domain is not set or not a host name.", "Set domain in the configuration to the host name of your app's allowed origin (e.g. example.com).")
	}
	key, err := setup.LoadKey(w.cfg.DataDir)
	if err != nil {
		return fail("No command key to register.", setup.KeygenFix)
	}
	if w.fc.ClientID == "" {
		return fail("No Tesla application.", "Set tesla.client_id and tesla.client_secret in the configuration.")
	}
	results, err := setup.Register(ctx, w.fc, domain, key, w.regions)
	var regions []string
	for _, r := range results {
		c := ui.Check{Name: "region " + string(r.Region)}
		var p *setup.Problem
		switch {
		case r.Err == nil:
			c.Status, c.Detail = ui.StepDone, fmt.Sprintf("%s registered; Tesla holds our public key (%s…)", domain, r.PublicKeyHex[:16])
			regions = append(regions, string(r.Region))
		case errors.As(r.Err, &p):
			c.Status, c.Detail, c.Fix = ui.StepFailed, p.Message, p.Fix
		default:
			c.Status, c.Detail = ui.StepFailed, r.Err.Error()
		}
		s.Checks = append(s.Checks, c)
	}
	if err != nil {
		var p *setup.Problem
		if errors.As(err, &p) {
			return fail(p.Message, p.Fix)
		}
		return fail(err.Error(), "Try again later; if it persists, check the app's status on developer.tesla.com.")
	}
	s.Status, s.Detail = ui.StepDone, fmt.Sprintf("%s is registered with Tesla in %s.", domain, strings.Join(regions, ", "))
	return s
}

// pairingStep: the pairing link and its QR code, and the last check.
func (w *wizard) pairingStep() ui.Step {
	s := w.last(stepPairing, "Pair the key with your cars", "Check pairing",
		"Not checked yet: open the link on the phone with the Tesla app, near the car, and approve the key; then check.")
	if w.cfg.Tesla.Domain == "" {
		s.Status, s.Detail, s.Fix, s.Action = ui.StepFailed, "No domain configured.", setup.PairingFix("", ""), ""
		return s
	}
	link := setup.PairingURL(w.cfg.Tesla.Domain, "")
	s.Link, s.LinkText = link, link
	if w.qr == "" {
		if svg, err := setup.QRSVG(link, "QR code of the pairing link "+link); err == nil {
			w.qr = template.HTML(svg) // our own SVG of a URL we made
		}
	}
	s.QR = w.qr
	return s
}

// pairing asks Tesla (fleet_status, free) which vehicles hold the key.
func (w *wizard) pairing(ctx context.Context) ui.Step {
	s := ui.Step{ID: stepPairing, Title: "Pair the key with your cars", Action: "Check pairing"}
	domain := w.cfg.Tesla.Domain
	accts, err := w.st.Accounts(ctx)
	if err != nil {
		s.Status, s.Detail = ui.StepFailed, "Cannot read the accounts: "+err.Error()
		return s
	}
	if len(accts) == 0 {
		s.Status, s.Detail, s.Fix = ui.StepFailed, "No Tesla account is signed in: there are no vehicles to pair.", "Sign in first (step 4)."
		return s
	}
	total, paired := 0, 0
	for _, a := range accts {
		client := w.client(a)
		products, err := client.Products(ctx)
		if err == nil {
			var vins []string
			for _, v := range products.Vehicles() {
				if v.VIN != nil {
					vins = append(vins, *v.VIN)
				}
			}
			var st map[string]bool
			if st, err = setup.PairingStatus(ctx, client, vins); err == nil {
				for _, vin := range vins {
					total++
					c := ui.Check{Name: vin, Status: ui.StepDone, Detail: "paired"}
					if st[vin] {
						paired++
					} else {
						c.Status, c.Detail, c.Fix = ui.StepTodo, "not paired yet", setup.PairingFix(domain, vin)
					}
					s.Checks = append(s.Checks, c)
				}
				continue
			}
		}
		s.Checks = append(s.Checks, ui.Check{Name: "account " + a.ID, Status: ui.StepFailed,
			Detail: "cannot read the vehicles' key pairing: " + err.Error(),
			Fix:    "Check the vehicle_device_data scope (sign in again) and try again."})
	}
	switch {
	case slicesFailed(s.Checks):
		s.Status, s.Detail, s.Fix = ui.StepFailed, "Tesla did not say which vehicles hold the key.", "Check the vehicle_device_data scope (sign in again) and try again."
	case total == 0:
		s.Status, s.Detail = ui.StepWarning, "No vehicles on the signed-in accounts: nothing to pair."
	case paired == total:
		s.Status, s.Detail = ui.StepDone, fmt.Sprintf("Every vehicle is paired (%d): signed commands will work.", total)
	default:
		s.Status, s.Detail, s.Fix = ui.StepTodo, fmt.Sprintf("%d of %d vehicles paired.", paired, total), setup.PairingFix(domain, "")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	p := w.pairingStep()
	s.Link, s.LinkText, s.QR = p.Link, p.LinkText, p.QR
	return s
}

func slicesFailed(cs []ui.Check) bool {
	for _, c := range cs {
		if c.Status == ui.StepFailed {
			return true
		}
	}
	return false
}

// doctor runs every check, as teslafleet doctor.
func (w *wizard) doctor(ctx context.Context) ui.Step {
	s := ui.Step{ID: stepDoctor, Title: "Doctor", Action: "Run doctor"}
	accts, err := w.st.Accounts(ctx)
	if err != nil {
		s.Status, s.Detail = ui.StepFailed, "Cannot read the accounts: "+err.Error()
		return s
	}
	var da []setup.DoctorAccount
	for _, a := range accts {
		da = append(da, setup.DoctorAccount{ID: a.ID, Region: fleet.Region(a.Region), Scopes: a.Scopes, Client: w.client(a)})
	}
	in := doctorInput(w.cfg, w.fc, da)
	in.KeyBaseURL = w.keyBase
	checks := setup.Doctor(ctx, in)
	n := map[ui.StepStatus]int{}
	for _, c := range checks {
		st := stepStatus(c.Status)
		n[st]++
		s.Checks = append(s.Checks, ui.Check{Name: c.Name, Status: st, Detail: c.Detail, Fix: c.Fix})
	}
	s.Detail = fmt.Sprintf("%d checks: %d in order, %d warnings, %d failed.", len(checks), n[ui.StepDone], n[ui.StepWarning], n[ui.StepFailed])
	switch {
	case n[ui.StepFailed] > 0:
		s.Status, s.Fix = ui.StepFailed, "Follow the fixes below, then run doctor again."
	case n[ui.StepWarning] > 0:
		s.Status, s.Fix = ui.StepWarning, "Read the warnings below: things work, but something is missing."
	default:
		s.Status = ui.StepDone
	}
	return s
}

// client is a stored account's Fleet API client (its token in the store).
func (w *wizard) client(a store.Account) *fleet.Client {
	fc := w.fc
	fc.Region = fleet.Region(a.Region)
	return fleet.New(fc, fleet.NewOAuth(fc).TokenManager(tokenStore{st: w.st, account: a.ID}))
}

func stepStatus(s setup.Status) ui.StepStatus {
	switch s {
	case setup.StatusPass:
		return ui.StepDone
	case setup.StatusWarn:
		return ui.StepWarning
	}
	return ui.StepFailed
}
