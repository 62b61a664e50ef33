// Package secrettest checks that values holding secrets (secret access
// keys, session tokens, signatures, private keys) never print them, whatever
// fmt verb, flag or container formats them.
package secrettest

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

// Verbs are the fmt verbs, with the flags that change how a value is
// walked or encoded, that Check formats every value with.
var Verbs = []string{
	"%v", "%+v", "%#v", "%s", "%q", "%#q", "%+q", "%x", "%X", "% x", "%#x",
	"%d", "%o", "%O", "%b", "%c", "%U", "%e", "%f", "%g", "%t", "%10.3v", "%-40s",
}

// Check formats each value with every verb of Verbs, alone, in a slice, in
// a map, and in an exported struct field, and fails
// t when the output holds any of secrets (or its first 12 characters), in
// plain text or hex encoded. Empty secrets are ignored. Pass a pointer and
// the value it points to as two values when both can be printed.
func Check(t testing.TB, values []any, secrets ...string) {
	t.Helper()
	var needles []string
	for _, s := range secrets {
		if s == "" {
			continue
		}
		if len(s) > 12 {
			s = s[:12]
		}
		needles = append(needles, s, hex.EncodeToString([]byte(s)), strings.ToUpper(hex.EncodeToString([]byte(s))))
	}
	if len(needles) == 0 {
		t.Fatal("secrettest: no secret to look for")
	}
	for i, v := range values {
		forms := []any{v, []any{v}, map[string]any{"k": v}, struct{ X any }{v}}
		for _, verb := range Verbs {
			for j, form := range forms {
				out := fmt.Sprintf(verb, form)
				for _, n := range needles {
					if strings.Contains(out, n) {
						t.Errorf("value %d (%T), form %d, %s prints a secret: %s", i, v, j, verb, out)
					}
				}
			}
		}
	}
}
