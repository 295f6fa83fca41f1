// Package testfixture holds what several packages' tests share: Home
// Assistant's Tesla response fixtures (testdata/ha at the repository root)
// and a fleet built from them, for the packages that serve entities (web,
// ui), and the set-up of the Node projects whose real clients test our
// surfaces (npm ci from a lock file). Only tests import it.
package testfixture
