package deployer

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/berth-dev/berth/chartfmt"
)

// State-machine tests on the in-memory store and cluster (memory_test.go):
// they run in milliseconds; the control-plane tests are the proof that
// *Store and *Kube behave the same way.

var memTarget = Target{Name: "r", Namespace: "ns"}

// memSource renders ConfigMap <name>-config (data.message = .message,
// default "hello") and Deployment <name>, never ready with .unready (as a
// Deployment whose pods cannot be scheduled); .extra adds ConfigMap
// <name>-extra, .hook adds a Job hook <name>-hook for that event,
// .clusterRole adds ClusterRole <name>-cr and .sharedIn ConfigMap
// <name>-shared in that namespace.
func memSource() Source {
	return Source{
		Chart: &Chart{Metadata: &chartfmt.Metadata{Name: "mem", Version: "1.0.0"}},
		Render: func(_ context.Context, req RenderRequest) (*Rendered, error) {
			msg := "hello"
			if m, ok := req.Values["message"].(string); ok {
				msg = m
			}
			doc := func(kind, apiVersion, name, body string) Manifest {
				return Manifest{Source: "mem/templates/" + strings.ToLower(kind) + ".yaml",
					Content: fmt.Sprintf("apiVersion: %s\nkind: %s\nmetadata:\n  name: %s\n%s", apiVersion, kind, name, body)}
			}
			r := &Rendered{Manifests: []Manifest{
				doc("ConfigMap", "v1", req.Name+"-config", fmt.Sprintf("data:\n  message: %q\n", msg)),
				doc("Deployment", "apps/v1", req.Name, "spec:\n  replicas: 1\n"),
			}}
			if req.Values["unready"] == true {
				r.Manifests[1].Content = strings.Replace(r.Manifests[1].Content, "metadata:\n", "metadata:\n  annotations:\n    mem/unready: \"true\"\n", 1)
			}
			if req.Values["extra"] == true {
				r.Manifests = append(r.Manifests, doc("ConfigMap", "v1", req.Name+"-extra", ""))
			}
			if req.Values["clusterRole"] == true {
				r.Manifests = append(r.Manifests, doc("ClusterRole", "rbac.authorization.k8s.io/v1", req.Name+"-cr", "rules: []\n"))
			}
			if ns, ok := req.Values["sharedIn"].(string); ok {
				r.Manifests = append(r.Manifests, doc("ConfigMap", "v1", req.Name+"-shared", ""))
				r.Manifests[len(r.Manifests)-1].Content = strings.Replace(r.Manifests[len(r.Manifests)-1].Content, "metadata:\n", "metadata:\n  namespace: "+ns+"\n", 1)
			}
			if ev, ok := req.Values["hook"].(string); ok {
				r.Hooks = append(r.Hooks, &Hook{Name: req.Name + "-hook", Kind: "Job", Path: "mem/templates/hook.yaml",
					Manifest: doc("Job", "batch/v1", req.Name+"-hook", "").Content, Events: []string{ev}})
			}
			return r, nil
		},
	}
}

func newMem() (*Deployer, *memStore, *memCluster) {
	s, c := newMemStore(), newMemCluster()
	return NewWith(s, c), s, c
}

func memInstall(t *testing.T, d *Deployer, values map[string]any) *Release {
	t.Helper()
	res, err := d.Install(context.Background(), InstallOptions{Target: memTarget, Source: memSource(), Values: values})
	if err != nil {
		t.Fatalf("install: %v", err)
	}
	return res.Release
}

func memUpgradeOpts(values map[string]any) UpgradeOptions {
	return UpgradeOptions{Target: memTarget, Source: memSource(), Values: values}
}

func memUpgrade(t *testing.T, d *Deployer, values map[string]any) *Result {
	t.Helper()
	res, err := d.Upgrade(context.Background(), memUpgradeOpts(values))
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	return res
}

func memHistory(t *testing.T, d *Deployer, want ...Status) []*Release {
	t.Helper()
	h, err := d.History(context.Background(), memTarget)
	if err != nil {
		t.Fatal(err)
	}
	if got := statuses(h); !reflect.DeepEqual(got, want) {
		t.Fatalf("history = %v, want %v", got, want)
	}
	return h
}

