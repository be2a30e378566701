package tools

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestHelmOracleVersion proves the oracle is the Helm release berth targets.
func TestHelmOracleVersion(t *testing.T) {
	helm, err := Path("helm")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(helm, "version", "--template", "{{.Version}}").CombinedOutput()
	if err != nil {
		t.Fatalf("helm version: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "v3.22.0" {
		t.Fatalf("helm oracle version = %q, want v3.22.0", got)
	}
}

// TestHelmOracleRendersPodinfo is the oracle's smoke test on a real chart.
func TestHelmOracleRendersPodinfo(t *testing.T) {
	charts, err := ChartsDir()
	if err != nil {
		t.Fatal(err)
	}
	cmd := NewHelm(t).Command("template", "demo", filepath.Join(charts, "podinfo"), "--namespace", "apps", "--kube-version", "1.37.2")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helm template podinfo: %v\n%s", err, out)
	}
	for _, want := range []string{"# Source: podinfo/templates/deployment.yaml", "kind: Deployment", "name: demo-podinfo", "namespace: apps"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("helm template output lacks %q", want)
		}
	}
}

func TestCraneVersion(t *testing.T) {
	crane, err := Path("crane")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(crane, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("crane version: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "v0.22.1" {
		t.Fatalf("crane version = %q, want v0.22.1", got)
	}
}

// TestCosignOracleVersion proves the signature oracle is cosign v2.6.5.
func TestCosignOracleVersion(t *testing.T) {
	out, err := NewCosign(t, "").Run("", nil, "version", "--json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"gitVersion": "v2.6.5"`) {
		t.Fatalf("cosign version = %s, want v2.6.5", out)
	}
}
