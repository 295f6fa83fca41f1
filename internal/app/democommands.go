package app

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/teslafleet/teslafleet/internal/command"
	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/setup"
)

// demoDomain is the domain the demo registers: one of the simulated demo
// app's allowed origins.
const demoDomain = "teslafleet.local"

// setUpCommands does what an owner does once so that signed commands work:
// register the app's public key with Tesla (a partner token and
// POST partner_accounts, which fetches the hosted key), and pair it with
// the vehicles by opening https://tesla.com/_ak/<domain> in the Tesla app
// (simPairURL stands in for that tap). It returns a Commander.
func setUpCommands(ctx context.Context, cfg fleet.Config, oa *fleet.OAuth, client *fleet.Client, keys *setup.KeyPair, simPairURL string, sessions command.SessionStore, progress *commandProgress) (*command.Commander, error) {
	out := progress.out
	tok, err := oa.PartnerToken(ctx, client.Region())
	if err != nil {
		return nil, fmt.Errorf("partner token: %w", err)
	}
	acct, err := fleet.New(cfg, fleet.StaticToken(tok.AccessToken)).RegisterPartner(ctx, demoDomain)
	if err != nil {
		return nil, fmt.Errorf("register the app's public key: %w", err)
	}
	fmt.Fprintf(out, "Registered domain %s with Tesla; public key %s…\n", demoDomain, shortHex(acct.PublicKey))

	fmt.Fprintf(out, "Pairing the virtual key: the owner opens %s in the Tesla app\n", command.PairingURL(demoDomain))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, simPairURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("pair the key: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("pair the key: %s", resp.Status)
	}

	key, err := command.ParsePrivateKey(keys.PrivatePEM)
	if err != nil {
		return nil, err
	}
	return command.New(command.Config{
		Fleet:    client,
		Key:      key,
		Sessions: sessions,
		Domain:   demoDomain,
		Progress: progress.report,
	})
}

// commandProgress shows a command's progress and remembers how the last
// command to each vehicle went out (signed or REST).
type commandProgress struct {
	out    io.Writer
	mu     sync.Mutex
	signed map[string]bool
	silent bool
}

// quiet stops printing progress (the service logs instead).
func (p *commandProgress) quiet() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.silent = true
}

func newCommandProgress(out io.Writer) *commandProgress {
	return &commandProgress{out: out, signed: map[string]bool{}}
}

func (p *commandProgress) report(pr command.Progress) {
	switch pr.Stage {
	case command.StageWaking, command.StagePolling, command.StageRetrying:
		p.mu.Lock()
		silent := p.silent
		p.mu.Unlock()
		if !silent {
			fmt.Fprintf(p.out, "  … %s %s\n", pr.VIN, pr.Stage)
		}
	case command.StageSending:
		p.mu.Lock()
		p.signed[pr.VIN] = pr.Signed
		p.mu.Unlock()
	}
}

// how says how the last command to vin went out.
func (p *commandProgress) how(vin string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.signed[vin] {
		return "signed"
	}
	return "REST"
}

// demoCommands sends a few commands: signed to vehicles that require it,
// REST to those that don't. Their effects show in the states that follow.
func demoCommands(ctx context.Context, c *command.Commander, p *fleet.Products, progress *commandProgress) {
	out := progress.out
	for _, v := range p.Vehicles() {
		vin, name := str(v.VIN), str(v.DisplayName)
		for _, step := range []struct {
			what string
			cmd  command.Command
		}{
			{"flash lights", command.FlashLights()},
			{"set charge limit 85%", command.SetChargeLimit(85)},
		} {
			start := time.Now()
			if err := c.Send(ctx, vin, step.cmd); err != nil {
				fmt.Fprintf(out, "  %-10s %-22s failed: %v\n", name, step.what, err)
				continue
			}
			fmt.Fprintf(out, "  %-10s %-22s (%s) ok in %s\n", name, step.what, progress.how(vin), time.Since(start).Round(time.Millisecond))
		}
	}
}

func shortHex(h *string) string {
	if h == nil {
		return "?"
	}
	s := strings.ToLower(*h)
	if _, err := hex.DecodeString(s); err != nil || len(s) < 16 {
		return s
	}
	return s[:16]
}