func memMessage(t *testing.T, c *memCluster) string {
	t.Helper()
	cm := c.get("", "ConfigMap", memTarget.Namespace, memTarget.Name+"-config")
	if cm == nil {
		t.Fatal("ConfigMap r-config missing")
	}
	return cm.Object["data"].(map[string]any)["message"].(string)
}

func TestStateLifecycle(t *testing.T) {
	ctx := context.Background()
	d, _, c := newMem()
	memInstall(t, d, nil)
	res := memUpgrade(t, d, map[string]any{"message": "two"})
	if res.Changes.Count(ActionConfigured) != 1 || res.Changes.Count(ActionUnchanged) != 1 {
		t.Errorf("upgrade changes:\n%s", res.Changes)
	}
	if _, err := d.Rollback(ctx, RollbackOptions{Target: memTarget}); err != nil {
		t.Fatal(err)
	}
	h := memHistory(t, d, StatusSuperseded, StatusSuperseded, StatusDeployed)
	if h[2].Info.Description != "Rollback to 1" || memMessage(t, c) != "hello" {
		t.Errorf("rollback: %q, message %q", h[2].Info.Description, memMessage(t, c))
	}
	if _, err := d.Uninstall(ctx, UninstallOptions{Target: memTarget, KeepHistory: true}); err != nil {
		t.Fatal(err)
	}
	memHistory(t, d, StatusSuperseded, StatusSuperseded, StatusUninstalled)
	if c.get("", "ConfigMap", "ns", "r-config") != nil {
		t.Error("objects left after uninstall")
	}
	if _, err := d.Uninstall(ctx, UninstallOptions{Target: memTarget}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.History(ctx, memTarget); !errors.Is(err, ErrReleaseNotFound) {
		t.Errorf("history after purge: %v", err)
	}
}

func TestStateAtomicUpgradeRollsBack(t *testing.T) {
	d, _, c := newMem()
	memInstall(t, d, nil)
	opts := memUpgradeOpts(map[string]any{"message": "broken", "unready": true})
	opts.Failure.Atomic = true
	_, err := d.Upgrade(context.Background(), opts)
	if err == nil || !strings.Contains(err.Error(), "release r failed, and has been rolled back due to atomic being set") || !errors.Is(err, ErrWaitTimeout) {
		t.Fatalf("error = %v", err)
	}
	h := memHistory(t, d, StatusSuperseded, StatusFailed, StatusDeployed)
	if h[2].Info.Description != "Rollback to 1" || !strings.HasPrefix(h[1].Info.Description, `Upgrade "r" failed: `) {
		t.Errorf("descriptions %q, %q", h[1].Info.Description, h[2].Info.Description)
	}
	if memMessage(t, c) != "hello" {
		t.Errorf("message = %q after the rollback", memMessage(t, c))
	}
}

func TestStateAtomicUpgradeWithoutGoodRevision(t *testing.T) {
	ctx := context.Background()
	d, s, c := newMem()
	rel := memInstall(t, d, nil)
	rel.Info.Status = StatusFailed
	if err := s.Update(ctx, rel); err != nil {
		t.Fatal(err)
	}
	c.unready["r"] = true
	opts := memUpgradeOpts(nil)
	opts.Failure.Atomic = true
	_, err := d.Upgrade(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "upgrade r failed and there is no revision to roll back to") {
		t.Fatalf("error = %v", err)
	}
	memHistory(t, d, StatusFailed, StatusFailed)
}

func TestStateAtomicInstallUninstalls(t *testing.T) {
	ctx := context.Background()
	d, _, c := newMem()
	c.unready["r"] = true
	_, err := d.Install(ctx, InstallOptions{Target: memTarget, Source: memSource(), Options: Options{Failure: FailureOptions{Atomic: true}}})
	if err == nil || !strings.Contains(err.Error(), "release r failed, and has been uninstalled due to atomic being set") {
		t.Fatalf("error = %v", err)
	}
	if _, err := d.History(ctx, memTarget); !errors.Is(err, ErrReleaseNotFound) {
		t.Errorf("history: %v", err)
	}
	if len(c.objects) != 0 {
		t.Errorf("objects left: %v", c.objects)
	}
}

// A failing pre-upgrade hook fails the upgrade before anything is applied.
func TestStateFailedHook(t *testing.T) {
	d, _, c := newMem()
	memInstall(t, d, nil)
	c.failHooks["r-hook"] = true
	_, err := d.Upgrade(context.Background(), memUpgradeOpts(map[string]any{"message": "x", "hook": PreUpgrade}))
	if err == nil || !strings.Contains(err.Error(), "pre-upgrade hook r-hook failed") {
		t.Fatalf("error = %v", err)
	}
	h := memHistory(t, d, StatusDeployed, StatusFailed)
	if h[1].Hooks[0].LastRun.Phase != HookPhaseFailed || memMessage(t, c) != "hello" {
		t.Errorf("hook %+v, message %q", h[1].Hooks[0].LastRun, memMessage(t, c))
	}
	// NoHooks runs none.
	c.hookRuns = nil
	opts := memUpgradeOpts(map[string]any{"hook": PreUpgrade})
	opts.NoHooks = true
	if _, err := d.Upgrade(context.Background(), opts); err != nil || len(c.hookRuns) != 0 {
		t.Errorf("upgrade with NoHooks: %v, hooks run %v", err, c.hookRuns)
	}
}

func TestStateCleanupOnFail(t *testing.T) {
	d, _, c := newMem()
	memInstall(t, d, nil)
	c.unready["r"] = true
	opts := memUpgradeOpts(map[string]any{"extra": true})
	opts.Wait.Wait = true
	opts.Failure.CleanupOnFail = true
	res, err := d.Upgrade(context.Background(), opts)
	if !errors.Is(err, ErrWaitTimeout) || res.Changes.Count(ActionCreated) != 1 {
		t.Fatalf("error = %v, changes:\n%v", err, res)
	}
	if c.get("", "ConfigMap", "ns", "r-extra") != nil {
		t.Error("object created by the failed upgrade still exists")
	}
	memHistory(t, d, StatusDeployed, StatusFailed)
}

// install --replace over a failed install supersedes it.
func TestStateReplaceSupersedesFailed(t *testing.T) {
	ctx := context.Background()
	d, _, c := newMem()
	c.unready["r"] = true
	in := InstallOptions{Target: memTarget, Source: memSource(), Options: Options{Wait: WaitOptions{Wait: true}}}
	if _, err := d.Install(ctx, in); !errors.Is(err, ErrWaitTimeout) {
		t.Fatalf("error = %v", err)
	}
	delete(c.unready, "r")
	if _, err := d.Install(ctx, in); err == nil || !strings.Contains(err.Error(), "cannot re-use a name that is still in use") {
		t.Fatalf("second install: %v", err)
	}
	in.Replace = true
	if _, err := d.Install(ctx, in); err != nil {
		t.Fatal(err)
	}
	memHistory(t, d, StatusSuperseded, StatusDeployed)
}

// An operation that loses the lock deletes no history: pruning waits for
// the lock.
// Ten upgrades that all read the same history: exactly one wins, the
// others fail on the lock, exactly one revision is deployed.
// An uninstall that finds the next revision created after its read backs
// off and gives the release back.
// An upgrade that finds the release being uninstalled after its read
// backs off and removes the revision it created.
// diff is the upgrade's plan with a dry-run apply: nothing is written.
func TestStateDiffWritesNothing(t *testing.T) {
	d, _, c := newMem()
	memInstall(t, d, nil)
	diffs, err := d.DiffUpgrade(context.Background(), memUpgradeOpts(map[string]any{"message": "two", "extra": true}))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Action{}
	for _, df := range diffs {
		got[df.Kind+"/"+df.Name] = df.Action
	}
	want := map[string]Action{"ConfigMap/r-config": ActionConfigured, "ConfigMap/r-extra": ActionCreated}
	if !reflect.DeepEqual(got, want) || !strings.Contains(diffs[0].Diff+diffs[1].Diff, `+  message: two`) {
		t.Errorf("diffs = %+v", diffs)
	}
	memHistory(t, d, StatusDeployed)
	if memMessage(t, c) != "hello" || c.get("", "ConfigMap", "ns", "r-extra") != nil {
		t.Error("diff changed the cluster")
	}
}

// Ownership: an install refuses objects another release owns, before
// anything is written.
func TestStateOwnershipRefusedBeforeWriting(t *testing.T) {
	ctx := context.Background()
	d, _, c := newMem()
	other := InstallOptions{Target: Target{Name: "r", Namespace: "other"}, Source: memSource()}
	if _, err := d.Install(ctx, other); err != nil {
		t.Fatal(err)
	}
	// A release in ns whose objects are namespaced does not collide; one
	// that names the same object does.
	if _, err := d.Install(ctx, InstallOptions{Target: memTarget, Source: memSource()}); err != nil {
		t.Fatal(err)
	}
	n := len(c.objects)
	_, err := d.Install(ctx, InstallOptions{Target: Target{Name: "s", Namespace: "other"}, Source: Source{
		Chart: memSource().Chart,
		Render: func(context.Context, RenderRequest) (*Rendered, error) {
			return &Rendered{Manifests: []Manifest{{Source: "x", Content: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s-new\n"},
				{Source: "y", Content: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: r-config\n"}}}, nil
		}}})
	if err == nil || !strings.Contains(err.Error(), "cannot be imported into the current release") || len(c.objects) != n {
		t.Fatalf("error = %v, %d objects (was %d)", err, len(c.objects), n)
	}
}

// A failed revision grants no ownership (issue 16 item 2): after an install
// that failed on another release's objects, an upgrade must not take them
// over, nor prune them, nor may uninstall delete them.
func TestStateFailedRevisionGrantsNoOwnership(t *testing.T) {
	ctx := context.Background()
	d, _, c := newMem()
	vals := map[string]any{"clusterRole": true, "sharedIn": "a"}
	if _, err := d.Install(ctx, InstallOptions{Target: Target{Name: "own", Namespace: "a"}, Source: memSource(), Values: vals}); err != nil {
		t.Fatal(err)
	}
	b := Target{Name: "own", Namespace: "b"}
	owner := func(group, kind, ns, name string) string {
		if u := c.get(group, kind, ns, name); u != nil {
			return u.GetAnnotations()[releaseNSAnnotation]
		}
		return "(gone)"
	}
	if _, err := d.Install(ctx, InstallOptions{Target: b, Source: memSource(), Values: vals}); err == nil || !strings.Contains(err.Error(), "cannot be imported") {
		t.Fatalf("install over another release's objects: %v", err)
	}
	mine := map[string]any{"message": "mine only"}
	for _, v := range []map[string]any{vals, {"clusterRole": true}, {"sharedIn": "a"}, mine} {
		_, err := d.Upgrade(ctx, UpgradeOptions{Target: b, Source: memSource(), Values: v})
		if v["message"] == nil && (err == nil || !strings.Contains(err.Error(), "cannot be imported into the current release")) {
			t.Fatalf("upgrade %v after the failed install: %v", v, err)
		}
		if v["message"] != nil && err != nil { // the chart dropped both: nothing to adopt, nothing of theirs pruned
			t.Fatalf("upgrade without the shared objects: %v", err)
		}
		if owner("rbac.authorization.k8s.io", "ClusterRole", "", "own-cr") != "a" || owner("", "ConfigMap", "a", "own-shared") != "a" {
			t.Fatalf("upgrade %v took the objects over", v)
		}
	}
	if _, err := d.Uninstall(ctx, UninstallOptions{Target: b}); err != nil {
		t.Fatal(err)
	}
	if c.get("rbac.authorization.k8s.io", "ClusterRole", "", "own-cr") == nil || c.get("", "ConfigMap", "a", "own-shared") == nil {
		t.Fatal("uninstall in b deleted a's objects")
	}
	// --take-ownership is the explicit way to take them.
	if _, err := d.Install(ctx, InstallOptions{Target: b, Source: memSource(), Values: vals, Options: Options{TakeOwnership: true}}); err != nil {
		t.Fatal(err)
	}
	if owner("rbac.authorization.k8s.io", "ClusterRole", "", "own-cr") != "b" {
		t.Error("take-ownership did not adopt")
	}
}

// recover while an upgrade is still waiting (issue 14 item 10): the
// upgrade's final write loses, and the release keeps a deployed revision.
// With --atomic, the rollback runs even when marking the revision failed
// conflicts with recover, and the error says both.
