package entity

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// Numbers in states are printed as Home Assistant (Python) prints them: an
// integer as itself ("77"), a float with the shortest repr that reads back
// the same float ("2.775", "0.0", "429.48563328", "1e-05"). A JSON number
// keeps whether it was written as an integer or a float.

// pyFloat is Python's repr of a float: shortest round-trip digits, a ".0"
// on integral values, scientific notation below 1e-4 and from 1e16.
func pyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	// Shortest digits and the exponent, from Go's 'e' format: d.ddde±XX.
	e := strconv.FormatFloat(f, 'e', -1, 64)
	neg := strings.HasPrefix(e, "-")
	e = strings.TrimPrefix(e, "-")
	mant, expS, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expS)
	digits := strings.Replace(mant, ".", "", 1)
	decpt := exp + 1 // position of the decimal point after the first digit
	var s string
	if decpt <= -4 || decpt > 16 {
		// Scientific: d[.ddd]e±XX with at least two exponent digits.
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		sign := "+"
		if exp < 0 {
			sign, exp = "-", -exp
		}
		es := strconv.Itoa(exp)
		if len(es) < 2 {
			es = "0" + es
		}
		s = m + "e" + sign + es
	} else {
		switch {
		case decpt <= 0:
			s = "0." + strings.Repeat("0", -decpt) + digits
		case decpt >= len(digits):
			s = digits + strings.Repeat("0", decpt-len(digits)) + ".0"
		default:
			s = digits[:decpt] + "." + digits[decpt:]
		}
	}
	if neg {
		s = "-" + s
	}
	return s
}

// pyFixed is Python's f"{f:.{prec}f}": correctly rounded to prec digits.
func pyFixed(f float64, prec int) string {
	if prec < 0 {
		prec = 0
	}
	return strconv.FormatFloat(f, 'f', prec, 64) // both round the exact binary value, ties to even
}

// number is a numeric value as Python would hold it: an int or a float.
type number struct {
	f     float64
	i     int64
	isInt bool
}

func (n number) float() float64 {
	if n.isInt {
		return float64(n.i)
	}
	return n.f
}

// String prints the number as Python's str() does.
func (n number) String() string {
	if n.isInt {
		return strconv.FormatInt(n.i, 10)
	}
	return pyFloat(n.f)
}

// asNumber reads a value as Python would see a JSON number: json.Number
// written without a fraction or exponent is an int, anything else a float.
// Booleans are not numbers here (Home Assistant's get_number refuses them).
func asNumber(v any) (number, bool) {
	switch x := v.(type) {
	case json.Number:
		s := string(x)
		if !strings.ContainsAny(s, ".eE") {
			if i, err := strconv.ParseInt(s, 10, 64); err == nil {
				return number{i: i, isInt: true}, true
			}
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return number{}, false
		}
		return number{f: f}, true
	case int:
		return number{i: int64(x), isInt: true}, true
	case int64:
		return number{i: x, isInt: true}, true
	case float64:
		return number{f: x}, true
	case number:
		return x, true
	}
	return number{}, false
}

// pyStr is Python's str() of a JSON-ish value, as a state.
func pyStr(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "True"
		}
		return "False"
	}
	if n, ok := asNumber(v); ok {
		return n.String()
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// truthy is Python's bool() of a JSON-ish value.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	if n, ok := asNumber(v); ok {
		return n.float() != 0
	}
	return true
}
