package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/berth-dev/berth/tools"
)

// The differential proof of `berth template`: every case runs the Helm
// v3.22.0 oracle and berth with the same arguments and compares stdout byte
// for byte (after maskRandom, see there), or, when Helm fails, the error
// text from "Error:" on.

// oracleCase is one `template` invocation: args after "template".
type oracleCase struct {
	name  string
	args  []string
	stdin string
}

func commonFlags(extra ...string) []string {
	return append([]string{"-n", "ns", "--kube-version", "1.37.2"}, extra...)
}

// sharedChartCases: each shared chart with default values and with each of
// its ci/*.yaml files.
func sharedChartCases(t *testing.T) []oracleCase {
	t.Helper()
	charts, err := tools.ChartsDir()
	if err != nil {
		t.Fatal(err)
	}
	dirs, err := filepath.Glob(filepath.Join(charts, "*", "Chart.yaml"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no charts in %s: %v", charts, err)
	}
	var cases []oracleCase
	for _, cy := range dirs {
		dir := filepath.Dir(cy)
		name := filepath.Base(dir)
		cases = append(cases, oracleCase{name: name, args: append(commonFlags(), "rel", dir)})
		ci, _ := filepath.Glob(filepath.Join(dir, "ci", "*.yaml"))
		for _, f := range ci {
			cases = append(cases, oracleCase{
				name: name + "/" + strings.TrimSuffix(filepath.Base(f), ".yaml"),
				args: append(commonFlags("-f", f), "rel", dir),
			})
		}
	}
	// A few flag variations on real charts.
	for _, v := range []struct {
		chart string
		flags []string
	}{
		{"grafana", []string{"-a", "policy/v1/PodDisruptionBudget", "--set", "podDisruptionBudget.minAvailable=1"}},
		{"prometheus", []string{"--is-upgrade", "--skip-tests"}},
		{"ingress-nginx", []string{"--include-crds", "--no-hooks", "-s", "templates/controller-deployment.yaml"}},
		{"wordpress", []string{"--set", "mariadb.enabled=false,memcached.enabled=true,externalDatabase.password=x"}},
		{"podinfo", []string{"-f", filepath.Join(charts, "podinfo", "values-prod.yaml")}},
		{"redis", nil},
	} {
		flags := append([]string{"-n", "other"}, v.flags...) // default kube version
		cases = append(cases, oracleCase{name: v.chart + "/flags", args: append(flags, "rel", filepath.Join(charts, v.chart))})
	}
	return cases
}

func TestTemplateMatchesHelmSharedCharts(t *testing.T) {
	runOracleCases(t, sharedChartCases(t))
}

func runOracleCases(t *testing.T, cases []oracleCase) {
	t.Helper()
	helm, err := tools.Path("helm")
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			compareWithHelm(t, helm, home, tc)
		})
	}
}

func compareWithHelm(t *testing.T, helm, home string, tc oracleCase) {
	t.Helper()
	hOut, hErr, hCode := runHelmTemplate(t, helm, home, tc)
	bOut, bErr, bCode := runBerthTemplate(tc)
	if hCode != 0 {
		if bCode == 0 {
			t.Fatalf("helm failed but berth succeeded\nhelm stderr:\n%s", hErr)
		}
		if he, be := errorText(hErr), errorText(bErr); he != be {
			t.Fatalf("error differs\n%s", unifiedDiff("helm", he, "berth", be))
		}
		return
	}
	if bCode != 0 {
		t.Fatalf("berth failed, helm succeeded:\n%s", bErr)
	}
	again, _, _ := runBerthTemplate(tc)
	hNorm, bNorm := maskRandom(hOut, bOut, again)
	if hNorm != bNorm {
		t.Fatalf("output differs from helm\n%s", unifiedDiff("helm", hNorm, "berth", bNorm))
	}
}

func runHelmTemplate(t *testing.T, helm, home string, tc oracleCase) (string, string, int) {
	t.Helper()
	args := append([]string{"template"}, tc.args...)
	if !slices.Contains(tc.args, "--kube-version") {
		// The oracle is a source build, whose default Kubernetes version is
		// v1.20.0; the v3.22.0 release (and berth) default to v1.37.0.
		args = append(args, "--kube-version", "1.37.0")
	}
	cmd := exec.CommandContext(context.Background(), helm, args...)
	cmd.Env = []string{
		"HOME=" + home, "PATH=" + os.Getenv("PATH"), "KUBECONFIG=" + filepath.Join(home, "no-kubeconfig"),
		"HELM_CACHE_HOME=" + filepath.Join(home, "cache"), "HELM_CONFIG_HOME=" + filepath.Join(home, "config"),
		"HELM_DATA_HOME=" + filepath.Join(home, "data"),
	}
	cmd.Stdin = strings.NewReader(tc.stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("run helm: %v", err)
		}
		code = ee.ExitCode()
	}
	return out.String(), errb.String(), code
}

// berthMu serialises in-process berth runs: urfave/cli writes its global
// help flag while parsing, a data race between parallel runs.
var berthMu sync.Mutex

func runBerthTemplate(tc oracleCase) (string, string, int) {
	berthMu.Lock()
	defer berthMu.Unlock()
	var out, errb bytes.Buffer
	args := append([]string{"berth", "template"}, tc.args...)
	code := Run(context.Background(), args, Build{}, strings.NewReader(tc.stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// errorText is stderr from the "Error: " line on (Helm logs warnings before).
func errorText(stderr string) string {
	if i := strings.Index(stderr, "Error: "); i >= 0 {
		return stderr[i:]
	}
	return stderr
}

var yamlKeyPrefix = regexp.MustCompile(`^(\s*(?:- )?[^\s:][^:]*:\s)`)

// maskRandom is the only normalisation: output of random and time functions
// (randAlphaNum, genCA, uuidv4, now, … and hashes of them) differs between
// two renders of the same input. Berth renders twice; every line that
// differs between berth's two renders is such output, and at exactly those
// lines the value (after "key: ", or the whole line) is replaced by
// <random> in both helm's and berth's output. Lines equal in both berth
// renders are compared verbatim, and the key prefixes of masked lines are
// still compared.
func maskRandom(helm, berth, berthAgain string) (string, string) {
	if berth == berthAgain {
		return helm, berth
	}
	b1, b2 := strings.Split(berth, "\n"), strings.Split(berthAgain, "\n")
	h := strings.Split(helm, "\n")
	if len(b1) != len(b2) {
		return helm, berth // not line-aligned: compare unmasked, and fail
	}
	for i := range b1 {
		if b1[i] == b2[i] {
			continue
		}
		b1[i] = maskLine(b1[i])
		if i < len(h) {
			h[i] = maskLine(h[i])
		}
	}
	return strings.Join(h, "\n"), strings.Join(b1, "\n")
}

func maskLine(s string) string {
	if m := yamlKeyPrefix.FindString(s); m != "" {
		return m + "<random>"
	}
	return "<random>"
}

func unifiedDiff(aName, a, bName, b string) string {
	d, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(a), B: difflib.SplitLines(b), FromFile: aName, ToFile: bName, Context: 3,
	})
	if len(d) > 20000 {
		d = d[:20000] + "\n… (diff truncated)"
	}
	return d
}
