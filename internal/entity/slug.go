package entity

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Slugify is Home Assistant's slugify, for surfaces that name things as
// the registry does (MQTT topics).
func Slugify(text string) string { return slugify(text) }

// slugify is Home Assistant's slugify(text, separator="_"): letters folded
// to ASCII, lower case, apostrophes dropped, every other run of characters
// that is not a letter or digit one "_", none at the ends; "unknown" when
// nothing is left.
func slugify(text string) string {
	var b strings.Builder
	pending := false
	for _, r := range norm.NFKD.String(text) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // accents, after decomposition
		case r == '\'' || r == '’':
			continue
		}
		for _, r := range fold(r) {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				if pending && b.Len() > 0 {
					b.WriteByte('_')
				}
				pending = false
				b.WriteRune(r)
				continue
			}
			pending = true
		}
	}
	if b.Len() == 0 {
		return "unknown"
	}
	return b.String()
}

// fold lower-cases r and spells the Latin letters that do not decompose
// into ASCII as transliteration does.
func fold(r rune) string {
	r = unicode.ToLower(r)
	if s, ok := latin[r]; ok {
		return s
	}
	return string(r)
}

var latin = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ł': "l", 'ı': "i", 'þ': "th", 'ð': "d",
}
