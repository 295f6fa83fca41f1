package setup

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// Registration is the outcome of partner registration in one region:
// PublicKeyHex is the key Tesla holds for the domain (when it answered), Err
// a *Problem when the region failed.
type Registration struct {
	Region       fleet.Region
	PublicKeyHex string
	Err          error
}

// DefaultRegions are the regions Register uses when given none: every
// region but China, as Home Assistant (China needs its own developer
// account on developer.tesla.cn).
var DefaultRegions = []fleet.Region{fleet.RegionNA, fleet.RegionEU}

// domainRE is Home Assistant's domain check (after strip and lower-case).
var domainRE = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$`)

// NormalizeDomain trims and lower-cases a domain and checks that it is a
// bare host name (no scheme, path or port), as Home Assistant's domain
// step does; otherwise it returns an "invalid_domain" *Problem.
func NormalizeDomain(domain string) (string, error) {
	d := strings.ToLower(strings.TrimSpace(domain))
	if domainRE.MatchString(d) {
		return d, nil
	}
	fix := "Enter the bare host name of your allowed origin, e.g. example.com"
	if h := hostOf(d); h != "" && h != d && domainRE.MatchString(h) {
		fix = fmt.Sprintf("Enter the bare host name %q: no https://, path or port.", h)
	}
	return "", &Problem{Key: KeyInvalidDomain, Message: MsgInvalidDomain, Fix: fix,
		Err: fmt.Errorf("%q is not a host name", domain)}
}

// hostOf strips a scheme, a path and a port from s.
func hostOf(s string) string {
	if _, rest, ok := strings.Cut(s, "://"); ok {
		s = rest
	}
	s, _, _ = strings.Cut(s, "/")
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	return s
}

// Register registers the app (fc's client id and secret) as a Tesla partner
// for domain in each region (nil: DefaultRegions): a partner token for the
// region, POST /api/1/partner_accounts {"domain"}, and a comparison of the
// public key Tesla downloaded from PublicKeyURL(domain) with key's. Tesla
// answers a repeated registration like the first, so running it again is
// harmless.
//
// It returns one Registration per region, and an error when any region
// failed: the first region's *Problem (errors.As), whose Fix says what to
// do. A domain that is not a bare host name fails before any request.
func Register(ctx context.Context, fc fleet.Config, domain string, key *KeyPair, regions []fleet.Region) ([]Registration, error) {
	d, err := NormalizeDomain(domain)
	if err != nil {
		return nil, err
	}
	if key == nil || key.PublicKeyHex() == "" {
		return nil, &Problem{Key: KeyPublicKeyNotFound, Message: MsgPublicKeyNotFound,
			Fix: "Create the command key first: run `teslafleet keygen`.", Err: ErrNoKey}
	}
	if len(regions) == 0 {
		regions = DefaultRegions
	}
	oa := fleet.NewOAuth(fc)
	out := make([]Registration, 0, len(regions))
	var first error
	for _, r := range regions {
		reg := registerRegion(ctx, oa, fc, r, d, key)
		out = append(out, reg)
		if reg.Err != nil && first == nil {
			first = reg.Err
		}
	}
	return out, first
}

func registerRegion(ctx context.Context, oa *fleet.OAuth, fc fleet.Config, r fleet.Region, domain string, key *KeyPair) Registration {
	reg := Registration{Region: r}
	tok, err := oa.PartnerToken(ctx, r)
	if err != nil {
		reg.Err = partnerTokenProblem(r, err)
		return reg
	}
	cfg := fc
	cfg.Region = r
	acct, err := fleet.New(cfg, fleet.StaticToken(tok.AccessToken)).RegisterPartner(ctx, domain)
	if err != nil {
		reg.Err = registerProblem(r, domain, err)
		return reg
	}
	if acct.PublicKey == nil || *acct.PublicKey == "" {
		reg.Err = &Problem{Key: KeyPublicKeyNotFound, Message: MsgPublicKeyNotFound,
			Fix: hostFix(domain), Err: fmt.Errorf("region %s: Tesla's answer has no public_key", r)}
		return reg
	}
	reg.PublicKeyHex = strings.ToLower(*acct.PublicKey)
	if reg.PublicKeyHex != key.PublicKeyHex() {
		reg.Err = mismatchProblem(r, domain)
	}
	return reg
}

func hostFix(domain string) string {
	return fmt.Sprintf("Host this app's public key (%s in the data directory) at %s — HTTPS, status 200, no redirect — then run `teslafleet register` again.",
		PublicKeyFile, PublicKeyURL(domain))
}

func mismatchProblem(r fleet.Region, domain string) *Problem {
	return &Problem{Key: KeyPublicKeyMismatch, Message: MsgPublicKeyMismatch,
		Fix: fmt.Sprintf("Replace the file at %s with this app's public key (%s in the data directory), then run `teslafleet register` again.",
			PublicKeyURL(domain), PublicKeyFile),
		Err: fmt.Errorf("region %s: the key Tesla downloaded from %s is not this app's key", r, PublicKeyURL(domain))}
}

func partnerTokenProblem(r fleet.Region, err error) *Problem {
	fix := "Check the client ID and secret (developer.tesla.com: View Details > Credentials & APIs) and that the app's OAuth grant types include Machine-to-Machine."
	switch {
	case errors.Is(err, fleet.ErrNetwork), errors.Is(err, fleet.ErrServer), errors.Is(err, fleet.ErrRateLimited):
		fix = "Tesla's token endpoint could not be reached or is failing: try again later."
	case errors.Is(err, fleet.ErrInvalidRequest):
		fix = "Enable the scopes teslafleet requests for partner tokens (openid, vehicle_device_data, vehicle_cmds, vehicle_charging_cmds) in your app on developer.tesla.com."
	}
	return &Problem{Key: KeyOAuthError, Message: MsgOAuthError, Fix: fix, Err: fmt.Errorf("region %s: %w", r, err)}
}

func registerProblem(r fleet.Region, domain string, err error) *Problem {
	wrapped := fmt.Errorf("region %s: %w", r, err)
	switch {
	case errors.Is(err, fleet.ErrNotRegistered), errors.Is(err, fleet.ErrForbidden) && strings.Contains(strings.ToLower(err.Error()), "origin"):
		return &Problem{Key: KeyPreconditionFailed, Message: MsgPreconditionFailed,
			Fix: fmt.Sprintf("Add https://%s to the Allowed Origin URL(s) of your app on developer.tesla.com (the root domain must match), wait a few minutes, then run `teslafleet register` again.", domain),
			Err: wrapped}
	case errors.Is(err, fleet.ErrDependency):
		return &Problem{Key: KeyPublicKeyNotFound, Message: MsgPublicKeyNotFound, Fix: hostFix(domain), Err: wrapped}
	case errors.Is(err, fleet.ErrInvalidRequest):
		return &Problem{Key: KeyInvalidDomain, Message: MsgInvalidDomain,
			Fix: "Enter the bare, lower-case host name of your allowed origin, e.g. example.com (no https://).", Err: wrapped}
	case errors.Is(err, fleet.ErrTokenExpired), errors.Is(err, fleet.ErrForbidden):
		return &Problem{Key: KeyInvalidResponse, Message: MsgInvalidResponse,
			Fix: "Tesla did not accept the partner token: check that the app is approved on developer.tesla.com and its grant types include Machine-to-Machine, then try again.", Err: wrapped}
	}
	return &Problem{Key: KeyInvalidResponse, Message: MsgInvalidResponse,
		Fix: "Try again later; if it persists, check the app's status on developer.tesla.com.", Err: wrapped}
}
