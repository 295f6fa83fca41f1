package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/teslafleet/teslafleet/internal/config"
)

// Environment variables of the REST API's CLI clients (not configuration
// keys: config.Load leaves them alone).
const (
	EnvServer = config.EnvServer
	EnvToken  = config.EnvToken
)

// DefaultServer is where the CLI clients look for teslafleet serve.
const DefaultServer = "http://127.0.0.1:8080"

// ClientOptions are the flags of the REST API's CLI clients: the server
// and the token (flags win over TESLAFLEET_SERVER and TESLAFLEET_TOKEN).
type ClientOptions struct {
	Server, Token string
	Env           []string
	HTTP          *http.Client // nil: a client with a 30 s timeout
}

// client talks to a running teslafleet's REST API.
type client struct {
	base  string
	token string
	http  *http.Client
}

func newClient(o ClientOptions) (*client, error) {
	env := map[string]string{}
	for _, kv := range o.Env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	server, token := o.Server, o.Token
	if server == "" {
		server = env[EnvServer]
	}
	if server == "" {
		server = DefaultServer
	}
	if token == "" {
		token = env[EnvToken]
	}
	if token == "" {
		return nil, fmt.Errorf("no API token: pass --token or set %s (teslafleet token create NAME makes one)", EnvToken)
	}
	if !strings.Contains(server, "://") {
		server = "http://" + server
	}
	u, err := url.Parse(server)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("server %q: want a URL like %s", server, DefaultServer)
	}
	hc := o.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &client{base: strings.TrimSuffix(server, "/"), token: token, http: hc}, nil
}

// do sends a request and decodes a 200's JSON body into v.
func (c *client) do(ctx context.Context, method, path string, body any, v any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) {
			return fmt.Errorf("cannot connect: is teslafleet serve running at %s?", c.base)
		}
		return fmt.Errorf("cannot reach %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return errors.New("the API token was refused (check --token or " + EnvToken + ")")
	case resp.StatusCode == http.StatusNotFound && strings.HasPrefix(path, "/api/states/"):
		return fmt.Errorf("no entity %s", strings.TrimPrefix(path, "/api/states/"))
	case resp.StatusCode != http.StatusOK:
		var m struct{ Message string }
		if json.Unmarshal(b, &m) == nil && m.Message != "" {
			return fmt.Errorf("%s (HTTP %d)", m.Message, resp.StatusCode)
		}
		return fmt.Errorf("%s (HTTP %d)", strings.TrimSpace(string(b)), resp.StatusCode)
	}
	return json.Unmarshal(b, v)
}

type clientState struct {
	EntityID   string         `json:"entity_id"`
	State      string         `json:"state"`
	Attributes map[string]any `json:"attributes"`
}

func (s clientState) line() string {
	unit, _ := s.Attributes["unit_of_measurement"].(string)
	if unit != "" {
		return fmt.Sprintf("%s  %s %s", s.EntityID, s.State, unit)
	}
	return fmt.Sprintf("%s  %s", s.EntityID, s.State)
}

// RunStates prints every state (one line each), or one entity's state with
// its attributes.
func RunStates(ctx context.Context, o ClientOptions, entityID string, out io.Writer) error {
	c, err := newClient(o)
	if err != nil {
		return err
	}
	if entityID != "" {
		var s clientState
		if err := c.do(ctx, "GET", "/api/states/"+url.PathEscape(entityID), nil, &s); err != nil {
			return err
		}
		fmt.Fprintln(out, s.line())
		keys := make([]string, 0, len(s.Attributes))
		for k := range s.Attributes {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			b, _ := json.Marshal(s.Attributes[k])
			fmt.Fprintf(out, "  %s: %s\n", k, b)
		}
		return nil
	}
	var states []clientState
	if err := c.do(ctx, "GET", "/api/states", nil, &states); err != nil {
		return err
	}
	for _, s := range states {
		fmt.Fprintln(out, s.line())
	}
	return nil
}

// ParseServiceData reads key=value arguments: a value that parses as JSON
// is that value, anything else is a string.
func ParseServiceData(args []string) (map[string]any, error) {
	data := map[string]any{}
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("argument %q: want key=value", a)
		}
		var x any
		if err := json.Unmarshal([]byte(v), &x); err == nil {
			data[k] = x
		} else {
			data[k] = v
		}
	}
	return data, nil
}

// RunCall calls DOMAIN.SERVICE on an entity and prints the states it
// changed.
func RunCall(ctx context.Context, o ClientOptions, service, entityID string, args []string, out io.Writer) error {
	domain, svc, ok := strings.Cut(service, ".")
	if !ok || domain == "" || svc == "" {
		return fmt.Errorf("service %q: want DOMAIN.SERVICE, e.g. switch.turn_on", service)
	}
	data, err := ParseServiceData(args)
	if err != nil {
		return err
	}
	data["entity_id"] = entityID
	c, err := newClient(o)
	if err != nil {
		return err
	}
	var changed []clientState
	if err := c.do(ctx, "POST", "/api/services/"+url.PathEscape(domain)+"/"+url.PathEscape(svc), data, &changed); err != nil {
		if strings.Contains(err.Error(), "400: Bad Request") {
			return fmt.Errorf("%s is not a service of %s (HTTP 400)", service, entityID)
		}
		return err
	}
	if len(changed) == 0 {
		fmt.Fprintf(out, "%s done; no state changed.\n", service)
	}
	for _, s := range changed {
		fmt.Fprintln(out, s.line())
	}
	return nil
}

// RunCost prints this month's Fleet API usage and cost from a running
// teslafleet.
func RunCost(ctx context.Context, o ClientOptions, out io.Writer) error {
	c, err := newClient(o)
	if err != nil {
		return err
	}
	var rep struct {
		Month     string
		CostUSD   float64 `json:"cost_usd"`
		CreditUSD float64 `json:"credit_usd"`
		DueUSD    float64 `json:"due_usd"`
		Accounts  []struct {
			Account  string
			Usage    map[string]int
			ByDevice map[string]map[string]int `json:"by_device"`
			CostUSD  float64                   `json:"cost_usd"`
			DueUSD   float64                   `json:"due_usd"`
		}
	}
	if err := c.do(ctx, "GET", "/api/teslafleet/cost", nil, &rep); err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: $%.3f before the monthly credit, $%.3f credit, $%.2f due\n", rep.Month, rep.CostUSD, rep.CreditUSD, rep.DueUSD)
	for _, a := range rep.Accounts {
		fmt.Fprintf(out, "  account %s: %s — $%.3f, $%.2f due\n", a.Account, usageLine(a.Usage), a.CostUSD, a.DueUSD)
		devs := make([]string, 0, len(a.ByDevice))
		for d := range a.ByDevice {
			devs = append(devs, d)
		}
		sort.Strings(devs)
		for _, d := range devs {
			fmt.Fprintf(out, "    %s: %s\n", d, usageLine(a.ByDevice[d]))
		}
	}
	return nil
}

func usageLine(u map[string]int) string {
	return fmt.Sprintf("%d data, %d commands, %d wakes, %d signals, %d free", u["data"], u["commands"], u["wakes"], u["signals"], u["free"])
}
