package deployer

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// A pending revision whose operation's timeout has not run out may belong
// to a live process: recover refuses and says when it may, --force goes on.
func TestStateRecoverWaitsForTheDeadline(t *testing.T) {
	ctx := context.Background()
	d, s, _ := newMem()
	rel := memInstall(t, d, nil)
	stuck := *rel
	stuck.Info = &Info{FirstDeployed: rel.Info.FirstDeployed, LastDeployed: Now(), Status: StatusPendingUpgrade}
	stuck.Version, stuck.Deadline = 2, time.Now().Add(5*time.Minute)
	if err := s.Create(ctx, &stuck); err != nil {
		t.Fatal(err)
	}
	_, err := d.Recover(ctx, RecoverOptions{Target: memTarget})
	if !errors.Is(err, ErrPending) || !strings.Contains(err.Error(), "its timeout ends at") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("recover of a live revision: %v", err)
	}
	if _, err := d.Upgrade(ctx, memUpgradeOpts(nil)); !errors.Is(err, ErrPending) || !strings.Contains(err.Error(), "--force to do it now") {
		t.Fatalf("upgrade of a live revision: %v", err)
	}
	memHistory(t, d, StatusDeployed, StatusPendingUpgrade)
	if _, err := d.Recover(ctx, RecoverOptions{Target: memTarget, Force: true}); err != nil {
		t.Fatal(err)
	}
	memHistory(t, d, StatusDeployed, StatusFailed)
}

// The deadline is the operation's own --timeout from its start, and goes
// away once the revision is no longer pending.
func TestStateDeadlineRecordedWhilePending(t *testing.T) {
	d, s, c := newMem()
	memInstall(t, d, nil)
	var seen time.Time
	c.onWait = func() {
		c.onWait = nil
		r, err := s.Get(context.Background(), "ns", "r", 2)
		if err != nil {
			t.Error(err)
			return
		}
		seen = r.Deadline
	}
	opts := memUpgradeOpts(map[string]any{"message": "two"})
	opts.Wait = WaitOptions{Wait: true, Timeout: 7 * time.Minute}
	before := time.Now()
	if _, err := d.Upgrade(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if seen.Before(before.Add(7*time.Minute)) || seen.After(time.Now().Add(7*time.Minute)) {
		t.Errorf("deadline while pending = %v, want start + 7m (start %v)", seen, before)
	}
	h := memHistory(t, d, StatusSuperseded, StatusDeployed)
	if !h[1].Deadline.IsZero() {
		t.Errorf("deployed revision keeps a deadline: %v", h[1].Deadline)
	}
}

// Uninstall refuses while an operation holds the release, naming it;
// with Force it deletes the objects of every revision, including those
// only the deployed one had, so nothing is orphaned.
func TestStateUninstallPendingNeedsForceAndOrphansNothing(t *testing.T) {
	ctx := context.Background()
	d, s, c := newMem()
	rel := memInstall(t, d, map[string]any{"extra": true})
	stuck := *rel
	stuck.Info = &Info{FirstDeployed: rel.Info.FirstDeployed, LastDeployed: Now(), Status: StatusPendingUpgrade}
	stuck.Version, stuck.Deadline = 2, time.Now().Add(5*time.Minute)
	// The upgrade in flight renders no r-extra: Helm would orphan it.
	stuck.Manifest = strings.Join(manifestDocsWithout(rel.Manifest, "r-extra"), "---\n")
	if err := s.Create(ctx, &stuck); err != nil {
		t.Fatal(err)
	}
	_, err := d.Uninstall(ctx, UninstallOptions{Target: memTarget})
	if !errors.Is(err, ErrPending) || !strings.Contains(err.Error(), "busy: revision 2 is pending-upgrade") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("uninstall of a pending release: %v", err)
	}
	if c.get("", "ConfigMap", "ns", "r-extra") == nil {
		t.Fatal("a refused uninstall deleted objects")
	}
	res, err := d.Uninstall(ctx, UninstallOptions{Target: memTarget, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.objects); n != 0 {
		t.Errorf("%d objects left after uninstall --force: %v", n, res.Changes)
	}
	if _, err := d.History(ctx, memTarget); !errors.Is(err, ErrReleaseNotFound) {
		t.Errorf("history after uninstall: %v", err)
	}
}

// An object only an earlier revision had is deleted only while it still
// names the release as owner: someone may have made it again since.
func TestStateUninstallLeftoverOwnedByOthersKept(t *testing.T) {
	ctx := context.Background()
	d, _, c := newMem()
	memInstall(t, d, map[string]any{"extra": true})
	memUpgrade(t, d, map[string]any{"message": "two"}) // deletes r-extra
	if c.get("", "ConfigMap", "ns", "r-extra") != nil {
		t.Fatal("upgrade kept r-extra")
	}
	c.mu.Lock()
	c.objects[objectKey(schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, "ns", "r-extra")] = &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "r-extra", "namespace": "ns"}}}
	c.mu.Unlock()
	if _, err := d.Uninstall(ctx, UninstallOptions{Target: memTarget}); err != nil {
		t.Fatal(err)
	}
	if c.get("", "ConfigMap", "ns", "r-extra") == nil {
		t.Error("uninstall deleted a leftover object that no longer names the release")
	}
	if c.get("", "ConfigMap", "ns", "r-config") != nil {
		t.Error("uninstall left the release's own object")
	}
}

