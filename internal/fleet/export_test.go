package fleet

// Test helpers shared with the black-box tests of package fleet_test.
var (
	FixtureDir      = fixtureDir
	AssertSameJSON  = assertSameJSON
	FixtureResponse = fixtureResponse
)
