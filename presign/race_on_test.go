//go:build race

package presign_test

// raceEnabled shortens the differential test under the race detector,
// which makes the SDK side about 20 times slower; plain go test runs all
// 10,000 cases.
const raceEnabled = true
