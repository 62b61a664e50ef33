package s3securetest_test

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/s3secure/s3secure/internal/fakeutil"
)

// TestUserModule runs the tests of examples/usertest, a module of its own
// that imports s3securetest as a user's code does (the toolchain refuses
// imports of internal/ across modules there). go test ./... does not
// descend into a nested module, so this test does.
func TestUserModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds another module")
	}
	// The go command that runs this test is the one on PATH (go test
	// ./...); runtime.GOROOT is deprecated for finding it.
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is not on PATH: %v", err)
	}
	cmd := exec.CommandContext(t.Context(), goTool, "test", "-count=1", "./...")
	cmd.Dir = filepath.Join("..", "examples", "usertest")
	cmd.Env = fakeutil.ProcessEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test in examples/usertest: %v\n%s", err, out)
	}
}
