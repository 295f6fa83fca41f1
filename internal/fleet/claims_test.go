package fleet

import (
	"errors"
	"testing"
)

func TestParseClaims(t *testing.T) {
	tok := fakeJWT(map[string]any{
		"iss": "https://auth.tesla.com/oauth2/v3/nts", "azp": "cid", "sub": "user-uuid",
		"aud": []string{"https://fleet-api.prd.na.vn.cloud.tesla.com", "https://auth.tesla.com/oauth2/v3/userinfo"},
		"scp": []string{"openid", "vehicle_device_data", "vehicle_cmds"}, "exp": 1716670965, "iat": 1716642165,
		"ou_code": "NA", "locale": "ko-KR",
	})
	cl, err := ParseClaims(tok)
	if err != nil {
		t.Fatal(err)
	}
	r, ok := cl.Region()
	if cl.Subject != "user-uuid" || cl.AuthorizedParty != "cid" || len(cl.Audience) != 2 || r != RegionNA || !ok ||
		!cl.HasScope("vehicle_cmds") || cl.HasScope("energy_cmds") || cl.ExpiresAt.Unix() != 1716670965 || cl.IssuedAt.Unix() != 1716642165 {
		t.Errorf("claims %+v", cl)
	}
	cl, err = ParseClaims(fakeJWT(map[string]any{"scp": "openid energy_cmds", "aud": "https://x", "ou_code": "xx"}))
	if err != nil || !cl.HasScope("energy_cmds") || len(cl.Audience) != 1 {
		t.Errorf("string scp/aud: %+v %v", cl, err)
	}
	if _, ok := cl.Region(); ok {
		t.Error("unknown ou_code gave a region")
	}
	for _, bad := range []string{"", "abc", "a.!!!.c", "a." + "bm90IGpzb24" + ".c"} {
		if _, err := ParseClaims(bad); !errors.Is(err, ErrDecode) {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
}
