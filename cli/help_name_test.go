package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/tools"
)

// A release may be named h or help, which urfave/cli takes for its help
// command (or its alias) in every command's first argument.
func TestReleaseNamedHelp(t *testing.T) {
	chart := t.TempDir()
	for name, body := range map[string]string{
		"Chart.yaml":        "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
		"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(chart, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(chart, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	helm := tools.NewHelm(t)
	for _, rel := range []string{"h", "help"} {
		want, err := helm.Run(nil, "template", rel, chart)
		if err != nil {
			t.Fatal(err)
		}
		code, out, errOut := run(t, "template", rel, chart)
		if code != 0 || out != want {
			t.Errorf("berth template %s: exit %d\n%s%s\nwant (helm):\n%s", rel, code, out, errOut, want)
		}
	}
	// Cluster commands fail on the missing kubeconfig, not on their arguments.
	kubeconfig := filepath.Join(t.TempDir(), "missing")
	for _, args := range [][]string{
		{"install", "REL", chart, "-n", "x"},
		{"upgrade", "REL", chart, "-n", "x"},
		{"status", "REL", "-n", "x"},
		{"history", "REL", "-n", "x"},
		{"uninstall", "REL", "-n", "x"},
		{"rollback", "REL", "1", "-n", "x"},
		{"get", "values", "REL", "-n", "x"},
		{"test", "REL", "-n", "x"},
		{"recover", "REL", "-n", "x"},
		{"diff", "upgrade", "REL", chart, "-n", "x"},
	} {
		for _, rel := range []string{"h", "help"} {
			argv := append([]string{"--kubeconfig", kubeconfig}, strings.Fields(strings.ReplaceAll(strings.Join(args, " "), "REL", rel))...)
			code, out, errOut := run(t, argv...)
			bad := []string{"flag provided but not defined", "unknown command", "Incorrect Usage", "NAME:"}
			for _, b := range bad {
				if strings.Contains(out+errOut, b) {
					t.Errorf("berth %s: treated %q as help (exit %d):\n%s%s", strings.Join(argv, " "), rel, code, out, errOut)
					break
				}
			}
			if code == 0 || !strings.Contains(errOut, "missing") {
				t.Errorf("berth %s: exit %d, want the missing kubeconfig reported:\n%s", strings.Join(argv, " "), code, errOut)
			}
		}
	}
	// Help itself still works.
	for _, argv := range [][]string{{"help", "install"}, {"install", "--help"}, {"install", "-h"}, {"help"}} {
		if code, out, errOut := run(t, argv...); code != 0 || !strings.Contains(out, "USAGE:") {
			t.Errorf("berth %s: exit %d\n%s%s", strings.Join(argv, " "), code, out, errOut)
		}
	}
}
