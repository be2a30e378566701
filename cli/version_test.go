package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"runtime"
	"strings"
	"testing"
)

// run executes the CLI in-process and returns its exit code and output.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), append([]string{"berth"}, args...), Build{Version: "v1.2.3", Commit: "abc1234"},
		strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestVersionJSON(t *testing.T) {
	code, out, errOut := run(t, "version", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got versionInfo
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("version -o json is not JSON: %v\n%s", err, out)
	}
	want := versionInfo{Version: "v1.2.3", Commit: "abc1234", GoVersion: runtime.Version(), HelmCompat: "v3.22.0",
		Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if got != want {
		t.Fatalf("version = %+v, want %+v", got, want)
	}
}

func TestVersionText(t *testing.T) {
	code, out, _ := run(t, "version")
	if code != 0 || !strings.Contains(out, "berth v1.2.3 (commit abc1234") || !strings.Contains(out, "compatible with Helm v3.22.0") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
}

func TestUnknownOutputFormatFails(t *testing.T) {
	code, _, errOut := run(t, "version", "-o", "xml")
	if code != 1 || !strings.Contains(errOut, `unknown output format "xml"`) {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestHelpListsGlobalFlags(t *testing.T) {
	code, out, _ := run(t, "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"--kubeconfig", "--kube-context", "--namespace value, -n value", "--debug", "version"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %q:\n%s", want, out)
		}
	}
}
