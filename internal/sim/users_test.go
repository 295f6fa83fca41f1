package sim

import (
	"regexp"
	"testing"
)

// GET /api/1/users/me: Tesla documents it under user_data, answering
// {"response":{"email","full_name","profile_image_url","vault_uuid"}}.
func TestUsersMe(t *testing.T) {
	c, err := NewInMemory(Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	m := newMemClient(t, c)
	url := InMemoryBaseURLs["NA"] + "/api/1/users/me"
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

	t.Run("with user_data", func(t *testing.T) {
		st, body := m.do("GET", url, m.token("openid", "user_data"), nil)
		if st != 200 {
			t.Fatalf("%d %s", st, body)
		}
		r := response(t, body)
		if len(r) != 4 {
			t.Errorf("fields %v; want email, full_name, profile_image_url, vault_uuid", r)
		}
		if r["email"] != demoEmail || r["full_name"] != "Owner" {
			t.Errorf("email %v, full_name %v", r["email"], r["full_name"])
		}
		if u, _ := r["vault_uuid"].(string); !uuid.MatchString(u) {
			t.Errorf("vault_uuid %q is not a uuid", u)
		}
		if u, _ := r["profile_image_url"].(string); !regexp.MustCompile(`^https://`).MatchString(u) {
			t.Errorf("profile_image_url %q", u)
		}
		// Stable: the same account, the same profile.
		_, again := m.do("GET", url, m.token("user_data"), nil)
		if response(t, again)["vault_uuid"] != r["vault_uuid"] {
			t.Error("vault_uuid changed between calls")
		}
	})
	t.Run("without user_data", func(t *testing.T) {
		st, body := m.do("GET", url, m.token("openid", "vehicle_device_data"), nil)
		if st != 403 {
			t.Fatalf("%d %s; want 403", st, body)
		}
		wantBody(t, body, `{"response":null,"error":"Unauthorized missing scopes","error_description":""}`)
	})
	t.Run("without a token", func(t *testing.T) {
		if st, _ := m.do("GET", url, "", nil); st != 401 {
			t.Errorf("%d; want 401", st)
		}
	})
}
