package startup

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// settings reads the collector's settings without changing them.
func settings() (percent int, limit int64) {
	percent = debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

// Done keeps the collector off under a memory limit, and the first
// collection restores the environment's pacing.
func TestDoneRestoresPacingAfterFirstCollection(t *testing.T) {
	if p, _ := settings(); p != -1 {
		t.Fatalf("before Done: GC percent %d, want -1 (paused by the package initialiser)", p)
	}
	Done()
	if gcPercent != 100 {
		// GOGC set in the environment: its value applies at once.
		if p, _ := settings(); p != gcPercent {
			t.Fatalf("after Done with GOGC=%d: GC percent %d", gcPercent, p)
		}
		return
	}
	if p, l := settings(); p != -1 || l != FirstCollectionAt {
		t.Fatalf("after Done: GC percent %d, limit %d; want -1, %d", p, l, FirstCollectionAt)
	}
	runtime.GC()
	deadline := time.Now().Add(10 * time.Second)
	for {
		p, l := settings()
		if p == 100 && l == math.MaxInt64 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the first collection: GC percent %d, limit %d; want 100, no limit", p, l)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
