package deployer_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/berth-dev/berth/deployer"
	"github.com/berth-dev/berth/testcluster"
)

// An uninstall while an upgrade sits in its pre-upgrade hook: refused
// (naming the operation) without --force; with --force it deletes the
// objects of both revisions, including u-extra that only revision 1 had
// (helm orphans it), and the upgrade stops at once with a clear error
// instead of waiting out its 5-minute timeout.
func TestCLIUninstallDuringUpgrade(t *testing.T) {
	env := testcluster.NewEnv(t)
	bin := berthBinary(t)
	chart := filepath.Join("testdata", "demo")
	mustBerth(t, env, "install", "u", chart, "--set", "extra=true")
	cmd, stderr := startUpgradeAtHook(t, env, bin, "u", chart)
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	_, errOut, code := berth(t, env, "uninstall", "u")
	if code != 1 || !strings.Contains(errOut, "is busy: revision 2 is pending-upgrade") || !strings.Contains(errOut, "--force") {
		t.Fatalf("uninstall during an upgrade: exit %d\n%s", code, errOut)
	}
	k, err := deployer.NewKube(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := k.Core.CoreV1().ConfigMaps(env.Namespace).Get(ctx, "u-extra", metav1.GetOptions{}); err != nil {
		t.Fatalf("a refused uninstall touched the release: %v", err)
	}

	mustBerth(t, env, "uninstall", "u", "--force")
	for _, name := range []string{"u-extra", "u-config"} {
		if _, err := k.Core.CoreV1().ConfigMaps(env.Namespace).Get(ctx, name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("ConfigMap %s after uninstall --force: %v", name, err)
		}
	}

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(stderr.String(), "the release was uninstalled while this operation ran") {
			t.Errorf("upgrade after its release was uninstalled: %v\n%s", err, stderr.String())
		}
	case <-time.After(90 * time.Second): // its own timeout is 5 minutes
		t.Fatalf("the upgrade kept running after its release was uninstalled:\n%s", stderr.String())
	}
	secrets, err := k.Core.CoreV1().Secrets(env.Namespace).List(ctx, metav1.ListOptions{LabelSelector: "name=u,owner=helm"})
	if err != nil || len(secrets.Items) != 0 {
		t.Errorf("release Secrets left: %v %v", err, secrets)
	}
}
