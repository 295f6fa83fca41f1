package sim

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// keyServer hosts a fresh P-256 public key at Tesla's well-known path.
func keyServer(t *testing.T) (srv *httptest.Server, pointHex string, pemText string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pemText = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	ek, err := k.PublicKey.ECDH()
	if err != nil {
		t.Fatal(err)
	}
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != publicKeyPath {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/x-pem-file")
		_, _ = w.Write([]byte(pemText))
	}))
	t.Cleanup(srv.Close)
	return srv, hex.EncodeToString(ek.Bytes()), pemText
}

func TestPartnerRegistrationAndPairing(t *testing.T) {
	keys, point, _ := keyServer(t)
	junk := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n"))
	}))
	t.Cleanup(junk.Close)
	x25519, _ := ecdh.X25519().GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(x25519.PublicKey())
	wrongCurve := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_ = pem.Encode(w, &pem.Block{Type: "PUBLIC KEY", Bytes: der})
	}))
	t.Cleanup(wrongCurve.Close)
	e := startEnv(t, map[string]string{
		"example.com":        keys.URL,
		"junk.example.com":   junk.URL,
		"curve.example.com":  wrongCurve.URL,
		"broken.example.com": "http://127.0.0.1:1", // nothing listens
	})
	app := e.addApp("https://www.example.com")
	ptok := e.partnerToken(app.ClientID, app.ClientSecret)
	utok := e.tokenFor(app.ClientID, "vehicle_device_data", "vehicle_cmds")

	cases := []struct {
		name   string
		token  string
		domain string
		status int
		error  string // prefix of the error field
	}{
		{"user token", utok, "example.com", 403, "Expected partner account"},
		{"scheme", ptok, "https://example.com", 400, "Invalid domain: https://example.com. Ensure that domain is lowercase and starts without https://"},
		{"upper case", ptok, "Example.com", 400, "Invalid domain: Example.com."},
		{"other root domain", ptok, "example.org", 412, "Root domain example.org does not match"},
		{"unknown host", ptok, "nowhere.example.com", 424, "Public key download failed for https://nowhere.example.com/.well-known/appspecific/com.tesla.3p.public-key.pem, error: "},
		{"connection refused", ptok, "broken.example.com", 424, "Public key download failed for https://broken.example.com/"},
		{"not a key", ptok, "junk.example.com", 424, "Public key download failed for https://junk.example.com/"},
		{"not P-256", ptok, "curve.example.com", 424, "Public key download failed for https://curve.example.com/"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, body := e.do("POST", "NA", "/api/1/partner_accounts", c.token, map[string]string{"domain": c.domain})
			if st != c.status {
				t.Fatalf("%d %s, want %d", st, body, c.status)
			}
			var eb errorBody
			mustJSON(t, body, &eb)
			if !strings.HasPrefix(eb.Error, c.error) {
				t.Errorf("error %q, want prefix %q", eb.Error, c.error)
			}
		})
	}

	// Not registered yet: the app's user calls fail with 412.
	if st, _ := e.do("GET", "NA", "/api/1/products", utok, nil); st != 412 {
		t.Errorf("before registration: %d", st)
	}
	st, body := e.do("POST", "NA", "/api/1/partner_accounts", ptok, map[string]string{"domain": "example.com"})
	if st != 200 {
		t.Fatalf("register: %d %s", st, body)
	}
	reg := response(t, body)
	if reg["public_key"] != point || reg["domain"] != "example.com" || reg["client_id"] != app.ClientID ||
		reg["enterprise_tier"] != "free" || reg["ca"] != nil {
		t.Errorf("registration = %v", reg)
	}
	st, body = e.do("GET", "NA", "/api/1/partner_accounts/public_key?domain=example.com", ptok, nil)
	if st != 200 || response(t, body)["public_key"] != point {
		t.Errorf("public_key: %d %s", st, body)
	}
	if st, _ := e.do("GET", "NA", "/api/1/partner_accounts/public_key?domain=unknown.com", ptok, nil); st != 404 {
		t.Errorf("public_key of an unknown domain: %d", st)
	}
	if st, body := e.do("GET", "NA", "/api/1/products", utok, nil); st != 200 {
		t.Errorf("after registration in NA: %d %s", st, body)
	}

	// Registered in NA only: once the user lives in EU, EU answers 412.
	e.ctl("PATCH", "/_sim/accounts/"+demoEmail, map[string]any{"region": "EU"})
	st, body = e.do("GET", "EU", "/api/1/products", utok, nil)
	if st != 412 || !strings.Contains(string(body), "must be registered in the current region "+e.s.URLs["EU"]) {
		t.Errorf("EU without registration: %d %s", st, body)
	}
	e.ctl("PATCH", "/_sim/accounts/"+demoEmail, map[string]any{"region": "NA"})

	// Pairing: the owner taps https://tesla.com/_ak/example.com?vin=… .
	statusOf := func() map[string]any {
		t.Helper()
		st, body := e.do("POST", "NA", "/api/1/vehicles/fleet_status", utok, map[string]any{"vins": []string{e.m3, e.ms}})
		if st != 200 {
			t.Fatalf("fleet_status: %d %s", st, body)
		}
		return response(t, body)
	}
	fs := statusOf()
	if got := fs["key_paired_vins"].([]any); len(got) != 0 {
		t.Errorf("paired before pairing: %v", got)
	}
	st, body = e.do("GET", "NA", "/_ak/example.com?vin="+e.m3, "", nil)
	if st != 200 {
		t.Fatalf("_ak: %d %s", st, body)
	}
	fs = statusOf()
	if got := anyStrings(fs["key_paired_vins"]); !slices.Equal(got, []string{e.m3}) {
		t.Errorf("key_paired_vins = %v", got)
	}
	if got := anyStrings(fs["unpaired_vins"]); !slices.Equal(got, []string{e.ms}) {
		t.Errorf("unpaired_vins = %v", got)
	}
	info, _ := fs["vehicle_info"].(map[string]any)[e.m3].(map[string]any)
	if info["vehicle_command_protocol_required"] != true || info["total_number_of_keys"] != 1.0 ||
		info["fleet_telemetry_version"] != "1.0.0" || info["discounted_device_data"] != false {
		t.Errorf("vehicle_info[%s] = %v", e.m3, info)
	}
	var keysResp struct {
		Keys []string `json:"keys"`
	}
	mustJSON(t, e.ctl("GET", "/_sim/vehicles/"+e.m3+"/keys", nil), &keysResp)
	if !slices.Equal(keysResp.Keys, []string{point}) {
		t.Errorf("car keys = %v", keysResp.Keys)
	}
	// Pairing errors.
	for path, want := range map[string]int{
		"/_ak/example.com?vin=NOSUCHVIN":    404,
		"/_ak/nowhere.example.com":          424,
		"/_ak/junk.example.com?vin=" + e.ms: 424,
	} {
		if st, body := e.do("GET", "NA", path, "", nil); st != want {
			t.Errorf("%s: %d %s, want %d", path, st, body, want)
		}
	}
	// Without vin: every vehicle of the account.
	if st, body := e.do("GET", "NA", "/_ak/example.com", "", nil); st != 200 {
		t.Fatalf("_ak without vin: %d %s", st, body)
	}
	if got := anyStrings(statusOf()["key_paired_vins"]); len(got) != 2 {
		t.Errorf("after pairing all: %v", got)
	}
}

