package sim

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/teslafleet/teslafleet/internal/sim/oauth"
	"github.com/teslafleet/teslafleet/internal/sim/vcp"
	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// Options configure a simulated cloud.
type Options struct {
	Seed      int64
	Speed     float64       // simulated seconds per real second; 0 = manual clock (Advance only)
	Start     time.Time     // zero = now
	Fixtures  string        // "" = built-in demo fleet; else a dir of Tesla response files
	WakeDelay time.Duration // 0 = world default
	// FleetSize adds that many generated vehicles (varied models, years,
	// signing modes, charge and sleep states; deterministic from Seed) to
	// the demo account, or to the first account of the fixtures.
	FleetSize int
	Resolver  map[string]string // domain -> base URL used to fetch the domain's hosted public key
	// KeyTransport carries the requests fetching partner public keys (nil =
	// http.DefaultTransport). With NewInMemory, set it to an in-memory
	// transport (InMemoryTransport) so that no socket is ever opened.
	KeyTransport http.RoundTripper
	Logger       *slog.Logger // nil = discard
}

// Regions are the Fleet API regions, in the order Start serves them.
var Regions = []string{"NA", "EU", "CN"}

// Tesla's production base URLs, the defaults until SetBaseURL.
var defaultBaseURLs = map[string]string{
	"NA": "https://fleet-api.prd.na.vn.cloud.tesla.com",
	"EU": "https://fleet-api.prd.eu.vn.cloud.tesla.com",
	"CN": "https://fleet-api.prd.cn.vn.cloud.tesla.cn",
}

// Cloud is the simulated Tesla cloud shared by the regional handlers.
type Cloud struct {
	log      *slog.Logger
	seed     int64
	resolver map[string]string
	fetcher  *http.Client

	// The handlers use the world and the OAuth server through their
	// contracts (world.API, oauth.API); sim and oauthServer hold the same
	// values for the exported accessors World and OAuth.
	world       world.API
	auth        oauth.API
	sim         *world.World
	oauthServer *oauth.Server

	limiter  *rateLimiter
	faults   *faultInjector
	billing  *billing
	partners *partnerRegistry

	mu       sync.RWMutex
	baseURLs map[string]string
	authURL  string // "" = the NA base URL
	cars     map[string]*vcp.Car

	handlers map[string]http.Handler
}

// New builds a cloud: the world (demo fleet or fixtures, plus
// Options.FleetSize generated vehicles), the OAuth server and the partner
// registry in which the demo app
// is registered in every region.
func New(opts Options) (*Cloud, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	wopts := world.Options{Seed: opts.Seed, Speed: opts.Speed, Start: opts.Start, WakeDelay: opts.WakeDelay}
	var w *world.World
	if opts.Fixtures == "" {
		w = world.NewDemo(wopts)
	} else {
		var err error
		if w, err = world.LoadFixtures(opts.Fixtures, wopts); err != nil {
			return nil, fmt.Errorf("sim: load fixtures: %w", err)
		}
	}
	c := &Cloud{
		log:      log,
		world:    w,
		sim:      w,
		seed:     opts.Seed,
		resolver: make(map[string]string, len(opts.Resolver)),
		fetcher:  &http.Client{Timeout: keyFetchTimeout, Transport: opts.KeyTransport},
		limiter:  newRateLimiter(w.Now),
		faults:   &faultInjector{},
		billing:  newBilling(),
		partners: newPartnerRegistry(),
		baseURLs: make(map[string]string, len(defaultBaseURLs)),
		cars:     make(map[string]*vcp.Car),
		handlers: make(map[string]http.Handler, len(Regions)),
	}
	for d, u := range opts.Resolver {
		c.resolver[strings.ToLower(d)] = strings.TrimRight(u, "/")
	}
	for r, u := range defaultBaseURLs {
		c.baseURLs[r] = u
	}
	auth, err := oauth.New(oauth.Options{
		Now:       w.Now,
		Lookup:    c.lookupAccount,
		Audiences: c.audiences,
		Seed:      opts.Seed,
	})
	if err != nil {
		return nil, fmt.Errorf("sim: oauth: %w", err)
	}
	c.auth, c.oauthServer = auth, auth
	if opts.FleetSize > 0 {
		accounts := w.Accounts()
		if len(accounts) == 0 {
			return nil, fmt.Errorf("sim: fleet size %d: no account to add vehicles to", opts.FleetSize)
		}
		if err := w.GenerateVehicles(accounts[0].ID, opts.FleetSize); err != nil {
			return nil, fmt.Errorf("sim: generate the fleet: %w", err)
		}
	}
	demo := auth.DemoApp()
	for _, r := range Regions {
		c.partners.register(r, partner{ClientID: demo.ClientID, Domain: demoDomain(demo), Registered: w.Now()})
	}
	for _, r := range Regions {
		c.handlers[r] = c.newRegionHandler(r)
	}
	return c, nil
}

