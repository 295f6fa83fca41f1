package oauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
)

// Errors of Mint.
var (
	ErrUnknownAccount = errors.New("oauth: unknown account")
	ErrUnknownClient  = errors.New("oauth: unknown client")
	ErrInvalidScope   = errors.New("oauth: invalid scope")
)

// Mint issues a user token pair as if account had just authorised the app
// clientID ("" = the demo app) for scopes (empty = all the app's scopes):
// an access token, a refresh token (always), and an id token with openid.
func (s *Server) Mint(account, clientID string, scopes []string) (Tokens, error) {
	if clientID == "" {
		clientID = s.demoID
	}
	app, ok := s.App(clientID)
	if !ok {
		return Tokens{}, fmt.Errorf("%w: %q", ErrUnknownClient, clientID)
	}
	if len(scopes) == 0 {
		scopes = app.Scopes
	}
	var granted []string
	for _, sc := range scopes {
		if !slices.Contains(app.Scopes, sc) {
			return Tokens{}, fmt.Errorf("%w: %q is not enabled for client %s", ErrInvalidScope, sc, clientID)
		}
		if !slices.Contains(granted, sc) {
			granted = append(granted, sc)
		}
	}
	accountID, region, ok := s.lookup(account)
	if !ok {
		return Tokens{}, fmt.Errorf("%w: %q", ErrUnknownAccount, account)
	}
	g := &grant{accountID: accountID, clientID: clientID, scopes: granted, authTime: s.now()}
	t, err := s.issueUser(g, region, true, "")
	if err != nil {
		return Tokens{}, err
	}
	s.count(StatMint)
	return t, nil
}

// handleSimTokens serves POST /_sim/tokens
// {"account":"owner@example.com","scopes":[…],"client_id":"…"}.
func (s *Server) handleSimTokens(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Account  string   `json:"account"`
		Scopes   []string `json:"scopes"`
		ClientID string   `json:"client_id"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{Error: "invalid_request", Description: "body must be JSON {\"account\",\"scopes\",\"client_id\"}: " + err.Error()})
		return
	}
	t, err := s.Mint(req.Account, req.ClientID, req.Scopes)
	if err != nil {
		code := "invalid_request"
		switch {
		case errors.Is(err, ErrUnknownAccount):
			code = "unknown_account"
		case errors.Is(err, ErrUnknownClient):
			code = "unauthorized_client"
		case errors.Is(err, ErrInvalidScope):
			code = "invalid_scope"
		}
		writeJSON(w, http.StatusBadRequest, errorBody{Error: code, Description: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, t)
}
