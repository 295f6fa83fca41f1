package setup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// Status is a check's outcome.
type Status string

// The outcomes: pass, warn (works, but something is missing or risky) and
// fail (something the owner must fix).
const (
	StatusPass Status = "pass"
	StatusWarn Status = "warn"
	StatusFail Status = "fail"
)

// Check is one line of doctor: what was checked, the outcome, what was
// found and, unless it passed, exactly what to do. No field ever holds a
// token, a client secret or a private key.
type Check struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	Detail string `json:"detail,omitempty"`
	Fix    string `json:"fix,omitempty"`
}

// The check names (account checks get " (<account id>)" appended, vehicle
// checks the VIN).
const (
	CheckKeyFile     = "key file"
	CheckKey         = "key"
	CheckKeyPerms    = "key permissions"
	CheckKeyHosted   = "public key hosted"
	CheckToken       = "token"
	CheckRegion      = "region"
	CheckScopes      = "scopes"
	CheckPartner     = "partner registration"
	CheckVehicles    = "vehicles"
	CheckVehicle     = "vehicle"
	CheckBilling     = "billing"
	CheckClock       = "clock"
	maxClockSkew     = time.Minute
	maxKeyDownload   = 4 << 10
	keyFetchDeadline = 10 * time.Second
)

// DoctorInput is what Doctor examines.
type DoctorInput struct {
	DataDir string // holds PrivateKeyFile
	Domain  string // the app's domain (partner registration, key hosting, pairing link)
	// KeyClient fetches https://<Domain>/.well-known/… (nil: a default
	// client). Doctor never follows a redirect with it: Tesla does not.
	KeyClient *http.Client
	// KeyBaseURL replaces https://<Domain> when fetching the public key
	// (tests, or a key host reached another way); "" = https://<Domain>.
	KeyBaseURL string
	Accounts   []DoctorAccount
	// Fleet gives partner tokens to accounts without PartnerClient (its
	// ClientID and ClientSecret) and the HTTP client and base URLs of the
	// clock check (GET <base>/status, read its Date header). Optional.
	Fleet fleet.Config
	Now   func() time.Time // default time.Now
}

// DoctorAccount is one logged-in account.
type DoctorAccount struct {
	ID     string
	Region fleet.Region // the region teslafleet uses for the account
	Scopes []string     // the granted scopes (the token's scp)
	Client *fleet.Client
	// PartnerClient returns a client holding a partner token for region
	// (nil: made from DoctorInput.Fleet's client credentials, if any).
	PartnerClient func(ctx context.Context, region fleet.Region) (*fleet.Client, error)
	VINs          []string // nil: the account's vehicles (GET /api/1/products)
	// LastPaymentRequired is when Tesla last answered 402 (zero: never).
	LastPaymentRequired time.Time
}

// Failed reports whether any check failed.
func Failed(checks []Check) bool {
	return slices.ContainsFunc(checks, func(c Check) bool { return c.Status == StatusFail })
}

// Doctor runs every check of the setup and troubleshooting list and returns
// one Check per item, in order: the key file, the key, its permissions,
// the hosted public key, then per account the token, the region, the
// scopes, the partner registration in the account's region, each vehicle's
// signing mode and pairing, billing (402), and last the clock.
func Doctor(ctx context.Context, in DoctorInput) []Check {
	if in.Now == nil {
		in.Now = time.Now
	}
	d := &doctor{in: in}
	key := d.keyChecks()
	d.hosted(ctx, key)
	for _, a := range in.Accounts {
		d.account(ctx, a, key)
	}
	d.clock(ctx)
	return d.checks
}

type doctor struct {
	in     DoctorInput
	checks []Check
}

func (d *doctor) add(name string, st Status, detail, fix string) {
	if st == StatusPass {
		fix = ""
	}
	d.checks = append(d.checks, Check{Name: name, Status: st, Detail: detail, Fix: fix})
}

// KeygenFix is what to do when there is no command key (doctor, and the
// web UI's setup wizard).
const KeygenFix = "Run `teslafleet keygen` to create the command key (or import the key you made with openssl), then host its public key and run `teslafleet register`."

