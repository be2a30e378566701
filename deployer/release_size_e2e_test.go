package deployer_test

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/berth-dev/berth/testcluster"
	"github.com/berth-dev/berth/tools"
)

// oversizedChart has a 1 MiB incompressible file, so its release record cannot fit
// in a Secret.
func oversizedChart(t *testing.T) string {
	dir := t.TempDir()
	blob := make([]byte, 1<<20)
	rand.Read(blob)
	for name, data := range map[string][]byte{
		"Chart.yaml":        []byte("apiVersion: v2\nname: big\nversion: 0.1.0\n"),
		"templates/cm.yaml": []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\n"),
		"files/blob.bin":    blob,
	} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// A release over the Secret size limit: helm fails too (the limit is real),
// berth fails before creating any object and says what is large; a server
// dry run warns.
func TestInstallTooLargeFailsBeforeAnyObject(t *testing.T) {
	env := testcluster.NewEnv(t)
	chart := oversizedChart(t)
	if out, err := tools.NewHelm(t).Command("install", "hbig", chart, "-n", env.Namespace, "--kubeconfig", env.Kubeconfig).CombinedOutput(); err == nil {
		t.Fatalf("helm installed a release over the Secret limit:\n%s", out)
	}

	out, errOut, code := berth(t, env, "install", "big", chart, "--dry-run=server")
	if code != 0 || !strings.Contains(errOut, "WARNING: release record too large") || !strings.Contains(errOut, "files/blob.bin") {
		t.Errorf("install --dry-run=server: exit %d\n%s%s", code, out, errOut)
	}
	_, errOut, code = berth(t, env, "install", "big", chart)
	if code == 0 || !strings.Contains(errOut, "MiB") || !strings.Contains(errOut, "chart files") {
		t.Errorf("install: exit %d\n%s", code, errOut)
	}
	t.Log(errOut)
	cs := env.Cluster.Clientset()
	fresh := env.Namespace + "-new"
	if _, errOut, code = berth(t, env, "install", "big", chart, "-n", fresh, "--create-namespace"); code == 0 {
		t.Errorf("install --create-namespace: exit 0\n%s", errOut)
	}
	if _, err := cs.CoreV1().Namespaces().Get(t.Context(), fresh, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("namespace %s created by a release that cannot be recorded (err %v)", fresh, err)
		cs.CoreV1().Namespaces().Delete(t.Context(), fresh, metav1.DeleteOptions{})
	}
	if _, err := cs.CoreV1().ConfigMaps(env.Namespace).Get(t.Context(), "big-cm", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("big-cm exists after the failed install (err %v)", err)
	}
	secs, err := cs.CoreV1().Secrets(env.Namespace).List(t.Context(), metav1.ListOptions{LabelSelector: "owner=helm,name=big"})
	if err != nil || len(secs.Items) != 0 {
		t.Errorf("release secrets after the failed install: %v %v", secs, err)
	}
}
