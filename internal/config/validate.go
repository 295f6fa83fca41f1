package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// Validate checks every value and returns the first bad one as an *Error
// naming its key (Load adds the line or variable).
func (c Config) Validate() error {
	for _, check := range c.checks() {
		if msg := check.check(); msg != "" {
			return &Error{Key: check.key, Msg: msg}
		}
	}
	return nil
}

type check struct {
	key   string
	check func() string
}

func (c Config) checks() []check {
	cs := []check{
		{"data_dir", func() string {
			if strings.TrimSpace(c.DataDir) == "" {
				return "must not be empty"
			}
			return ""
		}},
		{"listen", func() string { return checkListen(c.Listen) }},
	}
	for i, tok := range c.APITokens {
		cs = append(cs, check{fmt.Sprintf("api_tokens[%d]", i), func() string { return checkToken(tok) }})
	}
	for i, p := range c.TrustedProxies {
		cs = append(cs, check{fmt.Sprintf("trusted_proxies[%d]", i), func() string {
			if _, err := ParseProxy(p); err != nil {
				return fmt.Sprintf("%q is not an IP address or CIDR prefix (10.0.0.1, 10.0.0.0/8, ::1)", p)
			}
			return ""
		}})
	}
	cs = append(cs,
		check{"units", func() string {
			return oneOf(string(c.Units), "units", UnitsMetric, UnitsImperial)
		}},
		check{"log.level", func() string {
			return oneOf(string(c.Log.Level), "level", LevelDebug, LevelInfo, LevelWarn, LevelError)
		}},
		check{"log.format", func() string {
			return oneOf(string(c.Log.Format), "format", LogText, LogJSON)
		}},
		check{"tesla.redirect_url", func() string { return checkURL(c.Tesla.RedirectURL, true) }},
		check{"tesla.domain", func() string { return checkDomain(c.Tesla.Domain) }},
	)
	for _, r := range []struct {
		name string
		auth AuthEndpoints
		api  string
	}{
		{"na", c.Tesla.Auth.NA, c.Tesla.FleetAPI.NA},
		{"eu", c.Tesla.Auth.EU, c.Tesla.FleetAPI.EU},
		{"cn", c.Tesla.Auth.CN, c.Tesla.FleetAPI.CN},
	} {
		cs = append(cs,
			check{"tesla.auth." + r.name + ".authorize_url", func() string { return checkURL(r.auth.AuthorizeURL, true) }},
			check{"tesla.auth." + r.name + ".token_url", func() string { return checkURL(r.auth.TokenURL, true) }},
		)
	}
	for _, r := range []struct{ name, api string }{
		{"na", c.Tesla.FleetAPI.NA}, {"eu", c.Tesla.FleetAPI.EU}, {"cn", c.Tesla.FleetAPI.CN},
	} {
		cs = append(cs, check{"tesla.fleet_api." + r.name, func() string { return checkURL(r.api, true) }})
	}
	cs = append(cs,
		check{"polling.interval", func() string {
			if d := c.Polling.Interval; d != 0 && (d < MinPollInterval || d > MaxPollInterval) {
				return fmt.Sprintf("%s is out of range (0 for the integration's cadence, or %s to %s)",
					formatDuration(d), formatDuration(MinPollInterval), formatDuration(MaxPollInterval))
			}
			return ""
		}},
		check{"history.retention", func() string {
			if c.History.Retention < 0 {
				return fmt.Sprintf("%s is out of range (0 keeps history forever, or a positive duration)", formatDuration(c.History.Retention))
			}
			return ""
		}},
		check{"hosting.https_listen", func() string { return checkListen(c.Hosting.HTTPSListen) }},
		check{"hosting.http_listen", func() string { return checkListen(c.Hosting.HTTPListen) }},
		check{"hosting.acme_email", func() string {
			if e := c.Hosting.ACMEEmail; e != "" && (!strings.Contains(e, "@") || strings.ContainsAny(e, " :/")) {
				return fmt.Sprintf("%q is not an email address", e)
			}
			return ""
		}},
		check{"hosting.acme", func() string {
			if c.Hosting.ACME && c.Tesla.Domain == "" {
				return "needs tesla.domain: the certificate is for the app's domain"
			}
			return ""
		}},
		check{"history.queue", func() string {
			if q := c.History.Queue; q < 1 || q > MaxQueue {
				return fmt.Sprintf("%d is out of range (1 to %d)", q, MaxQueue)
			}
			return ""
		}},
	)
	return append(cs, c.MQTT.checks()...)
}