// keyChecks: the file, a valid P-256 key, its permissions.
func (d *doctor) keyChecks() *KeyPair {
	path := filepath.Join(d.in.DataDir, PrivateKeyFile)
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		d.add(CheckKeyFile, StatusFail, "no private key at "+path, KeygenFix)
		return nil
	case err != nil:
		d.add(CheckKeyFile, StatusFail, fmt.Sprintf("cannot read %s: %v", path, pathErr(err)),
			"Make "+path+" readable by the user running teslafleet.")
		return nil
	}
	d.add(CheckKeyFile, StatusPass, path, "")
	key, err := LoadKey(d.in.DataDir)
	if err != nil {
		d.add(CheckKey, StatusFail, keyErrDetail(err),
			"Replace it with a P-256 key: `teslafleet keygen --force` (vehicles paired with the old key must be paired again).")
		key = nil
	} else {
		d.add(CheckKey, StatusPass, "EC P-256 private key; public key "+shortHex(key.PublicKeyHex()), "")
	}
	if runtime.GOOS != "windows" {
		mode := fi.Mode().Perm()
		fix := fmt.Sprintf("Run `chmod 600 %s`: the private key must be readable by its owner only.", path)
		switch {
		case mode&0o007 != 0:
			d.add(CheckKeyPerms, StatusFail, fmt.Sprintf("mode %04o: readable by other users", mode), fix)
		case mode&0o070 != 0:
			d.add(CheckKeyPerms, StatusWarn, fmt.Sprintf("mode %04o: readable by the group", mode), fix)
		default:
			d.add(CheckKeyPerms, StatusPass, fmt.Sprintf("mode %04o", mode), "")
		}
	}
	return key
}

// keyErrDetail describes a key error without its content.
func keyErrDetail(err error) string {
	if errors.Is(err, ErrBadKey) {
		return err.Error() // our own messages: the curve or format, never key bytes
	}
	return "cannot load the key: " + pathErr(err)
}

func pathErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func shortHex(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}

// hosted fetches the public key as Tesla does: one GET, no redirect.
func (d *doctor) hosted(ctx context.Context, key *KeyPair) {
	if d.in.Domain == "" {
		d.add(CheckKeyHosted, StatusFail, "no domain configured",
			"Set domain in the configuration to the host name of your app's allowed origin (e.g. example.com).")
		return
	}
	domain, err := NormalizeDomain(d.in.Domain)
	if err != nil {
		d.add(CheckKeyHosted, StatusFail, fmt.Sprintf("domain %q: %s", d.in.Domain, MsgInvalidDomain), problemFix(err))
		return
	}
	pubURL := PublicKeyURL(domain)
	fetchURL := pubURL
	if d.in.KeyBaseURL != "" {
		fetchURL = strings.TrimRight(d.in.KeyBaseURL, "/") + PublicKeyPath
	}
	hostFix := fmt.Sprintf("Host this app's public key (%s in the data directory) at %s: HTTPS with a valid certificate, status 200, no redirect.",
		PublicKeyFile, pubURL)
	hc := http.Client{Timeout: keyFetchDeadline}
	if d.in.KeyClient != nil {
		hc = *d.in.KeyClient
		if hc.Timeout == 0 {
			hc.Timeout = keyFetchDeadline
		}
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fetchURL, nil)
	if err != nil {
		d.add(CheckKeyHosted, StatusFail, err.Error(), hostFix)
		return
	}
	resp, err := hc.Do(req)
	if err != nil {
		d.add(CheckKeyHosted, StatusFail, fmt.Sprintf("%s: %v", pubURL, unwrapURLErr(err)), hostFix)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		d.add(CheckKeyHosted, StatusFail,
			fmt.Sprintf("%s answers %d redirecting to %q: Tesla does not follow redirects", pubURL, resp.StatusCode, resp.Header.Get("Location")),
			fmt.Sprintf("Serve the file directly at %s (status 200): remove the redirect (e.g. http→https, www, or a trailing slash rule) for this path.", pubURL))
		return
	}
	if resp.StatusCode != http.StatusOK {
		d.add(CheckKeyHosted, StatusFail, fmt.Sprintf("%s answers %d", pubURL, resp.StatusCode), hostFix)
		return
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxKeyDownload+1))
	if err != nil {
		d.add(CheckKeyHosted, StatusFail, fmt.Sprintf("%s: %v", pubURL, err), hostFix)
		return
	}
	if len(body) > maxKeyDownload {
		d.add(CheckKeyHosted, StatusFail, fmt.Sprintf("%s is larger than %d bytes: Tesla refuses it (\"too large\")", pubURL, maxKeyDownload), hostFix)
		return
	}
	point, err := pointOfPublicPEM(body)
	if err != nil {
		d.add(CheckKeyHosted, StatusFail, fmt.Sprintf("%s is not a P-256 public key PEM: %v", pubURL, err), hostFix)
		return
	}
	if key == nil {
		d.add(CheckKeyHosted, StatusWarn, fmt.Sprintf("%s serves a P-256 public key; no local key to compare it with", pubURL), KeygenFix)
		return
	}
	if fmt.Sprintf("%x", point) != key.PublicKeyHex() {
		d.add(CheckKeyHosted, StatusFail, fmt.Sprintf("%s serves another key (%s…), not this app's (%s)", pubURL, shortHex(fmt.Sprintf("%x", point)), shortHex(key.PublicKeyHex())),
			fmt.Sprintf("Replace the file at %s with %s from the data directory, then run `teslafleet register` again.", pubURL, PublicKeyFile))
		return
	}
	d.add(CheckKeyHosted, StatusPass, pubURL+" serves this app's public key", "")
}

