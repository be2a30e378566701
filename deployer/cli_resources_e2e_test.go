package deployer_test

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/berth-dev/berth/testcluster"
)

// TestCLIStatusShowResourcesMatchesHelm: status --show-resources prints
// what the oracle prints for the same release, byte for byte once ages are
// masked: two ConfigMaps (the second without a header, each aligned on its
// own), a Service, a Deployment and its two Pods. Helm prints the groups
// in Go's random map order, so groups are compared as a set, and berth's
// order is the manifest's. With -o json both put the same objects under
// info.resources.
func TestCLIStatusShowResourcesMatchesHelm(t *testing.T) {
	env := testcluster.NewEnv(t)
	chart := filepath.Join("testdata", "demo")
	helm(t, env, "install", "res", chart, "--set", "extra=true,replicas=2", "--wait", "--timeout", "2m")

	h := helm(t, env, "status", "res", "--show-resources")
	b := mustBerth(t, env, "status", "res", "--show-resources")
	age := regexp.MustCompile(`(?m)\s{3}(\d+[smhdy])+$`)
	deployed := regexp.MustCompile(`(?m)^LAST DEPLOYED: .*$`)
	mask := func(s string) string { return age.ReplaceAllString(s, "   <age>") }
	hHead, hGroups, hTail := resourceSections(t, mask(h))
	bHead, bGroups, bTail := resourceSections(t, mask(b))
	if hHead != bHead || hTail != bTail || !reflect.DeepEqual(sorted(hGroups), sorted(bGroups)) {
		t.Fatalf("status --show-resources differs (ages masked)\nberth:\n%s\nhelm:\n%s", mask(b), mask(h))
	}
	var keys []string
	for _, g := range bGroups {
		keys = append(keys, strings.SplitN(g, "\n", 2)[0])
	}
	if want := []string{"==> v1/ConfigMap", "==> v1/Service", "==> v1/Deployment", "==> v1/Pod(related)"}; !slices.Equal(keys, want) {
		t.Errorf("berth's groups %q, want the manifest's order %q", keys, want)
	}
	if !strings.Contains(bGroups[0], "res-config") || !strings.Contains(bGroups[0], "res-extra") || strings.Count(bGroups[0], "NAME") != 1 ||
		strings.Count(bGroups[3], "res-") != 2 {
		t.Errorf("groups do not hold the release's objects:\n%s", b)
	}
	t.Logf("berth status --show-resources:\n%s", b)
	if deployed.ReplaceAllString(mustBerth(t, env, "status", "res"), "") != deployed.ReplaceAllString(helm(t, env, "status", "res"), "") {
		t.Error("status without --show-resources differs")
	}

	// -o json: the objects themselves under info.resources.
	var hj, bj struct {
		Info struct {
			Resources map[string][]map[string]any `json:"resources"`
		} `json:"info"`
	}
	if err := json.Unmarshal([]byte(helm(t, env, "status", "res", "--show-resources", "-o", "json")), &hj); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(mustBerth(t, env, "status", "res", "--show-resources", "-o", "json")), &bj); err != nil {
		t.Fatal(err)
	}
	for _, r := range []map[string][]map[string]any{hj.Info.Resources, bj.Info.Resources} {
		for _, list := range r["v1/Pod(related)"] {
			delete(list["metadata"].(map[string]any), "resourceVersion") // the cluster's, at the time of the call
		}
	}
	if len(hj.Info.Resources) != 4 || !reflect.DeepEqual(hj.Info.Resources, bj.Info.Resources) {
		hb, _ := json.MarshalIndent(hj.Info.Resources, "", " ")
		bb, _ := json.MarshalIndent(bj.Info.Resources, "", " ")
		t.Errorf("status --show-resources -o json: info.resources differ\nberth: %s\nhelm:  %s", bb, hb)
	}
	// A custom resource: the API server's default columns for it.
	helm(t, env, "install", "wres", filepath.Join("testdata", "widget"))
	if h, b := mask(helm(t, env, "status", "wres", "--show-resources")), mask(mustBerth(t, env, "status", "wres", "--show-resources")); h != b ||
		!strings.Contains(b, "==> v1/Widget\nNAME   AGE\nwres   <age>\n") {
		t.Errorf("status --show-resources of a custom resource:\nberth:\n%s\nhelm:\n%s", b, h)
	}

	bj.Info.Resources = nil
	if err := json.Unmarshal([]byte(mustBerth(t, env, "status", "res", "-o", "json")), &bj); err != nil || bj.Info.Resources != nil {
		t.Errorf("status -o json without --show-resources has resources: %v", err)
	}
}

// resourceSections splits status output into what comes before the
// resources, each "==> " group, and what comes after.
func resourceSections(t *testing.T, out string) (string, []string, string) {
	t.Helper()
	head, rest, ok := strings.Cut(out, "RESOURCES:\n")
	if !ok {
		t.Fatalf("no RESOURCES:\n%s", out)
	}
	body, tail, ok := strings.Cut(rest, "\n\nTEST SUITE:")
	if !ok {
		t.Fatalf("no TEST SUITE after the resources:\n%s", out)
	}
	var groups []string
	for _, g := range strings.Split(body, "==> ")[1:] {
		groups = append(groups, "==> "+strings.TrimRight(g, "\n")) // the last one ends with one newline less
	}
	return head, groups, tail
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
