package chartfmt

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// starterValueSets are --set combinations that switch on every template.
var starterValueSets = [][]string{
	nil,
	{"ingress.enabled=true", "ingress.className=nginx", "ingress.tls[0].secretName=tls", "ingress.tls[0].hosts[0]=a.example.com"},
	{"autoscaling.enabled=true", "autoscaling.targetMemoryUtilizationPercentage=70", "serviceAccount.create=false"},
	{"fullnameOverride=custom", "podAnnotations.a=b", "image.tag=1.29", "imagePullSecrets[0].name=regcred", "resources.limits.cpu=100m"},
	{"image.tag=1.29", "image.digest=sha256:" + strings.Repeat("ab", 32)},
}

// TestCreateStarterLikeHelm: `berth create` writes a chart that lints clean
// in berth and in helm, and that berth and helm render byte-identically
// with every feature switched on, from the directory and from berth's package.
func TestCreateStarterLikeHelm(t *testing.T) {
	dir, err := Create(filepath.Join(t.TempDir(), "nested", "web-app"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Lint(context.Background(), dir, LintOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range res.Messages {
		if m.Severity != LintInfo {
			t.Errorf("berth lint: %s", m)
		}
	}
	helmLint := mustHelm(t, "lint", "--strict", dir)
	if strings.Contains(helmLint, "[WARNING]") || strings.Contains(helmLint, "[ERROR]") {
		t.Errorf("helm lint:\n%s", helmLint)
	}
	c, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	tgz, err := PackageToDir(c, t.TempDir(), PackageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range starterValueSets {
		args := []string{"template", "rel", dir, "-n", "apps", "--kube-version", "1.37.2"}
		for _, s := range set {
			args = append(args, "--set", s)
		}
		want := mustHelm(t, args...)
		args[2] = tgz
		if fromTgz := mustHelm(t, args...); fromTgz != want {
			t.Errorf("--set %v: helm renders berth's package differently", set)
		}
		vals, err := ValueOptions{Values: set}.Merge(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		r, err := Render(context.Background(), c, vals, RenderOptions{ReleaseName: "rel", Namespace: "apps", KubeVersion: "1.37.2"})
		if err != nil {
			t.Fatalf("--set %v: %v", set, err)
		}
		got, err := r.TemplateOutput(TemplateOutputOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("--set %v: berth renders differently from helm:\nhelm:\n%s\nberth:\n%s", set, want, got)
		}
		for _, kind := range []string{"kind: Deployment", "kind: Service\n", "kind: Pod"} {
			if !strings.Contains(got, kind) {
				t.Errorf("--set %v: no %q in output", set, kind)
			}
		}
		if len(set) > 0 && strings.HasPrefix(set[0], "ingress") && !strings.Contains(got, "kind: Ingress") ||
			len(set) > 0 && strings.HasPrefix(set[0], "autoscaling") && !strings.Contains(got, "kind: HorizontalPodAutoscaler") {
			t.Errorf("--set %v: switched-on template missing", set)
		}
	}
}

func TestCreateRefusesBadTargets(t *testing.T) {
	parent := t.TempDir()
	if _, err := Create(filepath.Join(parent, "Bad_Name")); err == nil || !strings.Contains(err.Error(), `chart name "Bad_Name" is invalid`) {
		t.Errorf("bad name: %v", err)
	}
	existing := filepath.Join(parent, "taken")
	if err := os.Mkdir(existing, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(existing); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("existing dir: %v", err)
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
	files, err := StarterFiles("x")
	if err != nil {
		t.Fatal(err)
	}
	want := ".helmignore Chart.yaml templates/NOTES.txt templates/_helpers.tpl templates/deployment.yaml templates/hpa.yaml templates/ingress.yaml templates/service.yaml templates/serviceaccount.yaml templates/tests/test-connection.yaml values.schema.json values.yaml"
	if got := strings.Join(fileNames(files), " "); got != want {
		t.Errorf("starter files: %s", got)
	}
	for _, f := range files {
		if strings.Contains(string(f.Data), starterPlaceholder) {
			t.Errorf("%s still holds the placeholder", f.Name)
		}
	}
}