func unwrapURLErr(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if u := ue.Unwrap(); u != nil {
			return u
		}
	}
	return err
}

func problemFix(err error) string {
	var p *Problem
	if errors.As(err, &p) {
		return p.Fix
	}
	return ""
}

// The scopes and what their absence disables (Home Assistant's scoped
// entities).
var recommendedScopes = []struct{ scope, disables string }{
	{"vehicle_location", "device trackers (location, route) and the HomeLink button"},
	{"vehicle_cmds", "vehicle controls: buttons (wake, flash, honk, HomeLink, …), locks, climate, covers, media, seat heaters, sentry"},
	{"vehicle_charging_cmds", "charging controls (charge switch, limit, current) unless vehicle_cmds is granted"},
	{"energy_cmds", "energy site controls (backup reserve, operation mode, storm watch, grid export)"},
	{"offline_access", "token refresh: teslafleet would need a new login every 8 hours"},
}

// MissingScopes lists the scopes a token lacks, each with what its absence
// disables ("vehicle_location (disables device trackers …)").
func MissingScopes(scopes []string) []string {
	has := func(s string) bool { return slices.Contains(scopes, s) }
	var missing []string
	if !has("vehicle_device_data") {
		missing = append(missing, "vehicle_device_data (no vehicles)")
	}
	if !has("energy_device_data") {
		missing = append(missing, "energy_device_data (no energy sites)")
	}
	for _, r := range recommendedScopes {
		if r.scope == "vehicle_charging_cmds" && has("vehicle_cmds") {
			continue
		}
		if !has(r.scope) {
			missing = append(missing, r.scope+" (disables "+r.disables+")")
		}
	}
	return missing
}

const loginFix = "Run `teslafleet login` again and, on Tesla's page, select all scopes and Allow."

