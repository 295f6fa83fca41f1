package ui

import "testing"

func TestUSD(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want string
	}{
		{0, "$0.000"}, {0.004, "$0.004"}, {0.0005, "$0.001"}, {9.9994, "$9.999"}, {10, "$10.00"},
		{5184, "$5,184.00"}, {1234567.891, "$1,234,567.89"}, {-2.5, "-$2.500"}, {-1234.5, "-$1,234.50"},
	} {
		t.Run(c.want, func(t *testing.T) {
			if got := usd(c.in); got != c.want {
				t.Errorf("usd(%v) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}
