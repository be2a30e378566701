package deployer

import (
	"fmt"
	"sort"

	"k8s.io/client-go/discovery"

	"github.com/berth-dev/berth/chartfmt"
)

// ValidateRendered checks r's manifests as an install builds them, without
// writing anything: every kind must be served by the cluster, built-in kinds
// decode strictly (Helm's `template --validate`).
func (k *Kube) ValidateRendered(r *chartfmt.Rendered, namespace string) error {
	if _, err := k.Build(fromChartfmt(r).Manifests, namespace); err != nil {
		return fmt.Errorf("unable to build kubernetes objects from release manifest: %w", err)
	}
	return nil
}

// APIVersions lists what the cluster serves as .Capabilities.APIVersions
// holds it: every group/version and every group/version/kind.
func (k *Kube) APIVersions() ([]string, error) {
	groups, resources, err := k.discovery.ServerGroupsAndResources()
	if err != nil && !discovery.IsGroupDiscoveryFailedError(err) {
		return nil, fmt.Errorf("server API versions: %w", err)
	}
	set := map[string]bool{}
	for _, g := range groups {
		for _, v := range g.Versions {
			set[v.GroupVersion] = true
		}
	}
	for _, rl := range resources {
		for _, res := range rl.APIResources {
			set[rl.GroupVersion+"/"+res.Kind] = true
		}
	}
	out := make([]string, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	sort.Strings(out)
	return out, nil
}
