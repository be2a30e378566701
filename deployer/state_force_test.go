package deployer

import (
	"context"
	"fmt"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestStateForceReplace: --force is planned as a replace for install,
// upgrade and rollback, and the rollback an atomic upgrade falls back on
// replaces too (Helm passes Force on).
func TestStateForceReplace(t *testing.T) {
	ctx := context.Background()
	d, _, c := newMem()
	force := Options{Method: ApplyMethod{Replace: true}}
	if _, err := d.Install(ctx, InstallOptions{Target: memTarget, Source: memSource(), Options: force}); err != nil {
		t.Fatal(err)
	}
	up := memUpgradeOpts(map[string]any{"message": "two"})
	up.Options = force
	if _, err := d.Upgrade(ctx, up); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Rollback(ctx, RollbackOptions{Target: memTarget, Revision: 1, Options: force}); err != nil {
		t.Fatal(err)
	}
	up = memUpgradeOpts(map[string]any{"message": "broken", "unready": true})
	up.Options = force
	up.Failure.Atomic = true
	if _, err := d.Upgrade(ctx, up); err == nil || !strings.Contains(err.Error(), "rolled back due to atomic") {
		t.Fatalf("atomic upgrade: %v", err)
	}
	if _, err := d.Upgrade(ctx, memUpgradeOpts(map[string]any{"message": "patched"})); err != nil {
		t.Fatal(err)
	}
	var got []bool
	for _, a := range c.applies {
		got = append(got, a.Replace)
	}
	want := "[true true true true true false]" // install, upgrade, rollback, upgrade, its rollback, plain upgrade
	if fmt.Sprint(got) != want {
		t.Fatalf("Replace per apply = %v, want %s", got, want)
	}
	memHistory(t, d, StatusSuperseded, StatusSuperseded, StatusSuperseded, StatusFailed, StatusSuperseded, StatusDeployed)
}

// TestStateForceRefusesServerSide: replacing and server-side apply do not
// mix, with Helm 4's errors, also for a release latched to server-side
// apply; nothing is recorded.
func TestStateForceRefusesServerSide(t *testing.T) {
	ctx := context.Background()
	d, s, _ := newMem()
	_, err := d.Install(ctx, InstallOptions{Target: memTarget, Source: memSource(),
		Options: Options{Method: ApplyMethod{Replace: true, ServerSide: true}}})
	if err == nil || err.Error() != "invalid operation: cannot use server-side apply and force replace together" {
		t.Fatalf("install --server-side --force: %v", err)
	}
	if len(s.revs) != 0 {
		t.Fatalf("a refused install recorded %d revisions", len(s.revs))
	}
	if _, err := d.Install(ctx, InstallOptions{Target: memTarget, Source: memSource(), Options: Options{Method: ApplyMethod{ServerSide: true}}}); err != nil {
		t.Fatal(err)
	}
	up := memUpgradeOpts(nil)
	up.Method = ApplyMethod{Replace: true}
	if _, err := d.Upgrade(ctx, up); err == nil || !strings.Contains(err.Error(), "cannot use server-side apply and force replace together (revision 1") {
		t.Fatalf("upgrade --force of a server-side release: %v", err)
	}
	up.Method = ApplyMethod{Replace: true, ForceConflicts: true}
	if _, err := d.Upgrade(ctx, up); err == nil || err.Error() != "invalid operation: cannot use force conflicts and force replace together" {
		t.Fatalf("upgrade --force --force-conflicts: %v", err)
	}
	memHistory(t, d, StatusDeployed)
}

// TestStateUninstallCascade: the cascade reaches every delete of an
// uninstall, leftovers of earlier revisions included; background is the
// default.
func TestStateUninstallCascade(t *testing.T) {
	ctx := context.Background()
	for _, cascade := range []string{"background", "foreground", "orphan"} {
		d, _, c := newMem()
		memInstall(t, d, map[string]any{"extra": true})
		memUpgrade(t, d, map[string]any{"extra": false}) // r-extra is a leftover now
		p, err := ParseCascade(cascade)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Uninstall(ctx, UninstallOptions{Target: memTarget, Cascade: p}); err != nil {
			t.Fatal(err)
		}
		if len(c.deletes) != 2 {
			t.Fatalf("%s: %d deletes, want the release's and the leftovers'", cascade, len(c.deletes))
		}
		for _, del := range c.deletes {
			if del.Propagation != metav1.DeletionPropagation(strings.ToUpper(cascade[:1])+cascade[1:]) {
				t.Errorf("%s: delete with propagation %q", cascade, del.Propagation)
			}
		}
	}
	if _, err := ParseCascade("sideways"); err == nil || err.Error() != `invalid cascade value (sideways). Must be "background", "foreground", or "orphan"` {
		t.Errorf("ParseCascade(sideways) = %v", err)
	}
}
