package chartsource

import (
	"strings"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/chartfmt/provenance"
)

// Source is a resolved chart and where it came from.
type Source struct {
	Kind Kind
	// Chart is the loaded chart (FormChart).
	Chart *chartfmt.Chart
	// Archive is the chart's .tgz: always for FormArchive, and for
	// FormChart when it was downloaded.
	Archive []byte
	// Metadata is the chart's Chart.yaml.
	Metadata *chartfmt.Metadata
	// Ref is the reference as resolved, for display: oci://host/repo:tag,
	// the archive's URL, or the path given.
	Ref string
	// FileName is the name the archive is saved under: its name in the
	// repository's URL, else NAME-VERSION.tgz.
	FileName string
	// Prov is the provenance file or layer, when there is one and it was
	// fetched (oci:// charts always; classic ones when verified or asked
	// for by RepoOptions.Download.Prov).
	Prov []byte
	// Provenance is what a verified Prov established (Policy.Keyring).
	Provenance *provenance.Verification
	// Cached reports an oci:// chart read from the local cache only.
	Cached bool
	// Warnings are the download's notes for the user.
	Warnings []string
	Origin   Origin
}

// Origin is where a chart came from and what was verified about it.
type Origin struct {
	// Ref pins the chart: oci://host/repo@sha256:… for a registry, the
	// archive URL of a classic repository, the absolute path on disk.
	Ref string
	// Digest is the manifest digest (oci://) or the archive's sha256
	// (downloaded archives); "" for a chart on disk.
	Digest string
	// Verified lists what was verified before the chart was returned,
	// e.g. "chart signature (cosign, key cosign.pub)".
	Verified []string
}

// cosignVerified is what Origin records for --verify --key.
func cosignVerified(what string, keys []string) string {
	return what + " (cosign, key " + strings.Join(keys, ", ") + ")"
}

// provenanceVerified is what Origin records for a verified .prov.
func provenanceVerified(v *provenance.Verification) string {
	s := "chart provenance (pgp, key " + v.Signer.Fingerprint
	if len(v.Signer.Identities) > 0 {
		s += ", signed by " + v.Signer.Identities[0]
	}
	return s + ")"
}

func (s *Source) addProvenance(v *provenance.Verification) {
	if v != nil {
		s.Provenance = v
		s.Origin.Verified = append(s.Origin.Verified, provenanceVerified(v))
	}
}
