package world

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// account is an Account with its products in Tesla's listing order.
type account struct {
	Account
	products []product
	tags     map[string]*vehicle // VIN, id and id_s → vehicle
	siteIDs  map[int64]*site
}

// product is one entry of the account's products: a vehicle or an energy site.
type product struct {
	vehicle *vehicle
	site    *site
}

// accountID derives a stable uuid-like id from the seed and the email.
func accountID(seed int64, email string) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("account/%d/%s", seed, strings.ToLower(email))))
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

func validRegion(r string) bool {
	return r == "NA" || r == "EU" || r == "CN"
}

// Accounts lists every account in creation order.
func (w *World) Accounts() []Account {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]Account, 0, len(w.accounts))
	for _, a := range w.accounts {
		out = append(out, a.Account)
	}
	return out
}

// Account finds an account by id or (case-insensitive) email.
func (w *World) Account(idOrEmail string) (Account, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if a := w.account(idOrEmail); a != nil {
		return a.Account, true
	}
	return Account{}, false
}

func (w *World) account(idOrEmail string) *account {
	for _, a := range w.accounts {
		if a.ID == idOrEmail || strings.EqualFold(a.Email, idOrEmail) {
			return a
		}
	}
	return nil
}

// AddAccount creates an account with no products, or returns the existing
// account with that email. An unknown region becomes "NA".
func (w *World) AddAccount(email, region string) Account {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.addAccount(email, region).Account
}

func (w *World) addAccount(email, region string) *account {
	if a := w.account(email); a != nil {
		return a
	}
	region = strings.ToUpper(region)
	if !validRegion(region) {
		region = "NA"
	}
	a := &account{Account: Account{ID: accountID(w.opts.Seed, email), Email: email, Region: region},
		tags: map[string]*vehicle{}, siteIDs: map[int64]*site{}}
	w.accounts = append(w.accounts, a)
	return a
}

// SetAccountRegion moves an account to another region ("NA", "EU" or "CN").
func (w *World) SetAccountRegion(idOrEmail, region string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a := w.account(idOrEmail)
	if a == nil {
		return fmt.Errorf("%w: account %q", ErrNotFound, idOrEmail)
	}
	region = strings.ToUpper(region)
	if !validRegion(region) {
		return paramError("region %q is not NA, EU or CN", region)
	}
	a.Region = region
	return nil
}