// An operation whose release is uninstalled (--force) while it waits stops
// at once with ErrReleaseGone, instead of waiting out its timeout, and
// records nothing.
func TestStateOperationStopsWhenReleaseUninstalled(t *testing.T) {
	ctx := context.Background()
	d, s, c := newMem()
	d.WatchInterval = 10 * time.Millisecond
	memInstall(t, d, nil)
	c.blockWait = true
	c.onWait = func() {
		c.onWait = nil
		if _, err := d.Uninstall(ctx, UninstallOptions{Target: memTarget, Force: true}); err != nil {
			t.Error(err)
		}
	}
	opts := memUpgradeOpts(map[string]any{"message": "two"})
	opts.Wait = WaitOptions{Wait: true, Timeout: 2 * time.Minute}
	opts.Failure.Atomic = true
	_, err := d.Upgrade(ctx, opts)
	if !errors.Is(err, ErrReleaseGone) || errors.Is(err, ErrWaitTimeout) {
		t.Fatalf("upgrade after its release was uninstalled: %v", err)
	}
	if _, err := d.History(ctx, memTarget); !errors.Is(err, ErrReleaseNotFound) {
		t.Errorf("the stopped upgrade recorded something: %v", err)
	}
	if len(c.objects) != 0 || len(s.revs) != 0 {
		t.Errorf("left behind: %d objects, %d revisions", len(c.objects), len(s.revs))
	}
}

// manifestDocsWithout drops the documents naming name.
func manifestDocsWithout(manifest, name string) []string {
	var out []string
	for _, doc := range strings.Split(manifest, "---\n") {
		if strings.TrimSpace(doc) != "" && !strings.Contains(doc, "name: "+name+"\n") {
			out = append(out, doc)
		}
	}
	return out
}

// A revision records the chart's origin as given; a rollback carries the
// target revision's origin, an upgrade from an unknown source records none.
func TestStateOriginRecorded(t *testing.T) {
	ctx := context.Background()
	d, _, _ := newMem()
	src := memSource()
	src.Origin = &Origin{Ref: "oci://reg.example/apps/mem@sha256:0123", Verified: []string{"chart signature (cosign, key cosign.pub)"}}
	if _, err := d.Install(ctx, InstallOptions{Target: memTarget, Source: src}); err != nil {
		t.Fatal(err)
	}
	memUpgrade(t, d, map[string]any{"message": "local"})
	if _, err := d.Rollback(ctx, RollbackOptions{Target: memTarget, Revision: 1}); err != nil {
		t.Fatal(err)
	}
	h := memHistory(t, d, StatusSuperseded, StatusSuperseded, StatusDeployed)
	if h[0].Origin == nil || *h[0].Origin.annotationRoundTrip() != *src.Origin.annotationRoundTrip() || h[1].Origin != nil || h[2].Origin == nil || h[2].Origin.Ref != src.Origin.Ref {
		t.Errorf("origins: %+v %+v %+v", h[0].Origin, h[1].Origin, h[2].Origin)
	}
}

func (o *Origin) annotationRoundTrip() *string {
	s := parseOrigin(o.annotation()).annotation()
	return &s
}
