package deployer

import "encoding/json"

// Origin is where a revision's chart came from and what was checked about
// it before it was deployed, so that "what runs" can be traced to "what
// was built". Helm's release JSON has no field for it: berth keeps it in an
// annotation of the release Secret, which helm ignores (and drops when it
// rewrites that Secret: then the origin reads as unknown).
type Origin struct {
	// Ref is the chart pinned by digest: oci://host/repo/name@sha256:…;
	// for a chart whose PGP .prov was verified, also the URL of a classic
	// repository's archive or the path of a local one.
	Ref string `json:"ref"`
	// Verified lists what was verified before anything was rendered, e.g.
	// "chart signature (cosign, key cosign.pub)" or "chart provenance (pgp,
	// key FINGERPRINT, signed by NAME <EMAIL>)"; empty when nothing was.
	Verified []string `json:"verified,omitempty"`
}

// originAnnotation holds a revision's Origin as JSON.
const originAnnotation = "berth.dev/origin"

func (o *Origin) annotation() string {
	b, _ := json.Marshal(o) // strings only: cannot fail
	return string(b)
}

// parseOrigin reads the annotation; a missing or unreadable one is no
// origin rather than an error, as the release itself is still good.
func parseOrigin(s string) *Origin {
	if s == "" {
		return nil
	}
	var o Origin
	if json.Unmarshal([]byte(s), &o) != nil || o.Ref == "" {
		return nil
	}
	return &o
}
