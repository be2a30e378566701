package image

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// emptyJSON is the OCI empty descriptor's content, the config of artifacts
// that carry only annotations.
var emptyJSON = []byte("{}")

const mediaTypeEmpty types.MediaType = "application/vnd.oci.empty.v1+json"

// PushReferrer attaches an annotation-only artifact of artifactType to the
// manifest subject ("host/ns/name@sha256:…"). Registries with the referrers
// API index it by its subject; on others go-containerregistry maintains the
// sha256-<digest> fallback tag, so `oras discover` finds it either way.
func (p *Pusher) PushReferrer(ctx context.Context, subject string, subjectDesc v1.Descriptor, artifactType string, annotations map[string]string) (string, error) {
	d, err := name.NewDigest(subject, p.opts.nameOptions()...)
	if err != nil {
		return "", fmt.Errorf("referrer subject %q: %w", subject, err)
	}
	cfg := static.NewLayer(emptyJSON, mediaTypeEmpty)
	if err := p.upload(ctx, cfg, d.Context()); err != nil {
		return "", fmt.Errorf("referrer of %s: %w", subject, err)
	}
	cfgDigest, _ := cfg.Digest()
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.OCIManifestSchema1,
		Config:        v1.Descriptor{MediaType: mediaTypeEmpty, Digest: cfgDigest, Size: int64(len(emptyJSON))},
		Layers:        []v1.Descriptor{},
		Subject:       &subjectDesc,
		Annotations:   annotations,
	}
	raw, err := json.Marshal(struct {
		v1.Manifest
		ArtifactType string `json:"artifactType"`
	}{m, artifactType})
	if err != nil {
		return "", err
	}
	h, _, err := v1.SHA256(bytes.NewReader(raw))
	if err != nil {
		return "", err
	}
	ref := d.Context().Digest(h.String())
	if err := p.rp.Put(ctx, ref, rawManifest{raw: raw, mt: types.OCIManifestSchema1}); err != nil {
		return "", fmt.Errorf("referrer of %s: %w", subject, err)
	}
	return ref.String(), nil
}

// rawManifest is a manifest as bytes, for remote.Put.
type rawManifest struct {
	raw []byte
	mt  types.MediaType
}

func (r rawManifest) RawManifest() ([]byte, error)        { return r.raw, nil }
func (r rawManifest) MediaType() (types.MediaType, error) { return r.mt, nil }

// Descriptor returns a's descriptor (media type, digest, size).
func Descriptor(a Artifact) (v1.Descriptor, error) {
	mt, err := a.MediaType()
	if err != nil {
		return v1.Descriptor{}, err
	}
	h, err := a.Digest()
	if err != nil {
		return v1.Descriptor{}, err
	}
	raw, err := a.RawManifest()
	if err != nil {
		return v1.Descriptor{}, err
	}
	return v1.Descriptor{MediaType: mt, Digest: h, Size: int64(len(raw))}, nil
}