func (d *doctor) account(ctx context.Context, a DoctorAccount, key *KeyPair) {
	name := func(base string) string {
		if a.ID == "" {
			return base
		}
		return base + " (" + a.ID + ")"
	}
	saw402 := false
	note := func(err error) {
		if errors.Is(err, fleet.ErrPaymentRequired) {
			saw402 = true
		}
	}
	defer func() { d.billing(name(CheckBilling), a, saw402) }()
	if a.Client == nil {
		d.add(name(CheckToken), StatusFail, "no API client for the account", loginFix)
		return
	}

	// token: a free read with the account's token source (refreshing it
	// when due); users/region also gives the region.
	start := a.Client.Region()
	ur, err := a.Client.UsersRegion(ctx)
	note(err)
	tokenOK := true
	switch {
	case err == nil, errors.Is(err, fleet.ErrPaymentRequired), errors.Is(err, fleet.ErrMissingScope), errors.Is(err, fleet.ErrForbidden),
		errors.Is(err, fleet.ErrNotRegistered):
		d.add(name(CheckToken), StatusPass, "Tesla accepts the account's token", "")
	case errors.Is(err, fleet.ErrLoginRequired), errors.Is(err, fleet.ErrNoToken), errors.Is(err, fleet.ErrTokenExpired):
		tokenOK = false
		d.add(name(CheckToken), StatusFail, "the token is no longer valid and cannot be refreshed (login_required)",
			"Run `teslafleet login` again: the refresh token expired, was used elsewhere, or the Tesla password changed.")
	case errors.Is(err, fleet.ErrUnauthorizedClient):
		tokenOK = false
		d.add(name(CheckToken), StatusFail, "Tesla does not recognise the client ID and secret",
			"Check client_id and client_secret in the configuration against developer.tesla.com (View Details > Credentials & APIs).")
	default:
		tokenOK = false
		d.add(name(CheckToken), StatusFail, "cannot check the token: "+err.Error(),
			"Check the network connection to Tesla's Fleet API and try again.")
	}
	if !tokenOK {
		d.partner(ctx, a, a.Region, key, name(CheckPartner))
		return
	}

	// region
	region := a.Region
	if region == "" {
		region = start
	}
	switch {
	case errors.Is(err, fleet.ErrNotRegistered):
		d.add(name(CheckRegion), StatusFail,
			fmt.Sprintf("Tesla refuses the account's requests in region %s: the app is not registered there (412)", a.Client.Region()),
			"Run `teslafleet register`: the app must be registered in the account's region.")
		d.scopes(name(CheckScopes), a.Scopes)
		d.partner(ctx, a, a.Client.Region(), key, name(CheckPartner))
		return
	case errors.Is(err, fleet.ErrMissingScope), errors.Is(err, fleet.ErrForbidden):
		d.add(name(CheckRegion), StatusWarn, "not checked: GET /api/1/users/region failed: "+err.Error(),
			"Grant the user_data scope (`teslafleet login` again) so that the account's region can be checked.")
	case err != nil:
		d.add(name(CheckRegion), StatusWarn, "not checked: GET /api/1/users/region failed: "+err.Error(),
			fixFor(err, "Try again later."))
	case ur.Region == nil:
		d.add(name(CheckRegion), StatusWarn, "Tesla did not say the account's region", "")
	default:
		actual, ok := fleet.ParseRegion(*ur.Region)
		switch {
		case !ok:
			d.add(name(CheckRegion), StatusWarn, "Tesla answered an unknown region "+*ur.Region, "")
		case actual != region:
			d.add(name(CheckRegion), StatusFail,
				fmt.Sprintf("the account lives in region %s, teslafleet uses %s (Tesla answers 421 Misdirected Request there)", actual, region),
				fmt.Sprintf("Run `teslafleet login` again so that the account is stored with region %s, and `teslafleet register` so that the app is registered there.", actual))
			region = actual
		case start != "" && start != actual:
			d.add(name(CheckRegion), StatusWarn,
				fmt.Sprintf("the client started in %s and was redirected (421) to %s", start, actual),
				fmt.Sprintf("Run `teslafleet login` again so that the account is stored with region %s.", actual))
		default:
			d.add(name(CheckRegion), StatusPass, "region "+string(actual), "")
		}
	}

	d.scopes(name(CheckScopes), a.Scopes)
	d.partner(ctx, a, region, key, name(CheckPartner))
	d.vehicles(ctx, a, name, note)
}

func (d *doctor) scopes(name string, scopes []string) {
	if len(scopes) == 0 {
		d.add(name, StatusWarn, "the granted scopes are unknown", loginFix)
		return
	}
	has := func(s string) bool { return slices.Contains(scopes, s) }
	if !has("vehicle_device_data") && !has("energy_device_data") {
		d.add(name, StatusFail, "neither vehicle_device_data (Vehicle Information) nor energy_device_data (Energy Product Information) is granted: no vehicle and no energy site can be read",
			"Enable Vehicle Information and Energy Product Information for your app on developer.tesla.com, then run `teslafleet login` again and select all scopes.")
		return
	}
	if missing := MissingScopes(scopes); len(missing) > 0 {
		d.add(name, StatusWarn, "missing: "+strings.Join(missing, "; "),
			"Enable the scopes for your app on developer.tesla.com if needed, then run `teslafleet login` again and select all scopes.")
		return
	}
	d.add(name, StatusPass, "all recommended scopes granted", "")
}

