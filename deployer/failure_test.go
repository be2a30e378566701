package deployer

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/berth-dev/berth/testcluster"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// --atomic with a Deployment that can never become ready: the upgrade is
// rolled back and the error says so.
func TestAtomicRollsBackUnreadyUpgrade(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	install(t, d, env, "a", "demo", nil)
	opts := upgradeOpts(t, d, env, "a", "demo", map[string]any{"nodeSelector": map[string]any{"no-such-label": "x"}})
	opts.Failure.Atomic = true
	opts.Wait = WaitOptions{Timeout: 5 * time.Second}
	var events []Event
	d.Progress = func(e Event) { events = append(events, e) }
	_, err := d.Upgrade(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "release a failed, and has been rolled back due to atomic being set") ||
		!errors.Is(err, ErrWaitTimeout) || !strings.Contains(err.Error(), `Deployment "a"`) {
		t.Fatalf("error = %v", err)
	}
	h := wantHistory(t, d, env, "a", StatusSuperseded, StatusFailed, StatusDeployed)
	if h[2].Info.Description != "Rollback to 1" {
		t.Errorf("rollback description %q", h[2].Info.Description)
	}
	dep, err := d.Kube.Core.AppsV1().Deployments(env.Namespace).Get(ctx, "a", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(dep.Spec.Template.Spec.NodeSelector) != 0 {
		t.Errorf("nodeSelector not rolled back: %v", dep.Spec.Template.Spec.NodeSelector)
	}
	sawPending := false
	for _, e := range events {
		for _, p := range e.Pending {
			if strings.Contains(p.Object, `Deployment "a"`) && p.Reason != "" {
				sawPending = true
			}
		}
	}
	if !sawPending {
		t.Errorf("no wait event named the pending Deployment: %+v", events)
	}
}

// --atomic on install uninstalls the failed release.
func TestAtomicInstallUninstalls(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	_, err := d.Install(ctx, InstallOptions{Target: Target{Name: "b", Namespace: env.Namespace}, Source: source(t, d, "demo"),
		Values:  map[string]any{"nodeSelector": map[string]any{"no-such-label": "x"}},
		Options: Options{Wait: WaitOptions{Timeout: 4 * time.Second}, Failure: FailureOptions{Atomic: true}}})
	if err == nil || !strings.Contains(err.Error(), "has been uninstalled due to atomic being set") {
		t.Fatalf("error = %v", err)
	}
	if _, err := d.History(ctx, Target{Name: "b", Namespace: env.Namespace}); !errors.Is(err, ErrReleaseNotFound) {
		t.Errorf("history after atomic install failure: %v", err)
	}
	if _, err := d.Kube.Core.AppsV1().Deployments(env.Namespace).Get(ctx, "b", metav1.GetOptions{}); err == nil {
		t.Errorf("deployment left behind")
	}
}

// --wait on a custom resource waits until its controller reports Ready.
func TestWaitForCustomResourceReady(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	gvr := schema.GroupVersionResource{Group: "test.berth.dev", Version: "v1", Resource: "widgets"}
	const delay = 3 * time.Second
	go func() {
		time.Sleep(delay)
		for ctx.Err() == nil {
			u, err := d.Kube.Dynamic.Resource(gvr).Namespace(env.Namespace).Get(ctx, "cr", metav1.GetOptions{})
			if err == nil {
				u.Object["status"] = map[string]any{"observedGeneration": u.GetGeneration(),
					"conditions": []any{map[string]any{"type": "Ready", "status": "True", "reason": "Reconciled"}}}
				if _, err := d.Kube.Dynamic.Resource(gvr).Namespace(env.Namespace).UpdateStatus(ctx, u, metav1.UpdateOptions{}); err == nil {
					return
				}
			}
			time.Sleep(200 * time.Millisecond)
		}
	}()
	start := time.Now()
	_, err := d.Install(ctx, InstallOptions{Target: Target{Name: "cr", Namespace: env.Namespace}, Source: source(t, d, "widget"),
		Options: Options{Wait: WaitOptions{Wait: true, Timeout: time.Minute}}})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < delay {
		t.Errorf("install returned after %v, before the widget was Ready", took)
	}
	var u *unstructured.Unstructured
	if u, err = d.Kube.Dynamic.Resource(gvr).Namespace(env.Namespace).Get(ctx, "cr", metav1.GetOptions{}); err != nil || conditions(u)[0]["status"] != "True" {
		t.Errorf("widget: %v %v", err, u)
	}
}

// Ten concurrent upgrades: exactly one wins each revision, the others fail
// with a lock error, and there is never more than one deployed revision.
func TestConcurrentUpgradesLock(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	install(t, d, env, "c", "demo", nil)
	src := source(t, d, "demo")
	var wg sync.WaitGroup
	errs := make([]error, 10)
	revs := make([]int, 10)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := d.Upgrade(ctx, UpgradeOptions{Target: Target{Name: "c", Namespace: env.Namespace}, Source: src,
				Values: map[string]any{"message": strings.Repeat("x", i+1)}})
			errs[i] = err
			if err == nil {
				revs[i] = res.Release.Version
			}
		}()
	}
	wg.Wait()
	won := map[int]int{}
	for i, err := range errs {
		switch {
		case err == nil:
			won[revs[i]]++
		case errors.Is(err, ErrLocked) || errors.Is(err, ErrPending) || errors.Is(err, ErrConflict):
		default:
			t.Errorf("upgrade %d: unexpected error %v", i, err)
		}
	}
	if len(won) == 0 {
		t.Fatal("no upgrade succeeded")
	}
	for rev, n := range won {
		if n != 1 {
			t.Errorf("revision %d won by %d upgrades", rev, n)
		}
	}
	h, err := d.History(ctx, Target{Name: "c", Namespace: env.Namespace})
	if err != nil {
		t.Fatal(err)
	}
	deployed := 0
	for _, r := range h {
		if r.Info.Status == StatusDeployed {
			deployed++
		}
		if r.Info.Status.IsPending() {
			t.Errorf("revision %d left %s", r.Version, r.Info.Status)
		}
	}
	if deployed != 1 || len(h) != len(won)+1 {
		t.Errorf("history %v with %d winners", statuses(h), len(won))
	}
	t.Logf("%d of 10 concurrent upgrades won (revisions %v)", len(won), won)
}

