// Package setup is what an owner does once so that teslafleet can work,
// following Home Assistant's Tesla Fleet setup and its troubleshooting list,
// and the check that it is all still right.
//
//   - Keys: GenerateKey makes the app's P-256 command-signing key in the
//     data directory (PrivateKeyFile 0600, PublicKeyFile 0644) and refuses
//     to overwrite one without force (ErrKeyExists); ImportKey takes a key
//     made with openssl (SEC1 "EC PRIVATE KEY" or PKCS#8 "PRIVATE KEY", P-256
//     only: other curves, RSA and Ed25519 are refused with ErrBadKey naming
//     what was found); LoadKey reads it back (ErrNoKey). PublicKeyHex is the
//     key as Tesla's partner endpoints give it (the uncompressed point in
//     lower-case hex). The public key must be served at PublicKeyURL(domain)
//     with no redirect; HostPublicKey serves it on a loopback port.
//   - Registration: Register gets a partner token per region (NA and EU by
//     default), registers the domain (POST /api/1/partner_accounts) and
//     compares the key Tesla downloaded with ours. Failures are *Problem
//     values with Home Assistant's keys and exact messages (invalid_domain,
//     precondition_failed, invalid_response, public_key_not_found,
//     public_key_mismatch; ours: oauth_error) and a Fix saying what to do.
//     Registering again is harmless.
//   - Pairing: PairingURL is Tesla's virtual-key link (https://tesla.com/_ak/
//     <domain>), WriteQR draws it as a terminal QR code, PairingStatus reads
//     fleet_status (free) and WaitPaired polls it until every vehicle holds
//     the key.
//   - Doctor runs every check — the key file, a valid P-256 key, its
//     permissions, the hosted public key (no redirect, equal to ours), then
//     per account the token, the region (users/region, 421), the scopes and
//     what missing ones disable, the partner registration in the account's
//     region, each vehicle's command_signing and pairing, a 402, and the
//     clock against the Fleet API's Date header — and returns one Check per
//     line with an exact Fix for anything that is not right.
//
// No error, Problem or Check carries a token, a client secret or a private
// key.
package setup
