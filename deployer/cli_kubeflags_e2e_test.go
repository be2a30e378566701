package deployer_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/cli"
	"github.com/berth-dev/berth/testcluster"
	"github.com/berth-dev/berth/tools"
)

// Helm's connection flags reach the cluster without a kubeconfig, and
// refuse what helm refuses: berth and helm run the same command lines
// (and HELM_KUBE* variables), with KUBECONFIG naming no file.
func TestCLIKubeConnectionFlagsMatchHelm(t *testing.T) {
	env := testcluster.NewEnv(t)
	cfg := env.Config
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, cfg.CAData, 0o600); err != nil {
		t.Fatal(err)
	}
	noKubeconfig := filepath.Join(t.TempDir(), "none")
	t.Setenv("KUBECONFIG", noKubeconfig)
	server, token, ns := cfg.Host, cfg.BearerToken, env.Namespace
	helm := tools.NewHelm(t)
	// REL in args is the release: web for berth, hweb for helm.
	run := func(extraEnv []string, args ...string) (berthOut string, berthCode int, helmOut string, helmCode int) {
		rel := func(name string) []string {
			out := make([]string, len(args))
			for i, a := range args {
				out[i] = strings.ReplaceAll(a, "REL", name)
			}
			return out
		}
		for _, kv := range extraEnv {
			k, v, _ := strings.Cut(kv, "=")
			t.Setenv(k, v)
		}
		var out, errOut bytes.Buffer
		berthCode = cli.Run(context.Background(), append([]string{"berth"}, rel("web")...), cli.Build{Version: "test"}, strings.NewReader(""), &out, &errOut)
		for _, kv := range extraEnv {
			k, _, _ := strings.Cut(kv, "=")
			os.Unsetenv(k)
		}
		cmd := helm.Command(rel("hweb")...)
		cmd.Env = append(append(cmd.Env, "KUBECONFIG="+noKubeconfig), extraEnv...)
		hb, err := cmd.CombinedOutput()
		if err != nil {
			helmCode = cmd.ProcessState.ExitCode()
		}
		return out.String() + errOut.String(), berthCode, strings.ReplaceAll(string(hb), "hweb", "web"), helmCode
	}
	chart := "testdata/demo"
	conn := []string{"--kube-apiserver", server, "--kube-token", token, "--kube-ca-file", ca, "-n", ns}
	for _, c := range []struct {
		name        string
		env         []string
		args        []string
		fail, hfail string // in berth's and helm's outputs when both fail (hfail: when helm's words differ)
	}{
		{name: "install with flags", args: append([]string{"install", "REL", chart}, conn...)},
		{name: "flags after the command, upgrade", args: append([]string{"upgrade", "REL", chart, "--set", "message=2"}, conn...)},
		{name: "flags before the command", args: append(append([]string{}, conn...), "history", "REL")},
		{name: "environment", env: []string{"HELM_KUBEAPISERVER=" + server, "HELM_KUBETOKEN=" + token, "HELM_KUBECAFILE=" + ca}, args: []string{"get", "values", "REL", "-n", ns, "--all"}},
		{name: "insecure", args: []string{"get", "values", "REL", "-n", ns, "--kube-apiserver", server, "--kube-token", token, "--kube-insecure-skip-tls-verify"}},
		{name: "server name", args: append([]string{"get", "values", "REL", "--kube-tls-server-name", "kubernetes"}, conn...)},
		{name: "wrong server name", args: append([]string{"status", "REL", "--kube-tls-server-name", "wrong.example"}, conn...), fail: "wrong.example"},
		{name: "wrong token", args: []string{"list", "-n", ns, "--kube-apiserver", server, "--kube-token", "nope", "--kube-ca-file", ca}, fail: "Unauthorized", hfail: "provide credentials"},
		{name: "no CA", args: []string{"list", "-n", ns, "--kube-apiserver", server, "--kube-token", token}, fail: "certificate"},
		{name: "impersonation", args: append([]string{"list", "--kube-as-user", "jane", "--kube-as-group", "devs", "--kube-as-group", "ops"}, conn...), fail: `User "jane" cannot list resource "secrets"`},
	} {
		bOut, bCode, hOut, hCode := run(c.env, c.args...)
		hfail := c.hfail
		if hfail == "" {
			hfail = c.fail
		}
		switch {
		case c.fail == "" && (bCode != 0 || hCode != 0):
			t.Errorf("%s: berth exit %d, helm exit %d\nberth: %s\nhelm: %s", c.name, bCode, hCode, bOut, hOut)
		case c.fail != "" && (bCode == 0 || hCode == 0 || !strings.Contains(bOut, c.fail) || !strings.Contains(hOut, hfail)):
			t.Errorf("%s: want both to fail (%q, %q): berth exit %d, helm exit %d\nberth: %s\nhelm: %s", c.name, c.fail, hfail, bCode, hCode, bOut, hOut)
		case c.fail == "" && c.args[0] == "get":
			if strings.Join(strings.Fields(bOut), " ") != strings.Join(strings.Fields(hOut), " ") {
				t.Errorf("%s: berth printed\n%s\nhelm\n%s", c.name, bOut, hOut)
			}
		}
	}
}
