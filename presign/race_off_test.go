//go:build !race

package presign_test

const raceEnabled = false
