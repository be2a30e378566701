package chartfmt

import (
	"fmt"
	"runtime"
	"slices"
	"strconv"

	k8sversion "k8s.io/apimachinery/pkg/util/version"
)

// Capabilities is `.Capabilities`. Field names, method sets and the print
// form follow Helm v3.22.0's chartutil.Capabilities, since templates see them.
type Capabilities struct {
	KubeVersion KubeVersion
	APIVersions VersionSet
	HelmVersion BuildInfo
}

// KubeVersion is `.Capabilities.KubeVersion`.
type KubeVersion struct {
	Version string
	Major   string
	Minor   string
}

// String is the version with its "v" prefix.
func (kv *KubeVersion) String() string { return kv.Version }

// GitVersion is the same as String (deprecated in Helm, still used by charts).
func (kv *KubeVersion) GitVersion() string { return kv.Version }

// VersionSet is `.Capabilities.APIVersions`.
type VersionSet []string

// Has reports whether apiVersion ("group/version" or "group/version/Kind")
// is in the set.
func (v VersionSet) Has(apiVersion string) bool { return slices.Contains(v, apiVersion) }

// BuildInfo is `.Capabilities.HelmVersion`: the Helm release berth mirrors.
type BuildInfo struct {
	Version      string `json:"version,omitempty"`
	GitCommit    string `json:"git_commit,omitempty"`
	GitTreeState string `json:"git_tree_state,omitempty"`
	GoVersion    string `json:"go_version,omitempty"`
}

// defaultKubeVersion is `.Capabilities.KubeVersion` when none is given.
// Helm v3.22.0 release builds set it from their client-go module (v0.37.0,
// Makefile LDFLAGS: major+1, minor) to v1.37.0; a source build without those
// flags (such as the test oracle from `go install`) reports v1.20.0.
var defaultKubeVersion = KubeVersion{Version: "v1.37.0", Major: "1", Minor: "37"}

// defaultAPIVersions is Helm v3.22.0's offline API version set (client-go's
// scheme plus apiextensions), captured from the oracle binary.
var defaultAPIVersions = []string{
	"v1", "admissionregistration.k8s.io/v1", "admissionregistration.k8s.io/v1alpha1",
	"admissionregistration.k8s.io/v1beta1", "internal.apiserver.k8s.io/v1alpha1", "apps/v1",
	"apps/v1beta1", "apps/v1beta2", "authentication.k8s.io/v1", "authentication.k8s.io/v1alpha1",
	"authentication.k8s.io/v1beta1", "authorization.k8s.io/v1", "authorization.k8s.io/v1beta1",
	"autoscaling/v1", "autoscaling/v2", "batch/v1", "batch/v1beta1", "certificates.k8s.io/v1",
	"certificates.k8s.io/v1beta1", "certificates.k8s.io/v1alpha1", "coordination.k8s.io/v1alpha2",
	"coordination.k8s.io/v1beta1", "coordination.k8s.io/v1", "discovery.k8s.io/v1",
	"discovery.k8s.io/v1beta1", "events.k8s.io/v1", "events.k8s.io/v1beta1", "extensions/v1beta1",
	"flowcontrol.apiserver.k8s.io/v1", "flowcontrol.apiserver.k8s.io/v1beta1",
	"flowcontrol.apiserver.k8s.io/v1beta2", "flowcontrol.apiserver.k8s.io/v1beta3",
	"lifecycle.k8s.io/v1alpha1", "networking.k8s.io/v1", "networking.k8s.io/v1beta1", "node.k8s.io/v1",
	"node.k8s.io/v1alpha1", "node.k8s.io/v1beta1", "policy/v1", "policy/v1beta1",
	"rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io/v1beta1",
	"rbac.authorization.k8s.io/v1alpha1", "resource.k8s.io/v1", "resource.k8s.io/v1beta2",
	"resource.k8s.io/v1beta1", "resource.k8s.io/v1alpha3", "scheduling.k8s.io/v1alpha3",
	"scheduling.k8s.io/v1beta1", "scheduling.k8s.io/v1", "storage.k8s.io/v1beta1", "storage.k8s.io/v1",
	"storage.k8s.io/v1alpha1", "storagemigration.k8s.io/v1", "storagemigration.k8s.io/v1beta1",
	"apiextensions.k8s.io/v1beta1", "apiextensions.k8s.io/v1",
}

// ParseKubeVersion parses --kube-version as Helm does (a generic version,
// "v" added, extra suffixes dropped).
func ParseKubeVersion(s string) (*KubeVersion, error) {
	v, err := k8sversion.ParseGeneric(s)
	if err != nil {
		return nil, fmt.Errorf("invalid kube version '%s': %s", s, err)
	}
	return &KubeVersion{
		Version: "v" + v.String(),
		Major:   strconv.FormatUint(uint64(v.Major()), 10),
		Minor:   strconv.FormatUint(uint64(v.Minor()), 10),
	}, nil
}

// newCapabilities builds `.Capabilities` for an offline render.
func newCapabilities(kube *KubeVersion, extraAPIs []string) *Capabilities {
	kv := defaultKubeVersion
	if kube != nil {
		kv = *kube
	}
	apis := make(VersionSet, 0, len(defaultAPIVersions)+len(extraAPIs))
	apis = append(apis, defaultAPIVersions...)
	apis = append(apis, extraAPIs...)
	return &Capabilities{
		KubeVersion: kv,
		APIVersions: apis,
		HelmVersion: BuildInfo{Version: HelmVersion, GoVersion: runtime.Version()},
	}
}