func (m MQTT) checks() []check {
	return []check{
		{"mqtt.listen", func() string {
			if m.Listen == MQTTOff {
				return ""
			}
			return checkListen(m.Listen)
		}},
		{"mqtt.url", func() string {
			if m.URL == "" {
				return ""
			}
			u, err := url.Parse(m.URL)
			switch {
			case err != nil:
				return fmt.Sprintf("invalid URL %q", m.URL)
			case u.Scheme != "tcp" && u.Scheme != "ssl" && u.Scheme != "tls":
				return fmt.Sprintf("invalid URL %q: want tcp://, ssl:// or tls://", m.URL)
			case u.Hostname() == "" || u.Port() == "":
				return fmt.Sprintf("invalid URL %q: want host:port", m.URL)
			case u.User != nil:
				return "no user info in the URL: set mqtt.username and mqtt.password"
			}
			return ""
		}},
		{"mqtt.username", func() string {
			if m.Username != "" && m.Password == "" {
				return "needs mqtt.password"
			}
			return ""
		}},
		{"mqtt.password", func() string {
			if m.Password != "" && m.Username == "" {
				return "needs mqtt.username"
			}
			if m.Enabled && m.URL == "" && m.Listen != MQTTOff && m.Username == "" && !loopback(m.Listen) {
				return fmt.Sprintf("required: the embedded broker listens on %s, beyond loopback (set mqtt.username and mqtt.password, or listen on 127.0.0.1)", m.Listen)
			}
			return ""
		}},
		{"mqtt.client_cert", func() string {
			if msg := checkFile(m.ClientCert); msg != "" {
				return msg
			}
			if m.ClientCert != "" && !strings.HasPrefix(m.URL, "ssl://") && !strings.HasPrefix(m.URL, "tls://") {
				return "a client certificate needs an ssl:// or tls:// mqtt.url"
			}
			return ""
		}},
		{"mqtt.client_key", func() string {
			if msg := checkFile(m.ClientKey); msg != "" {
				return msg
			}
			if (m.ClientCert == "") != (m.ClientKey == "") {
				return "mqtt.client_cert and mqtt.client_key go together"
			}
			return ""
		}},
		{"mqtt.ca_file", func() string { return checkFile(m.CAFile) }},
		{"mqtt.discovery_prefix", func() string { return checkTopic(m.DiscoveryPrefix) }},
		{"mqtt.base_topic", func() string { return checkTopic(m.BaseTopic) }},
	}
}

// loopback reports whether a listen address is on loopback only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

// checkFile accepts no file or a readable one.
func checkFile(path string) string {
	if path == "" {
		return ""
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Sprintf("cannot read %q: %v", path, errors.Unwrap(err))
	}
	return ""
}

// checkTopic accepts a topic prefix: not empty, no wildcards, no empty
// level.
func checkTopic(t string) string {
	switch {
	case t == "":
		return "must not be empty"
	case strings.IndexFunc(t, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '/')
	}) >= 0:
		return fmt.Sprintf("invalid topic %q: letters, digits, _, - and / only", t)
	case strings.HasPrefix(t, "/") || strings.HasSuffix(t, "/") || strings.Contains(t, "//"):
		return fmt.Sprintf("invalid topic %q: no empty level (leading, trailing or double /)", t)
	}
	return ""
}

func oneOf[T ~string](v, what string, allowed ...T) string {
	names := make([]string, len(allowed))
	for i, a := range allowed {
		if string(a) == v {
			return ""
		}
		names[i] = string(a)
	}
	return fmt.Sprintf("unknown %s %q (%s or %s)", what, v, strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
}

func checkListen(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Sprintf("invalid address %q (want host:port, e.g. 127.0.0.1:8080 or :8080)", addr)
	}
	if strings.ContainsAny(host, " /") {
		return fmt.Sprintf("invalid host %q", host)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Sprintf("invalid port %q (0 to 65535)", port)
	}
	return ""
}

func checkToken(tok Secret) string {
	s := tok.Reveal()
	switch {
	case len(s) < MinAPITokenLen:
		return fmt.Sprintf("too short: an API token needs at least %d characters", MinAPITokenLen)
	case strings.ContainsAny(s, " \t\r\n,"):
		return "must not contain spaces or commas"
	}
	return ""
}

// checkURL accepts an absolute http or https URL with a host and no query or
// fragment.
func checkURL(raw string, required bool) string {
	if raw == "" {
		if required {
			return "must not be empty (want an http:// or https:// URL)"
		}
		return ""
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Sprintf("invalid URL %q", raw)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Sprintf("invalid URL %q: want http:// or https://", raw)
	case u.Host == "" || u.Hostname() == "":
		return fmt.Sprintf("invalid URL %q: no host", raw)
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return fmt.Sprintf("invalid URL %q: no query, fragment or user info allowed", raw)
	}
	return ""
}

var hostname = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$`)

func checkDomain(d string) string {
	if d == "" || hostname.MatchString(d) {
		return ""
	}
	return fmt.Sprintf("invalid domain %q (want a host name such as example.com, without https:// or a path)", d)
}

// ParseProxy reads a trusted proxy: an address (one host) or a CIDR prefix.
func ParseProxy(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// Proxies are the trusted proxies, parsed (Validate has checked them).
func (c Config) Proxies() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range c.TrustedProxies {
		if p, err := ParseProxy(s); err == nil {
			out = append(out, p)
		}
	}
	return out
}
