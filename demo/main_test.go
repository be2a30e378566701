package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/berth-dev/berth/tools"
)

// buildBerth builds the berth binary the demo runs.
func buildBerth(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "berth")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/berth-dev/berth").CombinedOutput()
	if err != nil {
		t.Fatalf("go build berth: %v\n%s", err, out)
	}
	return bin
}

// TestDemoRunsEndToEnd runs the demo non-interactively and, after each step,
// checks its result against the live registries, the API server and the
// helm oracle, not just that the step returned.
func TestDemoRunsEndToEnd(t *testing.T) {
	helm := tools.NewHelm(t)
	var out bytes.Buffer
	checks := map[string]func(context.Context, *State) error{
		"image":   checkImage,
		"release": checkRelease,
		"install": checkInstall,
		"drift":   checkDrift,
		"history": func(ctx context.Context, s *State) error { return checkHelmSees(ctx, helm, s) },
		"bundle":  func(ctx context.Context, s *State) error { return checkBundle(ctx, helm, s) },
	}
	seen := map[string]bool{}
	err := run(context.Background(), &out, Options{Berth: buildBerth(t), Chart: "../examples/hello",
		Check: func(ctx context.Context, step string, s *State) error {
			seen[step] = true
			if c := checks[step]; c != nil {
				return c(ctx, s)
			}
			return nil
		}})
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	for step := range checks {
		if !seen[step] {
			t.Errorf("the demo never ran step %q", step)
		}
	}
	for _, want := range []string{"$ berth release ", "$ berth install ", "$ berth diff upgrade ", "$ berth upgrade ",
		"$ berth history ", "$ helm list ", "$ berth bundle save ", "$ berth bundle push ", "exit code 2"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}

var pushedDigest = regexp.MustCompile(`digest: (sha256:[0-9a-f]{64}) size: \d+`)

// checkImage reopens the docker save tar independently; for an image built
// with docker build, docker push (the oracle) must print the digest the demo
// will pin.
func checkImage(ctx context.Context, s *State) error {
	if s.DaemonImage != "" {
		if s.ImageSource != "docker-daemon:"+s.DaemonImage {
			return fmt.Errorf("built %s with docker but releases %s", s.DaemonImage, s.ImageSource)
		}
		oracle := s.Factory + "/oracle/hello:1.0"
		defer exec.Command("docker", "rmi", "-f", oracle).Run()
		if out, err := exec.CommandContext(ctx, "docker", "tag", s.DaemonImage, oracle).CombinedOutput(); err != nil {
			return fmt.Errorf("docker tag: %v: %s", err, out)
		}
		out, err := exec.CommandContext(ctx, "docker", "push", oracle).CombinedOutput()
		m := pushedDigest.FindSubmatch(out)
		if err != nil || m == nil {
			return fmt.Errorf("docker push %s: %v: %s", oracle, err, out)
		}
		if string(m[1]) != s.ImageDigest {
			return fmt.Errorf("docker push gives %s, demo will pin %s", m[1], s.ImageDigest)
		}
		return nil
	}
	if s.ImageSource != s.ImageTar {
		return fmt.Errorf("generated %s but releases %s", s.ImageTar, s.ImageSource)
	}
	img, err := tarball.ImageFromPath(s.ImageTar, nil)
	if err != nil {
		return err
	}
	d, err := img.Digest()
	if err != nil {
		return err
	}
	if d.String() != s.ImageDigest {
		return fmt.Errorf("tar holds %s, demo says %s", d, s.ImageDigest)
	}
	return nil
}

// checkRelease asks the registry for the image by digest and the chart.
func checkRelease(ctx context.Context, s *State) error {
	if err := headDigest(ctx, s.Factory+"/demo/hello@"+s.ImageDigest); err != nil {
		return err
	}
	if !regexp.MustCompile(`^oci://` + regexp.QuoteMeta(s.Factory) + `/demo/hello@sha256:[0-9a-f]{64}$`).MatchString(s.Chart) {
		return fmt.Errorf("pinned chart %q", s.Chart)
	}
	return headDigest(ctx, strings.TrimPrefix(s.Chart, "oci://"))
}

func headDigest(ctx context.Context, ref string) error {
	r, err := name.NewDigest(ref, name.Insecure)
	if err != nil {
		return err
	}
	desc, err := remote.Head(r, remote.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("HEAD %s: %w", ref, err)
	}
	if desc.Digest.String() != r.DigestStr() {
		return fmt.Errorf("HEAD %s answered digest %s", ref, desc.Digest)
	}
	return nil
}

// checkInstall reads the running Deployment from the API server.
func checkInstall(ctx context.Context, s *State) error {
	dep, err := s.Cluster.Clientset().AppsV1().Deployments(s.Namespace).Get(ctx, s.Release, metav1.GetOptions{})
	if err != nil {
		return err
	}
	want := s.Factory + "/demo/hello@" + s.ImageDigest
	if got := dep.Spec.Template.Spec.Containers[0].Image; got != want {
		return fmt.Errorf("running image %s, want the digest-pinned %s", got, want)
	}
	if dep.Status.ReadyReplicas != 1 {
		return fmt.Errorf("%d ready replicas after install --wait, want 1", dep.Status.ReadyReplicas)
	}
	return nil
}

// checkDrift: the hand-scaled Deployment is back to the chart's replicas.
func checkDrift(ctx context.Context, s *State) error {
	dep, err := s.Cluster.Clientset().AppsV1().Deployments(s.Namespace).Get(ctx, s.Release, metav1.GetOptions{})
	if err != nil {
		return err
	}
	if *dep.Spec.Replicas != 1 || dep.Status.ReadyReplicas != 1 {
		return fmt.Errorf("after upgrade: spec.replicas %d, ready %d; want the drift repaired to 1/1",
			*dep.Spec.Replicas, dep.Status.ReadyReplicas)
	}
	return nil
}

// checkHelmSees runs the oracle itself against the demo's cluster.
func checkHelmSees(_ context.Context, helm *tools.Helm, s *State) error {
	out, err := helm.Run(nil, "list", "-n", s.Namespace, "-o", "json", "--kubeconfig", s.Cluster.Kubeconfig)
	if err != nil {
		return err
	}
	var rels []struct {
		Name     string `json:"name"`
		Revision string `json:"revision"`
		Status   string `json:"status"`
		Chart    string `json:"chart"`
	}
	if err := json.Unmarshal([]byte(out), &rels); err != nil {
		return fmt.Errorf("helm list -o json: %w\n%s", err, out)
	}
	if len(rels) != 1 || rels[0].Name != s.Release || rels[0].Revision != "2" || rels[0].Status != "deployed" ||
		rels[0].Chart != "hello-0.1.0" {
		return fmt.Errorf("helm list sees %+v, want %s revision 2 deployed hello-0.1.0", rels, s.Release)
	}
	if !strings.Contains(s.HelmList, s.Release) {
		return fmt.Errorf("the demo's helm list output lacks the release:\n%s", s.HelmList)
	}
	return nil
}

// checkBundle: the site registry holds the same image digest, and the
// site's chart (read by the oracle) deploys it from the site registry.
func checkBundle(ctx context.Context, helm *tools.Helm, s *State) error {
	if err := headDigest(ctx, s.Site+"/apps/hello@"+s.ImageDigest); err != nil {
		return fmt.Errorf("bundle push: image digest not kept: %w", err)
	}
	ref, dig, ok := strings.Cut(s.SiteChart, "@")
	if !ok || !strings.HasPrefix(ref, "oci://"+s.Site+"/apps/") {
		return fmt.Errorf("site chart %q", s.SiteChart)
	}
	vals, err := helm.Run(nil, "show", "values", ref, "--version", "0.1.0", "--plain-http")
	if err != nil {
		return err
	}
	for _, want := range []string{`repository: "?` + regexp.QuoteMeta(s.Site+"/apps/hello") + `"?\n`,
		`digest: "?` + s.ImageDigest + `"?\n`} {
		if !regexp.MustCompile(want).MatchString(vals) {
			return fmt.Errorf("site chart values lack %s:\n%s", want, vals)
		}
	}
	return headDigest(ctx, strings.TrimPrefix(ref, "oci://")+"@"+dig)
}

// TestDemoCleansUpOnInterrupt interrupts the demo binary mid-run, as Ctrl-C
// does, and checks that every process it started is gone and its scratch
// folder removed.
func TestDemoCleansUpOnInterrupt(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "demo")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build demo: %v\n%s", err, out)
	}
	root, _ := filepath.Abs("..")
	berth := buildBerth(t)
	if err := os.MkdirAll(filepath.Join(root, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "BERTH_DEMO_BERTH="+berth)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	var pids []int
	var work string
	var log strings.Builder
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		log.WriteString(line + "\n")
		if m := regexp.MustCompile(`DEMO=(\S+)`).FindStringSubmatch(line); m != nil && work == "" {
			work = m[1]
		}
		for _, m := range regexp.MustCompile(`\(pids? \[?([\d ]+)\]?\)`).FindAllStringSubmatch(line, -1) {
			for _, f := range strings.Fields(m[1]) {
				p, _ := strconv.Atoi(f)
				pids = append(pids, p)
			}
		}
		if strings.Contains(line, "$ berth install ") {
			break
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	go func() { // drain, so the demo never blocks writing
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
		}
	}()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		t.Fatalf("demo still running 60s after SIGINT:\n%s", log.String())
	}
	if err == nil {
		t.Errorf("interrupted demo exited 0")
	}
	if len(pids) < 5 || work == "" {
		t.Fatalf("demo narration named pids %v and scratch %q; want the registry and the control plane:\n%s", pids, work, log.String())
	}
	for _, p := range pids {
		if alive(p) {
			t.Errorf("pid %d still running after the interrupted demo", p)
		}
	}
	if _, err := os.Stat(work); !os.IsNotExist(err) {
		t.Errorf("scratch folder %s left behind (%v)", work, err)
	}
}

// alive reports whether pid runs (a zombie counts as gone).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	return len(f) > 0 && f[0] != "Z"
}
