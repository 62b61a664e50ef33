//go:build race

package usage_test

// raceEnabled is true under -race, which makes the streaming tests slow.
const raceEnabled = true