// partner checks that Tesla holds our key for the domain in region.
func (d *doctor) partner(ctx context.Context, a DoctorAccount, region fleet.Region, key *KeyPair, name string) {
	if region == "" {
		region = fleet.RegionNA
	}
	domain, err := NormalizeDomain(d.in.Domain)
	if err != nil {
		d.add(name, StatusFail, "no valid domain configured", "Set domain in the configuration to the host name of your app's allowed origin, then run `teslafleet register`.")
		return
	}
	var pc *fleet.Client
	switch {
	case a.PartnerClient != nil:
		pc, err = a.PartnerClient(ctx, region)
	case d.in.Fleet.ClientID != "":
		tok, terr := fleet.NewOAuth(d.in.Fleet).PartnerToken(ctx, region)
		if err = terr; err == nil {
			cfg := d.in.Fleet
			cfg.Region = region
			pc = fleet.New(cfg, fleet.StaticToken(tok.AccessToken))
		}
	default:
		d.add(name, StatusWarn, "not checked: no partner credentials (client id and secret)",
			"Set client_id and client_secret in the configuration.")
		return
	}
	if err != nil {
		d.add(name, StatusFail, fmt.Sprintf("cannot get a partner token for %s: %v", region, err),
			"Check client_id and client_secret against developer.tesla.com and that the app's grant types include Machine-to-Machine.")
		return
	}
	pk, err := pc.PartnerPublicKey(ctx, domain)
	switch {
	case errors.Is(err, fleet.ErrNotFound), errors.Is(err, fleet.ErrNotRegistered):
		d.add(name, StatusFail, fmt.Sprintf("the app is not registered for %s in region %s", domain, region),
			fmt.Sprintf("Run `teslafleet register` (it registers %s in every region, including %s).", domain, region))
		return
	case err != nil:
		d.add(name, StatusFail, fmt.Sprintf("cannot read the registration in %s: %v", region, err),
			fixFor(err, "Run `teslafleet register`; if it keeps failing, check the app on developer.tesla.com."))
		return
	case pk.PublicKey == nil || *pk.PublicKey == "":
		d.add(name, StatusFail, fmt.Sprintf("Tesla holds no public key for %s in region %s", domain, region),
			"Host the public key at "+PublicKeyURL(domain)+", then run `teslafleet register`.")
		return
	}
	if key == nil {
		d.add(name, StatusWarn, fmt.Sprintf("registered in %s; no local key to compare with", region), KeygenFix)
		return
	}
	if !strings.EqualFold(*pk.PublicKey, key.PublicKeyHex()) {
		d.add(name, StatusFail, fmt.Sprintf("Tesla holds another public key for %s in region %s (%s), not this app's (%s)", domain, region, shortHex(*pk.PublicKey), shortHex(key.PublicKeyHex())),
			fmt.Sprintf("Host %s at %s and run `teslafleet register` again; vehicles paired with the old key must be paired again.", PublicKeyFile, PublicKeyURL(domain)))
		return
	}
	d.add(name, StatusPass, fmt.Sprintf("registered for %s in region %s with this app's key", domain, region), "")
}

// vehicles checks each vehicle's signing mode against the pairing of our key.
func (d *doctor) vehicles(ctx context.Context, a DoctorAccount, name func(string) string, note func(error)) {
	signing := map[string]string{}
	vins := a.VINs
	prods, perr := a.Client.Products(ctx)
	note(perr)
	if perr == nil {
		for _, v := range prods.Vehicles() {
			if v.VIN == nil {
				continue
			}
			if v.CommandSigning != nil {
				signing[*v.VIN] = *v.CommandSigning
			}
			if a.VINs == nil {
				vins = append(vins, *v.VIN)
			}
		}
	}
	if len(vins) == 0 {
		if perr != nil && a.VINs == nil && !errors.Is(perr, fleet.ErrPaymentRequired) { // billing reports a 402
			d.add(name(CheckVehicles), StatusWarn, "cannot list the account's vehicles: "+perr.Error(),
				"Check that the vehicle_device_data scope is granted (`teslafleet login` again) and try again.")
		}
		return
	}
	st, err := a.Client.FleetStatus(ctx, vins)
	note(err)
	if err != nil {
		d.add(name(CheckVehicles), StatusFail, "cannot read the vehicles' key pairing (fleet_status): "+err.Error(),
			fixFor(err, "Check the vehicle_device_data scope (`teslafleet login` again) and try again."))
		return
	}
	domain, _ := NormalizeDomain(d.in.Domain)
	for _, vin := range vins {
		n := name(CheckVehicle + " " + vin)
		mode := signing[vin]
		if mode == "" {
			if info := st.VehicleInfo[vin]; info != nil && info.VehicleCommandProtocolRequired != nil && *info.VehicleCommandProtocolRequired {
				mode = "required"
			}
		}
		paired := st.KeyPaired(vin)
		link := PairingFix(domain, vin)
		label := mode
		if label == "" {
			label = "unknown"
		}
		switch {
		case paired:
			d.add(n, StatusPass, "command_signing "+label+"; this app's key is paired", "")
		case mode == "required":
			d.add(n, StatusFail, "command_signing required and this app's key is not paired: every command fails", link)
		case mode == "allowed":
			d.add(n, StatusWarn, "command_signing allowed; this app's key is not paired: commands go out unsigned (REST)", link)
		case mode == "off":
			d.add(n, StatusPass, "command_signing off: commands go out unsigned (REST); no key needed", "")
		default:
			d.add(n, StatusWarn, "this app's key is not paired", link)
		}
	}
}

