package oci

import (
	"fmt"

	"github.com/berth-dev/berth/chartfmt/provenance"
)

// VerifyProvenance checks the chart's provenance layer (Helm's .prov,
// attached by helm push) against ring, the archive named as helm names a
// pulled chart (NAME-VERSION.tgz). A chart without that layer fails, as
// helm --verify fails without a .prov.
func (r *PullResult) VerifyProvenance(ring *provenance.Keyring) (*provenance.Verification, error) {
	if r.Prov == nil {
		return nil, fmt.Errorf("failed to fetch provenance %q: the chart has no provenance layer (%s)", r.Ref.Pinned()+provenance.Ext, ProvLayerMediaType)
	}
	v, err := provenance.Verify(ring, r.Chart, r.FileName(), r.Prov)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", r.Ref.Pinned(), err)
	}
	return v, nil
}
