package oci

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/berth-dev/berth/chartfmt"
)

// LockDigest is Chart.lock's digest field as Helm computes it (resolver
// HashReq): sha256 of the JSON of [Chart.yaml dependencies, locked
// dependencies], the locked ones as name, version and repository only. So a
// Chart.lock written by berth, whose entries also carry an OCI digest, is
// still "in sync" for `helm dependency build`.
func LockDigest(req []*chartfmt.Dependency, locked []*chartfmt.LockedDependency) (string, error) {
	helmLocked := make([]*chartfmt.Dependency, len(locked))
	for i, l := range locked {
		helmLocked[i] = &chartfmt.Dependency{Name: l.Name, Version: l.Version, Repository: l.Repository}
	}
	if req == nil {
		req = []*chartfmt.Dependency{}
	}
	data, err := json.Marshal([2][]*chartfmt.Dependency{req, helmLocked})
	if err != nil {
		//lint:ignore ST1005 the file's name
		return "", fmt.Errorf("Chart.lock digest: %w", err)
	}
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}