// PairingFix is what to do for a vehicle (vin; "" = any) that does not
// hold this app's key yet (doctor, and the web UI's setup wizard).
func PairingFix(domain, vin string) string {
	if domain == "" {
		return "Set domain in the configuration, then run `teslafleet pair`."
	}
	return "Open " + PairingURL(domain, vin) + " on your phone with the Tesla app, next to the car, and approve the key (on an iPhone use Safari); `teslafleet pair` shows the link as a QR code and waits."
}

// fixFor is the billing fix for a 402, else fallback.
func fixFor(err error, fallback string) string {
	if errors.Is(err, fleet.ErrPaymentRequired) {
		return billingFix
	}
	return fallback
}

const billingFix = "Add a payment method on developer.tesla.com (Dashboard > Billing): Tesla's $10 monthly credit is spent or billing is not set up. Commands and data stay refused until then."

func (d *doctor) billing(name string, a DoctorAccount, saw402 bool) {
	const fix = billingFix
	switch {
	case saw402:
		d.add(name, StatusFail, "Tesla answers 402 Payment Required now", fix)
	case !a.LastPaymentRequired.IsZero():
		d.add(name, StatusFail, "Tesla answered 402 Payment Required at "+a.LastPaymentRequired.UTC().Format(time.RFC3339), fix)
	default:
		d.add(name, StatusPass, "no 402 Payment Required", "")
	}
}

// clock compares the Date header of a Fleet API answer with Now.
func (d *doctor) clock(ctx context.Context) {
	base := ""
	for _, a := range d.in.Accounts {
		if a.Client != nil {
			base = a.Client.BaseURL()
			break
		}
	}
	if base == "" {
		base = d.in.Fleet.BaseURLs[fleet.RegionNA]
		if base == "" {
			base = fleet.DefaultBaseURL(fleet.RegionNA)
		}
	}
	hc := d.in.Fleet.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: keyFetchDeadline}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/status", nil)
	if err != nil {
		d.add(CheckClock, StatusWarn, "not checked: "+err.Error(), "")
		return
	}
	resp, err := hc.Do(req)
	if err != nil {
		d.add(CheckClock, StatusWarn, "not checked: "+unwrapURLErr(err).Error(), "Check the network connection to Tesla's Fleet API.")
		return
	}
	resp.Body.Close()
	date := resp.Header.Get("Date")
	if date == "" {
		d.add(CheckClock, StatusPass, "not checked: the Fleet API sent no Date header", "")
		return
	}
	t, err := http.ParseTime(date)
	if err != nil {
		d.add(CheckClock, StatusPass, "not checked: unreadable Date header", "")
		return
	}
	skew := d.in.Now().Sub(t).Round(time.Second)
	abs := skew
	if abs < 0 {
		abs = -abs
	}
	if abs > maxClockSkew {
		dir := "ahead of"
		if skew < 0 {
			dir = "behind"
		}
		d.add(CheckClock, StatusWarn, fmt.Sprintf("the local clock is %s %s Tesla's", abs, dir),
			"Synchronise the system clock with NTP (e.g. `timedatectl set-ntp true`): signed commands and token expiry depend on it.")
		return
	}
	d.add(CheckClock, StatusPass, fmt.Sprintf("within %s of Tesla's clock", maxClockSkew), "")
}
