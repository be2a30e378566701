package oci

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/tools"
)

// TestLockDigestMatchesHelmLocks recomputes the digest of every Chart.lock
// that Helm wrote in the shared charts.
func TestLockDigestMatchesHelmLocks(t *testing.T) {
	dir, err := tools.ChartsDir()
	if err != nil {
		t.Fatal(err)
	}
	locks, _ := filepath.Glob(filepath.Join(dir, "*", "Chart.lock"))
	if len(locks) < 3 {
		t.Fatalf("found only %d Chart.lock files in %s", len(locks), dir)
	}
	for _, p := range locks {
		ch, err := chartfmt.LoadDir(filepath.Dir(p))
		if err != nil {
			t.Fatal(err)
		}
		got, err := LockDigest(ch.Metadata.Dependencies, ch.Lock.Dependencies)
		if err != nil {
			t.Fatal(err)
		}
		if got != ch.Lock.Digest {
			raw, _ := os.ReadFile(p)
			t.Errorf("%s: digest %s, helm wrote %s\n%s", p, got, ch.Lock.Digest, raw)
		}
	}
}
