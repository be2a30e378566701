package deployer

import (
	"context"
	"strings"
	"testing"

	"github.com/berth-dev/berth/testcluster"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// A failed revision never grants ownership (issue 16 item 2): helm installs
// "own" in namespace a (a ClusterRole and a ConfigMap in a); berth's install
// of "own" in b fails on ownership, and then neither an upgrade nor an
// uninstall in b may take or delete a's objects. The same for a failed
// upgrade; --take-ownership is the one explicit way to adopt.
func TestFailedRevisionGrantsNoOwnership(t *testing.T) {
	a, b := testcluster.NewEnv(t), testcluster.NewEnv(t)
	ctx := context.Background()
	d := newDeployer(t, b)
	mustHelm(t, a, "install", "own", "testdata/owned", "--set", "clusterRole=true,sharedIn="+a.Namespace)
	owners := func() (string, string) {
		t.Helper()
		cr, err := d.Kube.Core.RbacV1().ClusterRoles().Get(ctx, "own-cr", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("a's ClusterRole: %v", err)
		}
		cm, err := d.Kube.Core.CoreV1().ConfigMaps(a.Namespace).Get(ctx, "own-shared", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("a's ConfigMap: %v", err)
		}
		return cr.Annotations[releaseNSAnnotation], cm.Annotations[releaseNSAnnotation]
	}
	wantOwnedByA := func(step string) {
		t.Helper()
		if cr, cm := owners(); cr != a.Namespace || cm != a.Namespace {
			t.Fatalf("after %s: ClusterRole owned by %q, ConfigMap by %q; want %q", step, cr, cm, a.Namespace)
		}
	}
	wantRefused := func(step string, err error) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), "cannot be imported into the current release") {
			t.Fatalf("%s: error = %v", step, err)
		}
		wantOwnedByA(step)
	}
	tb := Target{Name: "own", Namespace: b.Namespace}
	both := map[string]any{"clusterRole": true, "sharedIn": a.Namespace}
	_, err := d.Install(ctx, InstallOptions{Target: tb, Source: source(t, d, "owned"), Values: both})
	wantRefused("install in b", err)
	for _, v := range []map[string]any{both, {"clusterRole": true}, {"sharedIn": a.Namespace}} {
		_, err := d.Upgrade(ctx, UpgradeOptions{Target: tb, Source: source(t, d, "owned"), Values: v})
		wantRefused("upgrade after the failed install", err)
	}
	// A chart without a's objects upgrades, and prunes nothing of a's.
	if _, err := d.Upgrade(ctx, UpgradeOptions{Target: tb, Source: source(t, d, "owned"), Values: map[string]any{"message": "b"}}); err != nil {
		t.Fatal(err)
	}
	wantOwnedByA("upgrade without a's objects")
	if _, err := d.Uninstall(ctx, UninstallOptions{Target: tb}); err != nil {
		t.Fatal(err)
	}
	wantOwnedByA("uninstall in b")

	// A failed upgrade grants nothing either.
	t2 := Target{Name: "own2", Namespace: b.Namespace}
	if _, err := d.Install(ctx, InstallOptions{Target: t2, Source: source(t, d, "owned")}); err != nil {
		t.Fatal(err)
	}
	takeCR := map[string]any{"clusterRole": true, "crName": "own-cr"}
	for range 2 {
		_, err := d.Upgrade(ctx, UpgradeOptions{Target: t2, Source: source(t, d, "owned"), Values: takeCR})
		wantRefused("upgrade of own2 over a's ClusterRole", err)
	}
	wantHistory(t, d, b, "own2", StatusDeployed, StatusFailed, StatusFailed)
	_, err = d.Upgrade(ctx, UpgradeOptions{Target: t2, Source: source(t, d, "owned"), Values: takeCR, Options: Options{TakeOwnership: true}})
	if err != nil {
		t.Fatal(err)
	}
	if cr, _ := owners(); cr != b.Namespace {
		t.Errorf("--take-ownership: ClusterRole owned by %q, want %q", cr, b.Namespace)
	}
	// The oracle refuses the same steps: a failed install, then an upgrade.
	set := "clusterRole=true,sharedIn=" + a.Namespace
	for _, args := range [][]string{{"install", "own3", "testdata/owned", "--set", set + ",crName=own-cr"}, {"upgrade", "own3", "testdata/owned", "--set", set + ",crName=own-cr"}} {
		if out, err := helmCLI(t, b, args...); err == nil {
			t.Errorf("helm %s succeeded:\n%s", args[0], out)
		}
	}
}
