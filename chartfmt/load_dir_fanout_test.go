package chartfmt

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLoadDirSymlinkFanOut: links that stay inside the chart but point to a
// folder of links, 12 levels of 6, make 6^12 paths out of 73 folders. The
// walk must stop at the entry cap with a clear error instead of walking
// until memory runs out.
func TestLoadDirSymlinkFanOut(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte(minimalChartYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "fan", "l0"), 0o755); err != nil {
		t.Fatal(err)
	}
	for level := 1; level <= 12; level++ {
		d := filepath.Join(dir, "fan", fmt.Sprintf("l%d", level))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 6; i++ {
			if err := os.Symlink(fmt.Sprintf("../l%d", level-1), filepath.Join(d, fmt.Sprintf("s%d", i))); err != nil {
				t.Fatal(err)
			}
		}
	}
	done := make(chan error, 1)
	go func() {
		_, err := LoadDir(dir)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "more than 100000 entries") {
			t.Fatalf("error = %v, want the entry cap", err)
		}
	case <-time.After(2 * time.Minute): // a hang guard, not a speed target
		t.Fatal("LoadDir still walking the link fan-out after 2 minutes")
	}
}
