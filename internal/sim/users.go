package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"unicode"
)

// GET /api/1/users/me (scope user_data): the token subject's profile.
func (h *regionHandler) userMe(c *call) error {
	if c.p.Partner {
		return errMissingScopes()
	}
	a, ok := h.c.world.Account(c.p.Subject)
	if !ok {
		return newError(http.StatusNotFound, "not_found", "")
	}
	respond(c.w, map[string]any{
		"email":             a.Email,
		"full_name":         fullName(a.Email),
		"profile_image_url": "https://vehicle-files.prd.usw2.vn.cloud.tesla.com/profile_image/" + seededUUID("profile/"+a.ID) + ".png",
		"vault_uuid":        seededUUID("vault/" + a.ID),
	})
	return nil
}

// fullName makes a person's name of an email's local part:
// "jane.doe@example.com" → "Jane Doe".
func fullName(email string) string {
	local, _, _ := strings.Cut(email, "@")
	words := strings.FieldsFunc(local, func(r rune) bool { return !unicode.IsLetter(r) })
	for i, w := range words {
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		words[i] = string(r)
	}
	return strings.Join(words, " ")
}

// seededUUID is a stable version-4-shaped uuid derived from what.
func seededUUID(what string) string {
	sum := sha256.Sum256([]byte(what))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}
