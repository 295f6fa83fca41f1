package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/setup"
)

// KeygenOptions are the flags of `teslafleet keygen`.
type KeygenOptions struct {
	StoreOptions
	Force  bool   // replace an existing key
	Import string // take this openssl key instead of making one
}

// RunKeygen makes (or imports) the app's P-256 command key in the data
// directory and says where its public key must be reachable.
func RunKeygen(ctx context.Context, o KeygenOptions, out io.Writer) error {
	cfg, _, err := LoadConfig(o.ConfigPath, o.Env)
	if err != nil {
		return err
	}
	if o.DataDir != "" {
		cfg.DataDir = o.DataDir
	}
	var k *setup.KeyPair
	if o.Import != "" {
		k, err = setup.ImportKey(cfg.DataDir, o.Import, o.Force)
	} else {
		k, err = setup.GenerateKey(cfg.DataDir, o.Force)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Command key in %s/%s (private, 0600) and %s (public).\n", cfg.DataDir, setup.PrivateKeyFile, setup.PublicKeyFile)
	fmt.Fprintf(out, "Public key: %s…\n", k.PublicKeyHex()[:16])
	if cfg.Tesla.Domain == "" {
		fmt.Fprintln(out, "Next: set tesla.domain in the configuration; Tesla fetches the public key from that domain.")
		return nil
	}
	fmt.Fprintf(out, "Tesla fetches it from %s (200, no redirect).\n", setup.PublicKeyURL(cfg.Tesla.Domain))
	fmt.Fprintf(out, "teslafleet serve answers that path on its listener: put it behind https://%s, or set hosting.acme: true.\n", cfg.Tesla.Domain)
	return nil
}

// RegisterOptions are the flags of `teslafleet register`.
type RegisterOptions struct {
	StoreOptions
	Domain  string   // default tesla.domain
	Regions []string // default NA and EU
}

// RunRegister registers the app's domain and public key with Tesla in each
// region (harmless to run again).
func RunRegister(ctx context.Context, o RegisterOptions, out io.Writer) error {
	cfg, _, st, err := openStore(ctx, o.StoreOptions)
	if err != nil {
		return err
	}
	defer st.Close()
	domain := o.Domain
	if domain == "" {
		domain = cfg.Tesla.Domain
	}
	if domain == "" {
		return errors.New("no domain: pass --domain or set tesla.domain in the configuration")
	}
	key, err := setup.LoadKey(cfg.DataDir)
	if err != nil {
		return fmt.Errorf("%w (run teslafleet keygen first)", err)
	}
	fc, err := appCredentials(ctx, cfg, st)
	if err != nil {
		return err
	}
	var regions []fleet.Region
	for _, r := range o.Regions {
		reg, ok := fleet.ParseRegion(r)
		if !ok {
			return fmt.Errorf("unknown region %q (na, eu or cn)", r)
		}
		regions = append(regions, reg)
	}
	results, err := setup.Register(ctx, fc, domain, key, regions)
	for _, r := range results {
		if r.Err != nil {
			fmt.Fprintf(out, "%s: not registered: %v\n", r.Region, r.Err)
			continue
		}
		fmt.Fprintf(out, "%s: %s registered; Tesla holds our public key (%s…)\n", r.Region, domain, r.PublicKeyHex[:16])
	}
	return err
}

// PairOptions are the flags of `teslafleet pair`.
type PairOptions struct {
	StoreOptions
	VIN   string        // pair one car (adds ?vin= to the link)
	Every time.Duration // how often the pairing state is read; default 5 s
}

// RunPair prints the pairing link (and its QR code) and shows each
// vehicle's pairing state until all are paired or ctx ends.
func RunPair(ctx context.Context, o PairOptions, out io.Writer) error {
	cfg, _, st, err := openStore(ctx, o.StoreOptions)
	if err != nil {
		return err
	}
	defer st.Close()
	if cfg.Tesla.Domain == "" {
		return errors.New("no domain: set tesla.domain in the configuration")
	}
	link := setup.PairingURL(cfg.Tesla.Domain, o.VIN)
	fmt.Fprintf(out, "Open this link on the phone with the Tesla app, near the car, and approve the key:\n\n  %s\n\n", link)
	if err := setup.WriteQR(out, link); err != nil {
		return err
	}
	fc, err := appCredentials(ctx, cfg, st)
	if err != nil {
		return err
	}
	accts, err := st.Accounts(ctx)
	if err != nil {
		return err
	}
	every := o.Every
	if every <= 0 {
		every = 5 * time.Second
	}
	for _, a := range accts {
		afc := fc
		afc.Region = fleet.Region(a.Region)
		client := fleet.New(afc, fleet.NewOAuth(afc).TokenManager(tokenStore{st: st, account: a.ID}))
		products, err := client.Products(ctx)
		if err != nil {
			return fmt.Errorf("account %s: list vehicles: %w", a.ID, err)
		}
		var vins []string
		for _, v := range products.Vehicles() {
			if o.VIN == "" || *v.VIN == o.VIN {
				vins = append(vins, *v.VIN)
			}
		}
		if len(vins) == 0 {
			continue
		}
		last := ""
		err = setup.WaitPaired(ctx, client, vins, every, func(m map[string]bool) {
			var parts []string
			for _, vin := range vins {
				state := "not paired yet"
				if m[vin] {
					state = "paired"
				}
				parts = append(parts, vin+" "+state)
			}
			if line := strings.Join(parts, ", "); line != last {
				fmt.Fprintln(out, line)
				last = line
			}
		})
		if err != nil {
			return err
		}
	}
	fmt.Fprintln(out, "Every vehicle is paired: signed commands will work.")
	return nil
}