// A release left pending by a dead process blocks upgrades with a clear
// message until `recover` marks it failed.
func TestRecoverPendingRelease(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	rel := install(t, d, env, "p", "demo", nil)
	stuck := *rel
	stuck.Info = &Info{FirstDeployed: rel.Info.FirstDeployed, LastDeployed: Now(), Status: StatusPendingUpgrade, Description: "Preparing upgrade"}
	stuck.Version = 2
	if err := d.Store.Create(ctx, &stuck); err != nil {
		t.Fatal(err)
	}
	_, err := d.Upgrade(ctx, upgradeOpts(t, d, env, "p", "demo", nil))
	if !errors.Is(err, ErrPending) || !strings.Contains(err.Error(), "berth recover p -n "+env.Namespace) {
		t.Fatalf("error = %v", err)
	}
	if _, err := d.Recover(ctx, RecoverOptions{Target: Target{Name: "p", Namespace: env.Namespace}}); err != nil {
		t.Fatal(err)
	}
	upgrade(t, d, env, "p", "demo", map[string]any{"message": "after"})
	wantHistory(t, d, env, "p", StatusSuperseded, StatusFailed, StatusDeployed)
	if _, err := d.Recover(ctx, RecoverOptions{Target: Target{Name: "p", Namespace: env.Namespace}}); err == nil || !strings.Contains(err.Error(), "not pending") {
		t.Errorf("recover of a deployed release: %v", err)
	}
}

// --cleanup-on-fail deletes what the failed upgrade created.
func TestCleanupOnFail(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	install(t, d, env, "cf", "demo", nil)
	opts := upgradeOpts(t, d, env, "cf", "demo", map[string]any{"extra": true, "nodeSelector": map[string]any{"no-such-label": "x"}})
	opts.Wait.Timeout = 3 * time.Second
	opts.Failure.CleanupOnFail = true
	res, err := d.Upgrade(ctx, opts)
	if !errors.Is(err, ErrWaitTimeout) {
		t.Fatalf("error = %v", err)
	}
	if res.Changes.Count(ActionCreated) != 1 {
		t.Errorf("changes of the failed upgrade:\n%s", res.Changes)
	}
	if _, err := d.Kube.Core.CoreV1().ConfigMaps(env.Namespace).Get(ctx, "cf-extra", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("object created by the failed upgrade still exists: %v", err)
	}
	wantHistory(t, d, env, "cf", StatusDeployed, StatusFailed)
}

// An upgrade may take over a release pending for longer than TakeOverAfter,
// never a recently active one.
func TestUpgradeTakesOverStalePendingRelease(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	rel := install(t, d, env, "to", "demo", nil)
	stuck := *rel
	started := Time{time.Now().Add(-time.Hour)}
	stuck.Info = &Info{FirstDeployed: rel.Info.FirstDeployed, LastDeployed: started, Status: StatusPendingUpgrade, Description: "Preparing upgrade"}
	stuck.Version = 2
	if err := d.Store.Create(ctx, &stuck); err != nil {
		t.Fatal(err)
	}
	opts := upgradeOpts(t, d, env, "to", "demo", map[string]any{"message": "x"})
	opts.TakeOverAfter = 2 * time.Hour
	if _, err := d.Upgrade(ctx, opts); !errors.Is(err, ErrPending) {
		t.Fatalf("upgrade of a release pending for 1h with a 2h take-over: %v", err)
	}
	opts.TakeOverAfter = 30 * time.Minute
	if _, err := d.Upgrade(ctx, opts); err != nil {
		t.Fatal(err)
	}
	h := wantHistory(t, d, env, "to", StatusSuperseded, StatusFailed, StatusDeployed)
	if !strings.Contains(h[1].Info.Description, "taken over by an upgrade after 30m0s without activity") {
		t.Errorf("description = %q", h[1].Info.Description)
	}
}

// Ctrl-C during --wait is reported and recorded as an interruption, not as
// a timeout (issue 14 item 11).
func TestInterruptedWaitIsNotATimeout(t *testing.T) {
	env := testcluster.NewEnv(t)
	d := newDeployer(t, env)
	install(t, d, env, "i", "demo", nil)
	ctx, cancel := context.WithCancel(context.Background())
	d.Progress = func(e Event) {
		if e.Phase == "wait" {
			cancel()
		}
	}
	opts := upgradeOpts(t, d, env, "i", "demo", map[string]any{"nodeSelector": map[string]any{"no-such-label": "x"}})
	_, err := d.Upgrade(ctx, opts)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrWaitTimeout) || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("error = %v", err)
	}
	h := wantHistory(t, d, env, "i", StatusDeployed, StatusFailed)
	if h[1].Info.Description != `Release "i" has been cancelled` {
		t.Errorf("description = %q", h[1].Info.Description)
	}
}
