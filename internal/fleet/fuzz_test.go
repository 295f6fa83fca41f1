package fleet

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzDecodeVehicleData: the vehicle_data decoder never panics, its errors
// are *DecodeError, and whatever decodes encodes back to the same JSON.
func FuzzDecodeVehicleData(f *testing.F) {
	for _, name := range []string{"vehicle_data.json", "vehicle_data_alt.json"} {
		full := readFixture(f, name)
		f.Add(full)
		for _, cut := range []int{1, 10, 100, len(full) / 3, len(full) / 2, len(full) - 2} {
			f.Add(full[:cut])
		}
	}
	f.Add([]byte(`{"response":{"charge_state":"x","vehicle_state":{"media_info":[1]},"drive_state":null}}`))
	f.Add([]byte(`{"response":{"charge_state":{"battery_level":1e999}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		vd, err := DecodeVehicleData(body)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || !errors.Is(err, ErrDecode) {
				t.Fatalf("error %T %v is not a *DecodeError", err, err)
			}
			return
		}
		out, err := json.Marshal(vd)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		var env struct{ Response json.RawMessage }
		_ = json.Unmarshal(body, &env)
		var want, got any
		if json.Unmarshal(env.Response, &want) == nil && json.Unmarshal(out, &got) == nil && mustJSON(want) != mustJSON(got) {
			t.Fatalf("round trip differs:\n%s\n%s", mustJSON(want), mustJSON(got))
		}
	})
}

func BenchmarkDecodeVehicleData(b *testing.B) {
	body := readFixture(b, "vehicle_data.json")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeVehicleData(body); err != nil {
			b.Fatal(err)
		}
	}
}
