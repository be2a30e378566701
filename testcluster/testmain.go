package testcluster

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
)

// shared is the control plane of this test binary, set by Main. Tests reach
// it through NewEnv.
var shared atomic.Pointer[Cluster]

// Main starts one control plane for the test binary, runs the tests and
// stops it. Use it from TestMain:
//
//	func TestMain(m *testing.M) { testcluster.Main(m) }
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	flag.Parse() // testing.Verbose needs parsed flags
	start := time.Now()
	c, err := Start(context.Background(), Options{})
	if err != nil {
		fmt.Fprintf(os.Stderr, "testcluster: %v\n", err)
		return 1
	}
	defer c.Stop()
	if testing.Verbose() {
		fmt.Fprintf(os.Stderr, "testcluster: control plane ready in %s (%s)\n", time.Since(start).Round(time.Millisecond), c.Dir)
	}
	shared.Store(c)
	return m.Run()
}

// Env is one test's slice of the shared cluster: its own namespace and a
// kubeconfig whose current context points at it.
type Env struct {
	Cluster    *Cluster
	Namespace  string
	Kubeconfig string
	Config     *rest.Config
}

// NewEnv creates a namespace for t, deleted when t ends, and a kubeconfig
// file for it. It fails the test if Main did not start a cluster.
func NewEnv(t testing.TB) *Env {
	t.Helper()
	c := shared.Load()
	if c == nil {
		t.Fatal("testcluster: no control plane; call testcluster.Main from TestMain")
	}
	ctx := context.Background()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: namespacePrefix(t.Name())}}
	ns, err := c.clientset.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("testcluster: create namespace: %v", err)
	}
	t.Cleanup(func() {
		_ = c.clientset.CoreV1().Namespaces().Delete(context.Background(), ns.Name, metav1.DeleteOptions{})
	})
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := c.WriteKubeconfig(kubeconfig, ns.Name); err != nil {
		t.Fatalf("testcluster: %v", err)
	}
	return &Env{Cluster: c, Namespace: ns.Name, Kubeconfig: kubeconfig, Config: c.RESTConfig()}
}

// namespacePrefix turns a test name into a valid namespace prefix.
func namespacePrefix(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > 40 {
		s = strings.TrimRight(s[:40], "-")
	}
	if s == "" {
		s = "test"
	}
	return s + "-"
}

// ScratchDir returns a folder that lives as long as the test binary's
// control plane and is removed with it: for things built once per test
// binary, such as the berth command, that must not outlive the tests.
func ScratchDir(t testing.TB) string {
	t.Helper()
	c := shared.Load()
	if c == nil {
		t.Fatal("testcluster: no control plane; call testcluster.Main from TestMain")
	}
	dir := filepath.Join(c.Dir, "scratch")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("testcluster: %v", err)
	}
	return dir
}
