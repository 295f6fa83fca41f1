// Package setup holds what an owner does once so that teslafleet can work:
// today the app's command-signing key pair and the hosting of its public
// key where Tesla fetches it (PublicKeyPath on the app's domain). Partner
// registration, pairing and doctor join it with the setup issue.
package setup
