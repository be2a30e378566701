package deployer

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/berth-dev/berth/testcluster"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Bad input fails with a clear error and leaves nothing behind: no release
// Secret, no object.
func TestBadInputIsRejectedBeforeAnythingIsApplied(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	in := func(name, chart string, vals map[string]any) error {
		_, err := d.Install(ctx, InstallOptions{Target: Target{Name: name, Namespace: env.Namespace}, Source: source(t, d, chart), Values: vals})
		return err
	}
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"wrong type", in("bad", "bad", nil), `bad/templates/all.yaml: Deployment "bad"`},
		{"unknown field", in("bad", "bad", map[string]any{"typo": true}), `unknown field "spec.replicaz"`},
		{"long name", in(strings.Repeat("a", 54), "demo", nil), "must be no more than 53 characters"},
		{"bad name", in("Bad_Name", "demo", nil), "invalid release name"},
		{"kubeVersion", in("nk", "newkube", nil), "chart requires kubeVersion: >= 9.0.0 which is incompatible with Kubernetes v1."},
	}
	for _, c := range cases {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error = %v, want it to contain %q", c.name, c.err, c.want)
		}
	}
	secs, err := d.Kube.Core.CoreV1().Secrets(env.Namespace).List(ctx, metav1.ListOptions{LabelSelector: "owner=helm"})
	if err != nil || len(secs.Items) != 0 {
		t.Errorf("release secrets after rejected installs: %d %v", len(secs.Items), err)
	}
	if _, err := d.Kube.Core.CoreV1().ConfigMaps(env.Namespace).Get(ctx, "bad-fine", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("valid object of an invalid chart was applied: %v", err)
	}

	target := Target{Name: "missing", Namespace: env.Namespace}
	if _, err := d.Status(ctx, target, 0); !errors.Is(err, ErrReleaseNotFound) {
		t.Errorf("status of a missing release: %v", err)
	}
	if _, err := d.Upgrade(ctx, upgradeOpts(t, d, env, "missing", "demo", nil)); !errors.Is(err, ErrReleaseNotFound) {
		t.Errorf("upgrade of a missing release: %v", err)
	}
	install(t, d, env, "ok", "demo", nil)
	_, err = d.Rollback(ctx, RollbackOptions{Target: Target{Name: "ok", Namespace: env.Namespace}, Revision: 7})
	if !errors.Is(err, ErrReleaseNotFound) || !strings.Contains(err.Error(), `release "ok" has no revision 7`) {
		t.Errorf("rollback to a missing revision: %v", err)
	}
	if _, err := d.Get(ctx, Target{Name: "ok", Namespace: env.Namespace}, 9); !errors.Is(err, ErrReleaseNotFound) {
		t.Errorf("get of a missing revision: %v", err)
	}
	if err := in("ok", "demo", nil); err == nil || !strings.Contains(err.Error(), "cannot re-use a name that is still in use") {
		t.Errorf("second install: %v", err)
	}
}

// History is pruned to MaxHistory without losing the deployed revision.
func TestMaxHistory(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	install(t, d, env, "m", "demo", nil)
	for i := range 5 {
		opts := upgradeOpts(t, d, env, "m", "demo", map[string]any{"message": strings.Repeat("y", i+1)})
		opts.Record.MaxHistory = 3
		if _, err := d.Upgrade(ctx, opts); err != nil {
			t.Fatal(err)
		}
	}
	h := wantHistory(t, d, env, "m", StatusSuperseded, StatusSuperseded, StatusDeployed)
	if h[0].Version != 4 || h[2].Version != 6 {
		t.Errorf("kept revisions %d..%d, want 4..6", h[0].Version, h[2].Version)
	}
}

// Uninstall with --keep-history keeps an uninstalled revision that list
// shows only when asked; without it every revision goes.
func TestUninstallKeepHistory(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	install(t, d, env, "u", "demo", nil)
	upgrade(t, d, env, "u", "demo", map[string]any{"message": "2"})
	res, err := d.Uninstall(ctx, UninstallOptions{Target: Target{Name: "u", Namespace: env.Namespace}, KeepHistory: true})
	if err != nil {
		t.Fatal(err)
	}
	wantActions(t, res.Changes, map[string]Action{"ConfigMap/u-config": ActionDeleted, "Service/u": ActionDeleted, "Deployment/u": ActionDeleted})
	if res.Changes.Entries[0].Kind != "Deployment" {
		t.Errorf("not in uninstall order:\n%s", res.Changes)
	}
	wantHistory(t, d, env, "u", StatusSuperseded, StatusUninstalled)
	if l, _ := d.List(ctx, ListOptions{Namespace: env.Namespace}); len(l) != 0 {
		t.Errorf("default list shows uninstalled release")
	}
	if l, _ := d.List(ctx, ListOptions{Namespace: env.Namespace, Statuses: []Status{StatusUninstalled}}); len(l) != 1 {
		t.Errorf("list --uninstalled = %d releases", len(l))
	}
	var out []map[string]any
	mustJSON(t, []byte(mustHelm(t, env, "list", "--uninstalled", "-o", "json")), &out)
	if len(out) != 1 || out[0]["status"] != "uninstalled" {
		t.Errorf("helm list --uninstalled = %v", out)
	}
	// upgrade --install (like install --replace) reuses the name of the
	// uninstalled release as a new revision.
	uo := upgradeOpts(t, d, env, "u", "demo", nil)
	uo.Install = true
	res2, err := d.Upgrade(ctx, uo)
	if err != nil {
		t.Fatal(err)
	}
	if res2.Release.Version != 3 {
		t.Errorf("replacing install made revision %d, want 3", res2.Release.Version)
	}
	wantHistory(t, d, env, "u", StatusSuperseded, StatusSuperseded, StatusDeployed)
	// The oracle does the same with the same steps.
	mustHelm(t, env, "install", "hu", demoChart())
	mustHelm(t, env, "upgrade", "hu", demoChart(), "--set", "message=2")
	mustHelm(t, env, "uninstall", "hu", "--keep-history")
	mustHelm(t, env, "upgrade", "--install", "hu", demoChart())
	wantHistory(t, d, env, "hu", StatusSuperseded, StatusSuperseded, StatusDeployed)
	if _, err := d.Uninstall(ctx, UninstallOptions{Target: Target{Name: "u", Namespace: env.Namespace}}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.History(ctx, Target{Name: "u", Namespace: env.Namespace}); !errors.Is(err, ErrReleaseNotFound) {
		t.Errorf("history after purge: %v", err)
	}
}

// Pruning never deletes the last deployed revision, even when it is old.
func TestMaxHistoryKeepsLastDeployed(t *testing.T) {
	env := testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, env)
	sts := []Status{StatusSuperseded, StatusDeployed, StatusFailed, StatusFailed, StatusFailed, StatusFailed}
	for i, st := range sts {
		r := &Release{Name: "k", Namespace: env.Namespace, Version: i + 1, Info: &Info{Status: st}}
		if err := d.Store.Create(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	h, err := d.History(ctx, Target{Name: "k", Namespace: env.Namespace})
	if err != nil {
		t.Fatal(err)
	}
	d.pruneHistory(ctx, h, 3)
	h = wantHistory(t, d, env, "k", StatusDeployed, StatusFailed)
	if h[0].Version != 2 || h[1].Version != 6 {
		t.Errorf("kept revisions %d and %d, want 2 and 6", h[0].Version, h[1].Version)
	}
}
