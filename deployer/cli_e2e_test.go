package deployer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/berth-dev/berth/cli"
	"github.com/berth-dev/berth/deployer"
	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/testcluster"
	"github.com/berth-dev/berth/tools"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// berth runs the CLI in-process against env's cluster.
func berth(t *testing.T, env *testcluster.Env, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	full := append([]string{"berth", "--kubeconfig", env.Kubeconfig}, args...)
	code := cli.Run(context.Background(), full, cli.Build{Version: "test"}, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), code
}

func mustBerth(t *testing.T, env *testcluster.Env, args ...string) string {
	t.Helper()
	out, errOut, code := berth(t, env, args...)
	if code != 0 {
		t.Fatalf("berth %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func helm(t *testing.T, env *testcluster.Env, args ...string) string {
	t.Helper()
	out, err := tools.NewHelm(t).Command(append(args, "--kubeconfig", env.Kubeconfig)...).CombinedOutput()
	if err != nil {
		t.Fatalf("helm %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func TestCLIReleaseLifecycle(t *testing.T) {
	env := testcluster.NewEnv(t)
	chart := filepath.Join("testdata", "demo")
	out, progress, exit := berth(t, env, "install", "web", chart, "--set", "message=cli", "--wait", "--timeout", "1m")
	if exit != 0 || !strings.Contains(out, "STATUS: deployed") || !strings.Contains(out, "CHANGES: 3 created") || !strings.Contains(out, "demo web revision 1") {
		t.Errorf("install: exit %d, output:\n%s%s", exit, out, progress)
	}
	if !strings.Contains(progress, "applying 3 objects\n") || !strings.Contains(progress, "all resources ready after") {
		t.Errorf("install progress (stderr):\n%s", progress)
	}
	mustBerth(t, env, "upgrade", "web", chart, "--reuse-values", "--set", "replicas=2", "--wait")
	var list []map[string]any
	if err := json.Unmarshal([]byte(mustBerth(t, env, "list", "-o", "json")), &list); err != nil {
		t.Fatal(err)
	}
	var helmList []map[string]any
	if err := json.Unmarshal([]byte(helm(t, env, "list", "-o", "json")), &helmList); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || len(helmList) != 1 {
		t.Fatalf("berth list %v, helm list %v", list, helmList)
	}
	for _, k := range []string{"name", "namespace", "revision", "status", "chart", "app_version", "updated"} {
		if list[0][k] != helmList[0][k] {
			t.Errorf("list %s: berth %v, helm %v", k, list[0][k], helmList[0][k])
		}
	}
	vals := mustBerth(t, env, "get", "values", "web", "-o", "json")
	if got := strings.Join(strings.Fields(vals), ""); got != `{"message":"cli","replicas":2}` {
		t.Errorf("get values = %s", vals)
	}
	if a, b := mustBerth(t, env, "get", "manifest", "web", "--revision", "1"), helm(t, env, "get", "manifest", "web", "--revision", "1"); a != b {
		t.Errorf("get manifest differs from helm's:\n%s\n---\n%s", a, b)
	}
	mustBerth(t, env, "rollback", "web", "1", "--wait")
	var hist []map[string]any
	if err := json.Unmarshal([]byte(mustBerth(t, env, "history", "web", "-o", "json")), &hist); err != nil {
		t.Fatal(err)
	}
	if len(hist) != 3 || hist[2]["description"] != "Rollback to 1" || hist[2]["status"] != "deployed" {
		t.Errorf("history = %v", hist)
	}
	status := mustBerth(t, env, "status", "web")
	if !strings.Contains(status, "REVISION: 3") {
		t.Errorf("status:\n%s", status)
	}
	_, errOut, code := berth(t, env, "status", "nope")
	if code != 1 || !strings.Contains(errOut, `release "nope": release: not found`) {
		t.Errorf("status of a missing release: exit %d %s", code, errOut)
	}
	_, errOut, code = berth(t, env, "install", strings.Repeat("x", 54), chart)
	if code != 1 || !strings.Contains(errOut, "must be no more than 53 characters") {
		t.Errorf("long name: exit %d %s", code, errOut)
	}
	if out, errOut, code := berth(t, env, "diff", "rollback", "web", "3"); code != 0 || out != "" {
		t.Errorf("diff rollback to the current state: exit %d %q %s", code, out, errOut)
	}
	out, errOut, code = berth(t, env, "diff", "upgrade", "web", chart, "--set", "message=changed")
	if code != 2 || !strings.Contains(out, "ConfigMap/"+env.Namespace+"/web-config configured") || !strings.Contains(out, "+  message: changed") {
		t.Errorf("diff upgrade: exit %d\n%s%s", code, out, errOut)
	}
	mustBerth(t, env, "uninstall", "web")
	if out := helm(t, env, "list", "-a", "-q"); strings.TrimSpace(out) != "" {
		t.Errorf("helm list after berth uninstall: %q", out)
	}
}

var (
	buildOnce sync.Once
	berthBin  string
	buildErr  error
)

// berthBinary builds the berth command once per test binary.
func berthBinary(t testing.TB) string {
	buildOnce.Do(func() {
		// Removed with the control plane when the test binary ends.
		berthBin = filepath.Join(testcluster.ScratchDir(t), "berth")
		out, err := exec.Command("go", "build", "-o", berthBin, "github.com/berth-dev/berth").CombinedOutput()
		if err != nil {
			buildErr = &buildError{err, string(out)}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return berthBin
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// lockedBuffer is stderr written by a process while the test reads it
// (a bare bytes.Buffer polled during the child's writes is a data race).
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startUpgradeAtHook starts `berth upgrade` of release name with a
// pre-upgrade Job that can never be scheduled, and returns once the process
// is waiting in that hook, with its stderr.
func startUpgradeAtHook(t *testing.T, env *testcluster.Env, bin, name, chart string) (*exec.Cmd, *lockedBuffer) {
	t.Helper()
	cmd := exec.Command(bin, "--kubeconfig", env.Kubeconfig, "upgrade", name, chart,
		"--set", "hooks.enabled=true,hooks.failPreUpgrade=true", "--timeout", "5m")
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(stderr.String(), "running pre-upgrade hook") {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("upgrade never reached its hook: %s", stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return cmd, stderr
}

// A berth process SIGKILLed mid-upgrade leaves the release pending; the
// next upgrade says so and names `berth recover`, which frees it.
func TestCLIRecoverAfterSIGKILL(t *testing.T) {
	env := testcluster.NewEnv(t)
	bin := berthBinary(t)
	chart := filepath.Join("testdata", "demo")
	mustBerth(t, env, "install", "k", chart)
	cmd, _ := startUpgradeAtHook(t, env, bin, "k", chart)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	_, errOut, code := berth(t, env, "upgrade", "k", chart)
	if code != 1 || !strings.Contains(errOut, "is pending-upgrade") || !strings.Contains(errOut, "berth recover k -n "+env.Namespace) || !strings.Contains(errOut, "--force to do it now") {
		t.Fatalf("upgrade of a pending release: exit %d\n%s", code, errOut)
	}
	// The killed upgrade's 5-minute timeout has not run out: recover
	// cannot tell it from a live one and wants --force.
	_, errOut, code = berth(t, env, "recover", "k")
	if code != 1 || !strings.Contains(errOut, "its timeout ends at") || !strings.Contains(errOut, "--force") {
		t.Fatalf("recover before the timeout: exit %d\n%s", code, errOut)
	}
	out := mustBerth(t, env, "recover", "k", "--force")
	if !strings.Contains(out, `release "k" revision 2 marked failed`) {
		t.Errorf("recover output: %s", out)
	}
	mustBerth(t, env, "upgrade", "k", chart, "--set", "message=after", "--wait")
	var hist []map[string]any
	if err := json.Unmarshal([]byte(helm(t, env, "history", "k", "-o", "json")), &hist); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hist {
		got = append(got, h["status"].(string))
	}
	if strings.Join(got, ",") != "superseded,failed,deployed" {
		t.Errorf("helm history statuses after recover: %v", got)
	}
}

// CHART may be oci://…: a chart pushed by helm is installed by berth, by
// tag and by range; upgrade --install creates a release in a namespace that
// --create-namespace makes.
func TestCLIInstallFromOCIAndUpgradeInstall(t *testing.T) {
	env := testcluster.NewEnv(t)
	reg := registrytest.Start(t)
	dir := t.TempDir()
	helm(t, env, "package", filepath.Join("testdata", "demo"), "-d", dir)
	helm(t, env, "push", filepath.Join(dir, "demo-0.1.0.tgz"), "oci://"+reg.Host+"/charts", "--plain-http")
	ref := "oci://" + reg.Host + "/charts/demo"

	out := mustBerth(t, env, "install", "fromoci", ref, "--version", "0.1.0", "--plain-http", "--wait")
	if !strings.Contains(out, "STATUS: deployed") {
		t.Errorf("install from OCI:\n%s", out)
	}
	mustBerth(t, env, "upgrade", "fromoci", ref, "--version", "^0.1", "--plain-http", "--set", "message=range")
	var vals map[string]any
	if err := json.Unmarshal([]byte(helm(t, env, "get", "values", "fromoci", "-n", env.Namespace, "-o", "json")), &vals); err != nil {
		t.Fatal(err)
	}
	if vals["message"] != "range" {
		t.Errorf("values after upgrade from a version range: %v", vals)
	}

	ns := env.Namespace + "-extra"
	t.Cleanup(func() {
		d, err := deployer.New(env.Config)
		if err == nil {
			_ = d.Kube.Core.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{})
		}
	})
	out = mustBerth(t, env, "upgrade", "--install", "new", filepath.Join("testdata", "demo"), "-n", ns, "--create-namespace")
	if !strings.Contains(out, "NAMESPACE: "+ns) || !strings.Contains(out, "REVISION: 1") {
		t.Errorf("upgrade --install:\n%s", out)
	}
	if got := helm(t, env, "list", "-n", ns, "-q"); got != "new\n" {
		t.Errorf("helm list -n %s = %q", ns, got)
	}
	out = mustBerth(t, env, "install", filepath.Join("testdata", "demo"), "--generate-name", "--dry-run=server")
	if !strings.Contains(out, "NAME: demo-") || !strings.Contains(out, "Dry run complete") {
		t.Errorf("install --generate-name --dry-run=server:\n%s", out)
	}
}

// get hooks, notes and values (user-supplied and computed) print what helm
// prints for the same release.
func TestCLIGetMatchesHelm(t *testing.T) {
	env := testcluster.NewEnv(t)
	mustBerth(t, env, "install", "g", filepath.Join("testdata", "demo"), "--set", "hooks.enabled=true,message=hi")
	for _, args := range [][]string{
		{"get", "hooks", "g"},
		{"get", "notes", "g"},
		{"get", "values", "g"},
		{"get", "values", "g", "-o", "json"},
		{"get", "values", "g", "--all", "-o", "json"},
		{"get", "manifest", "g"},
	} {
		b, h := mustBerth(t, env, args...), helm(t, env, append(args, "-n", env.Namespace)...)
		if strings.HasSuffix(strings.Join(args, " "), "json") {
			var bv, hv any
			if json.Unmarshal([]byte(b), &bv) != nil || json.Unmarshal([]byte(h), &hv) != nil || !reflect.DeepEqual(bv, hv) {
				t.Errorf("%v: berth %s\nhelm %s", args, b, h)
			}
			continue
		}
		if b != h {
			t.Errorf("%v differs:\nberth:\n%q\nhelm:\n%q", args, b, h)
		}
	}
}

// test and status print what helm prints, test suites included.
func TestCLITestAndStatusMatchHelm(t *testing.T) {
	env := testcluster.NewEnv(t)
	mustBerth(t, env, "install", "ts", filepath.Join("testdata", "demo"), "--set", "hooks.enabled=true")
	if b, h := mustBerth(t, env, "status", "ts"), helm(t, env, "status", "ts", "-n", env.Namespace); b != h {
		t.Errorf("status before tests:\nberth %q\nhelm  %q", b, h)
	}
	out := mustBerth(t, env, "test", "ts")
	if !strings.Contains(out, "TEST SUITE:     ts-test") || !strings.Contains(out, "Phase:          Succeeded") {
		t.Errorf("berth test:\n%s", out)
	}
	if b, h := mustBerth(t, env, "status", "ts"), helm(t, env, "status", "ts", "-n", env.Namespace); b != h {
		t.Errorf("status after tests:\nberth %q\nhelm  %q", b, h)
	}
}

// history and list print what helm prints, as tables and as JSON.
func TestCLIHistoryAndListMatchHelm(t *testing.T) {
	env := testcluster.NewEnv(t)
	chart := filepath.Join("testdata", "demo")
	mustBerth(t, env, "install", "hl", chart)
	mustBerth(t, env, "upgrade", "hl", chart, "--set", "message=2")
	for _, args := range [][]string{
		{"history", "hl"}, {"history", "hl", "-o", "json"}, {"history", "hl", "-o", "yaml"},
		{"list"}, {"list", "-o", "json"}, {"list", "-a", "-o", "yaml"},
	} {
		b, h := mustBerth(t, env, args...), helm(t, env, append(args, "-n", env.Namespace)...)
		if args[len(args)-1] == "json" {
			var bv, hv any
			if json.Unmarshal([]byte(b), &bv) != nil || json.Unmarshal([]byte(h), &hv) != nil || !reflect.DeepEqual(bv, hv) {
				t.Errorf("%v:\nberth %s\nhelm  %s", args, b, h)
			}
			continue
		}
		if strings.Join(strings.Fields(b), " ") != strings.Join(strings.Fields(h), " ") {
			t.Errorf("%v:\nberth %q\nhelm  %q", args, b, h)
		}
	}
}
