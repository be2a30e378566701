package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/testcluster"
)

// TestInstallUpgradeClassicChart: install, diff upgrade and upgrade take
// REPO/CHART with --version ranges; the release records the version the
// range selected, as helm reads it back.
func TestInstallUpgradeClassicChart(t *testing.T) {
	r := startClassicRepo(t)
	cluster, err := testcluster.Start(t.Context(), testcluster.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Stop)
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := cluster.WriteKubeconfig(kubeconfig, "default"); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", kubeconfig)
	if code, out, errOut := run(t, "install", "web", "demo/podinfo", "--version", "~6.0", "-n", "default"); code != 0 {
		t.Fatalf("install: %d %s%s", code, out, errOut)
	}
	if code, out, errOut := run(t, "diff", "upgrade", "web", "demo/podinfo", "--version", "^6", "-n", "default"); code != 2 || !strings.Contains(out, "6.1.0") {
		t.Fatalf("diff upgrade: %d %s%s", code, out, errOut)
	}
	if code, out, errOut := run(t, "upgrade", "web", "demo/podinfo", "--devel", "-n", "default"); code != 0 {
		t.Fatalf("upgrade: %d %s%s", code, out, errOut)
	}
	cmd := r.helm.Command("history", "web", "-n", "default", "--kubeconfig", kubeconfig)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "podinfo-6.0.0") || !strings.Contains(string(out), "podinfo-7.0.0-beta.1") {
		t.Fatalf("helm history: %v\n%s", err, out)
	}
}
