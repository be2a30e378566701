package deployer_test

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/berth-dev/berth/testcluster"
)

// A rendered object with a field the schema lacks: berth refuses it before
// anything is applied (helm v3.22 sends it and the API server warns and
// drops it); with --disable-openapi-validation berth does what helm does,
// on install and upgrade, and the live objects agree.
func TestCLIDisableOpenAPIValidationMatchesHelm(t *testing.T) {
	env := testcluster.NewEnv(t)
	chart := "testdata/unknownfield"
	out, errOut, code := berth(t, env, "install", "b-cm", chart, "-n", env.Namespace)
	if code != 1 || !strings.Contains(out+errOut, `unknown field "bogus"`) {
		t.Errorf("berth install of an unknown field: exit %d\n%s%s", code, out, errOut)
	}
	if got := helm(t, env, "install", "h-cm", chart, "-n", env.Namespace); !strings.Contains(got, `unknown field \"bogus\"`) {
		t.Errorf("helm install of an unknown field: no warning\n%s", got)
	}
	mustBerth(t, env, "install", "b-cm", chart, "--disable-openapi-validation", "--replace", "-n", env.Namespace)
	mustBerth(t, env, "upgrade", "b-cm", chart, "--disable-openapi-validation", "--set", "x=1", "-n", env.Namespace)
	helm(t, env, "upgrade", "h-cm", chart, "--disable-openapi-validation", "--set", "x=1", "-n", env.Namespace)
	get := func(name string) string {
		cm, err := env.Cluster.Clientset().CoreV1().ConfigMaps(env.Namespace).Get(t.Context(), name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join([]string{cm.Data["k"], cm.Labels["app.kubernetes.io/managed-by"], cm.Annotations["meta.helm.sh/release-name"][2:]}, " ")
	}
	if b, h := get("b-cm-cm"), get("h-cm-cm"); b != h || !strings.HasPrefix(b, "v Helm") {
		t.Errorf("live ConfigMaps: berth %q, helm %q", b, h)
	}
	if _, errOut, code := berth(t, env, "upgrade", "b-cm", chart, "-n", env.Namespace); code != 1 || !strings.Contains(errOut, `unknown field "bogus"`) {
		t.Errorf("berth upgrade without the flag: exit %d %s", code, errOut)
	}
}
