package cli

import (
	"strings"
	"testing"
)

// TestSourceDateEpochRefusedAlike: every command that stamps a chart with
// $SOURCE_DATE_EPOCH refuses a value that is no number of seconds, before
// it reaches a registry (copy and bundle push used to ignore it).
func TestSourceDateEpochRefusedAlike(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "soon")
	chart := t.TempDir() // never read: the setting is refused first
	for _, args := range [][]string{
		{"push", chart, "oci://127.0.0.1:1/ns"},
		{"copy", "oci://127.0.0.1:1/ns/web:1.0.0", "--to", "oci://127.0.0.1:1/other"},
		{"bundle", "push", "bundle.tar", "--to", "oci://127.0.0.1:1/other"},
		{"package", chart},
	} {
		code, _, errOut := run(t, args...)
		if code != 1 || !strings.Contains(errOut, `SOURCE_DATE_EPOCH "soon"`) {
			t.Errorf("%v: exit %d, %s", args, code, errOut)
		}
	}
}
