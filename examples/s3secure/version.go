package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/s3secure/s3secure/policy"
)

func init() {
	register(&command{
		name:    "version",
		usage:   "version",
		summary: "which s3secure this is: its version, the commit it was built from, the Go toolchain and the size of its S3 action catalog",
		run:     runVersion,
	})
}

// develVersion is the version of a build that does not know its own: one
// from a checkout built without version control information (go build
// -buildvcs=false), or a test binary.
const develVersion = "(devel)"

// versionRecord says which s3secure made a verdict, as an audit record or
// a bug report should name it. Version is the module version Go stamped
// into the binary (v1.2.0 for go install ...@v1.2.0, a pseudo-version
// for a build from a checkout, "(devel)" when unknown); Commit and
// Modified come from the version control information Go stamps into a
// build from a checkout ("" and false when there is none); Actions is the
// number of s3: actions in the policy catalog this build was generated
// with, which says how recent its knowledge of S3 is.
type versionRecord struct {
	Version  string `json:"version"`
	Commit   string `json:"commit"`
	Modified bool   `json:"modified"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
	Actions  int    `json:"catalog_actions"`
}

// buildVersion reads the record from bi (from debug.ReadBuildInfo; nil
// when the binary has none).
func buildVersion(bi *debug.BuildInfo) versionRecord {
	r := versionRecord{Version: develVersion, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH, Actions: len(policy.Actions())}
	if bi == nil {
		return r
	}
	if v := bi.Main.Version; v != "" {
		r.Version = v
	}
	if bi.GoVersion != "" {
		r.Go = bi.GoVersion
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			r.Commit = s.Value
		case "vcs.modified":
			r.Modified = s.Value == "true"
		}
	}
	return r
}

// readBuildInfo is debug.ReadBuildInfo; tests replace it.
var readBuildInfo = debug.ReadBuildInfo

// thisVersion is buildVersion of the running binary.
func thisVersion() versionRecord {
	bi, _ := readBuildInfo()
	return buildVersion(bi)
}

// known returns the module version when the build knows it, else "".
func (r versionRecord) known() string {
	if r.Version == develVersion {
		return ""
	}
	return r.Version
}

// runVersion prints the running binary's versionRecord: one row and a
// summary line in text, one JSON object with -format json. It sends no
// request.
func runVersion(_ context.Context, g *globals, args []string) int {
	fs := g.newFlagSet(g.cmd)
	if code, ok := g.parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return g.fail(fmt.Errorf("version: unexpected argument %q", fs.Arg(0)))
	}
	r := thisVersion()
	writeRecords(g, []versionRecord{r}, []string{"version", "commit", "modified", "go", "platform", "catalog_actions"},
		func(r versionRecord) []any {
			commit := r.Commit
			if commit == "" {
				commit = "-"
			}
			return []any{r.Version, commit, r.Modified, r.Go, r.Platform, r.Actions}
		}, "s3secure "+r.Version)
	return exitOK
}