// Handler is the Fleet API host of one region ("NA", "EU" or "CN"). Every
// handler also serves /oauth2/v3/*, /_sim/*, /_ak/* and /status. An unknown
// region gets nil.
func (c *Cloud) Handler(region string) http.Handler {
	return c.handlers[strings.ToUpper(region)]
}

// SetBaseURL sets the public base URL of a regional host (used in 421 bodies,
// users/region, partner errors and the tokens' audience).
func (c *Cloud) SetBaseURL(region, url string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.baseURLs[strings.ToUpper(region)] = strings.TrimRight(url, "/")
}

// BaseURL is the public base URL of a region's host.
func (c *Cloud) BaseURL(region string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.baseURLs[strings.ToUpper(region)]
}

// OAuthURL is the base URL of the OAuth server (authorize and token
// endpoints under /oauth2/v3/).
func (c *Cloud) OAuthURL() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.authURL != "" {
		return c.authURL
	}
	return c.baseURLs["NA"]
}

// MintToken issues a user token pair for the demo app, as POST /_sim/tokens
// does.
func (c *Cloud) MintToken(account string, scopes []string) (oauth.Tokens, error) {
	return c.auth.Mint(account, c.auth.DemoApp().ClientID, scopes)
}

// DemoApp is the built-in demo app (registered as a partner in every region).
func (c *Cloud) DemoApp() oauth.App { return c.auth.DemoApp() }

// World is the simulated world behind the cloud.
func (c *Cloud) World() *world.World { return c.sim }

// OAuth is the simulated OAuth server.
func (c *Cloud) OAuth() *oauth.Server { return c.oauthServer }

// Car is the protocol side of one vehicle (nil, false for an unknown VIN).
func (c *Cloud) Car(vin string) (*vcp.Car, bool) {
	car, err := c.protocolCar(vin)
	return car, err == nil
}

func (c *Cloud) audiences() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]string, 0, len(Regions))
	for _, r := range Regions {
		out = append(out, c.baseURLs[r])
	}
	return out
}

func (c *Cloud) lookupAccount(idOrEmail string) (id, region string, ok bool) {
	a, ok := c.world.Account(idOrEmail)
	if !ok {
		return "", "", false
	}
	return a.ID, a.Region, true
}

// car is the protocol car of a known VIN, as the handlers use it.
func (c *Cloud) car(vin string) (vcp.API, error) {
	car, err := c.protocolCar(vin)
	if err != nil {
		return nil, err
	}
	return car, nil
}

// protocolCar returns the protocol car of a known VIN, created on first use
// (a car's keys and sessions cost memory; most cars of a large fleet never
// see a signed command).
func (c *Cloud) protocolCar(vin string) (*vcp.Car, error) {
	c.mu.RLock()
	car, ok := c.cars[vin]
	c.mu.RUnlock()
	if ok {
		return car, nil
	}
	if !c.world.HasVehicle(vin) {
		return nil, world.ErrNotFound
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if car, ok := c.cars[vin]; ok {
		return car, nil
	}
	car, err := vcp.NewCar(vcp.Options{
		VIN:  vin,
		Seed: []byte(fmt.Sprintf("%d/%s", c.seed, vin)),
		Now:  c.world.CarNow, // the car keeps the simulated time (at most at real rate): sessions follow /_sim/clock
		Exec: executor{w: c.world, vin: vin},
	})
	if err != nil {
		return nil, fmt.Errorf("sim: car %s: %w", vin, err)
	}
	c.cars[vin] = car
	return car, nil
}

// executor applies verified signed commands to the world.
type executor struct {
	w   world.API
	vin string
}

// Execute runs a command in the world. A refusal reads as the REST path
// words it (commandReason), so signed and unsigned commands give the same
// reason.
func (e executor) Execute(name string, params map[string]any) (bool, string, error) {
	res, err := e.w.Command(e.vin, name, params)
	if err != nil {
		return false, commandReason(err), nil
	}
	return res.Result, res.Reason, nil
}

// BodyStatus reads the vehicle's lock, sleep, presence and closure state
// from the world, for VCSEC's VehicleStatus. An unknown vehicle reads as
// the zero status (awake, unlocked, closed).
func (e executor) BodyStatus() vcp.BodyStatus {
	b, err := e.w.BodyState(e.vin)
	if err != nil {
		return vcp.BodyStatus{}
	}
	return vcp.BodyStatus{
		Locked:      b.Locked,
		Asleep:      b.State != "online",
		UserPresent: b.UserPresent,
		Open: vcp.Closures{
			FrontDriverDoor: b.FrontDriverDoor, FrontPassengerDoor: b.FrontPassengerDoor,
			RearDriverDoor: b.RearDriverDoor, RearPassengerDoor: b.RearPassengerDoor,
			FrontTrunk: b.FrontTrunk, RearTrunk: b.RearTrunk, ChargePort: b.ChargePort,
		},
	}
}

var (
	_ vcp.Executor     = executor{}
	_ vcp.StatusReader = executor{}
)

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