func TestPairKeyDirectly(t *testing.T) {
	e := startEnv(t, nil)
	_, point, pemText := keyServer(t)
	e.ctl("POST", "/_sim/vehicles/"+e.ms+"/keys", map[string]string{"public_key": pemText})
	var keys struct {
		Keys []string `json:"keys"`
	}
	mustJSON(t, e.ctl("GET", "/_sim/vehicles/"+e.ms+"/keys", nil), &keys)
	if !slices.Equal(keys.Keys, []string{point}) {
		t.Errorf("keys = %v", keys.Keys)
	}
	// The demo app has no registered key: any paired key counts.
	st, body := e.do("POST", "NA", "/api/1/vehicles/fleet_status", e.tok, map[string]any{"vins": []string{e.ms}})
	if st != 200 || !slices.Equal(anyStrings(response(t, body)["key_paired_vins"]), []string{e.ms}) {
		t.Errorf("fleet_status: %d %s", st, body)
	}
	info, _ := response(t, body)["vehicle_info"].(map[string]any)
	if ms, _ := info[e.ms].(map[string]any); ms["firmware_version"] != "2023.44.30.8" {
		t.Errorf("fleet_status firmware_version = %v, want the car_version's first word", ms["firmware_version"])
	}
	if st, _ := e.do("POST", "NA", "/_sim/vehicles/"+e.ms+"/keys", "", map[string]string{"public_key": "nope"}); st != 400 {
		t.Errorf("bad key accepted: %d", st)
	}
	e.ctl("DELETE", "/_sim/vehicles/"+e.ms+"/keys", map[string]string{"public_key": point})
	mustJSON(t, e.ctl("GET", "/_sim/vehicles/"+e.ms+"/keys", nil), &keys)
	if len(keys.Keys) != 0 {
		t.Errorf("after DELETE: %v", keys.Keys)
	}
}

func anyStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}
