package deployer

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// State-machine tests of locking, pending revisions, history and
// concurrency, in memory (see state_test.go).

func stuckRevision(t *testing.T, s *memStore, rel *Release, started time.Time) {
	t.Helper()
	stuck := *rel
	stuck.Info = &Info{FirstDeployed: rel.Info.FirstDeployed, LastDeployed: Time{started}, Status: StatusPendingUpgrade, Description: "Preparing upgrade"}
	stuck.Version = rel.Version + 1
	if err := s.Create(context.Background(), &stuck); err != nil {
		t.Fatal(err)
	}
}

func TestStatePendingTakeOver(t *testing.T) {
	ctx := context.Background()
	d, s, _ := newMem()
	stuckRevision(t, s, memInstall(t, d, nil), time.Now().Add(-time.Hour))
	opts := memUpgradeOpts(map[string]any{"message": "x"})
	if _, err := d.Upgrade(ctx, opts); !errors.Is(err, ErrPending) || !strings.Contains(err.Error(), "berth recover r -n ns") {
		t.Fatalf("upgrade of a pending release: %v", err)
	}
	opts.TakeOverAfter = 2 * time.Hour
	if _, err := d.Upgrade(ctx, opts); !errors.Is(err, ErrPending) {
		t.Fatalf("take-over of a recently active release: %v", err)
	}
	opts.TakeOverAfter = 30 * time.Minute
	opts.DryRun = DryRunServer
	if _, err := d.Upgrade(ctx, opts); err != nil {
		t.Fatal(err)
	}
	memHistory(t, d, StatusDeployed, StatusPendingUpgrade) // a dry run writes nothing
	opts.DryRun = DryRunNone
	if _, err := d.Upgrade(ctx, opts); err != nil {
		t.Fatal(err)
	}
	h := memHistory(t, d, StatusSuperseded, StatusFailed, StatusDeployed)
	if !strings.Contains(h[1].Info.Description, "taken over by an upgrade after 30m0s without activity") {
		t.Errorf("description = %q", h[1].Info.Description)
	}
}

func TestStateRecover(t *testing.T) {
	ctx := context.Background()
	d, s, _ := newMem()
	stuckRevision(t, s, memInstall(t, d, nil), time.Now())
	if _, err := d.Recover(ctx, RecoverOptions{Target: memTarget}); err != nil {
		t.Fatal(err)
	}
	memUpgrade(t, d, map[string]any{"message": "after"})
	memHistory(t, d, StatusSuperseded, StatusFailed, StatusDeployed)
	if _, err := d.Recover(ctx, RecoverOptions{Target: memTarget}); err == nil || !strings.Contains(err.Error(), "not pending") {
		t.Errorf("recover of a deployed release: %v", err)
	}
}

func TestStateMaxHistory(t *testing.T) {
	d, _, _ := newMem()
	memInstall(t, d, nil)
	for i := range 5 {
		opts := memUpgradeOpts(map[string]any{"message": strings.Repeat("y", i+1)})
		opts.Record.MaxHistory = 3
		if _, err := d.Upgrade(context.Background(), opts); err != nil {
			t.Fatal(err)
		}
	}
	h := memHistory(t, d, StatusSuperseded, StatusSuperseded, StatusDeployed)
	if h[0].Version != 4 || h[2].Version != 6 {
		t.Errorf("kept revisions %d..%d, want 4..6", h[0].Version, h[2].Version)
	}
}

func TestStateHistoryPrunedOnlyUnderLock(t *testing.T) {
	ctx := context.Background()
	d, s, _ := newMem()
	memInstall(t, d, nil)
	memUpgrade(t, d, map[string]any{"message": "2"})
	memUpgrade(t, d, map[string]any{"message": "3"})
	var once sync.Once
	s.afterHistory = func(string, string) {
		once.Do(func() { // another operation creates revision 4 first
			r, err := s.Get(ctx, "ns", "r", 3)
			if err != nil {
				t.Error(err)
				return
			}
			r.Version, r.Info.Status = 4, StatusPendingUpgrade
			if err := s.Create(ctx, r); err != nil {
				t.Error(err)
			}
		})
	}
	opts := memUpgradeOpts(map[string]any{"message": "4"})
	opts.Record.MaxHistory = 2
	if _, err := d.Upgrade(ctx, opts); !errors.Is(err, ErrLocked) {
		t.Fatalf("error = %v", err)
	}
	s.afterHistory = nil
	memHistory(t, d, StatusSuperseded, StatusSuperseded, StatusDeployed, StatusPendingUpgrade)
}

