package setup

// Problem is a setup failure the owner can fix: Key is Home Assistant's
// error key where it has one ("invalid_domain", "precondition_failed",
// "invalid_response", "public_key_not_found", "public_key_mismatch"; ours:
// "oauth_error"), Message its text (Home Assistant's exact English where it
// has one), Fix what to do, and Err the cause (Tesla's answer), if any.
// No field ever holds a token, a client secret or a private key.
type Problem struct {
	Key     string
	Message string
	Fix     string
	Err     error
}

// The keys and messages of Home Assistant's config flow (strings.json).
const (
	KeyInvalidDomain      = "invalid_domain"
	KeyPreconditionFailed = "precondition_failed"
	KeyInvalidResponse    = "invalid_response"
	KeyPublicKeyNotFound  = "public_key_not_found"
	KeyPublicKeyMismatch  = "public_key_mismatch"
	KeyOAuthError         = "oauth_error"

	MsgInvalidDomain      = "Invalid domain format. Please enter a valid domain name."
	MsgPreconditionFailed = "The domain does not match the application's allowed origins."
	MsgInvalidResponse    = "The registration was rejected by Tesla"
	MsgPublicKeyNotFound  = "Public key not found."
	MsgPublicKeyMismatch  = "The public key hosted at your domain does not match the expected key. Please ensure the correct public key is hosted at the specified location."
	MsgOAuthError         = "Tesla refused the partner token request."
)

// Error is the message, then the cause, then the fix.
func (p *Problem) Error() string {
	s := p.Message
	if p.Err != nil {
		s += " (" + p.Err.Error() + ")"
	}
	if p.Fix != "" {
		s += " " + p.Fix
	}
	return s
}

// Unwrap returns the cause.
func (p *Problem) Unwrap() error { return p.Err }
