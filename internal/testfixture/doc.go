// Package testfixture reads Home Assistant's Tesla response fixtures
// (testdata/ha at the repository root) for the tests of the packages that
// serve entities (web, ui). Only tests import it.
package testfixture