func TestStateConcurrentUpgrades(t *testing.T) {
	ctx := context.Background()
	d, s, _ := newMem()
	memInstall(t, d, nil)
	const n = 10
	var read sync.WaitGroup
	read.Add(n)
	s.afterHistory = func(string, string) { read.Done(); read.Wait() }
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = d.Upgrade(ctx, memUpgradeOpts(map[string]any{"message": strings.Repeat("x", i+1)}))
		}()
	}
	wg.Wait()
	s.afterHistory = nil
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, ErrLocked):
			t.Errorf("upgrade %d: %v", i, err)
		}
	}
	if won != 1 {
		t.Errorf("%d upgrades won revision 2", won)
	}
	memHistory(t, d, StatusSuperseded, StatusDeployed)
}

func TestStateUninstallBacksOffFromNewRevision(t *testing.T) {
	ctx := context.Background()
	d, s, c := newMem()
	memInstall(t, d, nil)
	var once sync.Once
	s.afterHistory = func(string, string) {
		once.Do(func() {
			r, _ := s.Get(ctx, "ns", "r", 1)
			r.Version, r.Info.Status = 2, StatusPendingUpgrade
			if err := s.Create(ctx, r); err != nil {
				t.Error(err)
			}
		})
	}
	if _, err := d.Uninstall(ctx, UninstallOptions{Target: memTarget}); !errors.Is(err, ErrLocked) {
		t.Fatalf("error = %v", err)
	}
	s.afterHistory = nil
	memHistory(t, d, StatusDeployed, StatusPendingUpgrade)
	if c.get("", "ConfigMap", "ns", "r-config") == nil {
		t.Error("uninstall deleted objects without the lock")
	}
}

func TestStateUpgradeBacksOffFromUninstall(t *testing.T) {
	ctx := context.Background()
	d, s, _ := newMem()
	memInstall(t, d, nil)
	var once sync.Once
	s.afterHistory = func(string, string) {
		once.Do(func() {
			r, _ := s.Get(ctx, "ns", "r", 1)
			r.Info.Status = StatusUninstalling
			if err := s.Update(ctx, r); err != nil {
				t.Error(err)
			}
		})
	}
	if _, err := d.Upgrade(ctx, memUpgradeOpts(map[string]any{"message": "x"})); !errors.Is(err, ErrLocked) {
		t.Fatalf("error = %v", err)
	}
	s.afterHistory = nil
	memHistory(t, d, StatusUninstalling)
}

func TestStateRecoverDuringWaitKeepsDeployedRevision(t *testing.T) {
	ctx := context.Background()
	d, _, c := newMem()
	memInstall(t, d, nil)
	c.onWait = func() {
		c.onWait = nil
		if _, err := d.Recover(ctx, RecoverOptions{Target: memTarget, Force: true}); err != nil {
			t.Error(err)
		}
	}
	opts := memUpgradeOpts(map[string]any{"message": "two"})
	opts.Wait.Wait = true
	if _, err := d.Upgrade(ctx, opts); !errors.Is(err, ErrConflict) {
		t.Fatalf("error = %v", err)
	}
	memHistory(t, d, StatusDeployed, StatusFailed)
}

func TestStateAtomicRollsBackDespiteConflict(t *testing.T) {
	ctx := context.Background()
	d, _, c := newMem()
	memInstall(t, d, nil)
	c.onWait = func() {
		c.onWait = nil
		if _, err := d.Recover(ctx, RecoverOptions{Target: memTarget, Force: true}); err != nil {
			t.Error(err)
		}
	}
	opts := memUpgradeOpts(map[string]any{"message": "broken", "unready": true})
	opts.Failure.Atomic = true
	_, err := d.Upgrade(ctx, opts)
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "has been rolled back due to atomic being set") {
		t.Fatalf("error = %v", err)
	}
	memHistory(t, d, StatusSuperseded, StatusFailed, StatusDeployed)
	if memMessage(t, c) != "hello" {
		t.Errorf("message = %q after the rollback", memMessage(t, c))
	}
}
