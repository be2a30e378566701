package oci

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry/remote"

	"github.com/berth-dev/berth/oci/signature"
)

// dockerManifestType is Docker's image manifest (schema 2).
const dockerManifestType = "application/vnd.docker.distribution.manifest.v2+json"

// maxSignatureLayers bounds the signatures one .sig manifest may hold (as
// cosign does).
const maxSignatureLayers = 1000

// SignOptions name the key that signs.
type SignOptions struct {
	// KeyFile is cosign's encrypted private key (cosign.key); Password
	// decrypts it (the CLI reads COSIGN_PASSWORD, as cosign does).
	KeyFile  string
	Password []byte
}

// SignResult is one signed manifest.
type SignResult struct {
	Subject Reference // repository@digest that was signed
	SigRef  Reference // repository:sha256-<hex>.sig that holds the signature
	// Already is true when an equal signature by the same key was there:
	// nothing was pushed.
	Already bool
}

// Sign signs the manifest ref names (oci://host/repo@sha256:…, or a tag,
// resolved to its digest first) the way `cosign sign --key` does with the
// transparency log off: a simple-signing payload as a layer of the
// manifest tagged sha256-<hex>.sig in the same repository, the signature in
// the layer's annotation. Earlier signatures in that manifest are kept.
func (c *Client) Sign(ctx context.Context, ref string, opts SignOptions) (*SignResult, error) {
	key, err := opts.load()
	if err != nil {
		return nil, fmt.Errorf("sign %s: %w", ref, err)
	}
	r, err := parseSubject(ref)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return c.signRef(ctx, r, key)
}

func (o SignOptions) load() (*signature.PrivateKey, error) {
	if o.KeyFile == "" {
		return nil, errors.New("no signing key given (--key cosign.key)")
	}
	return signature.ReadPrivateKey(o.KeyFile, o.Password)
}

// parseSubject accepts oci://host/repo[:tag][@digest] and host/repo@digest
// (image references as release prints them).
func parseSubject(ref string) (Reference, error) {
	if len(ref) < len(Scheme) || ref[:len(Scheme)] != Scheme {
		ref = Scheme + ref
	}
	r, err := ParseReference(ref)
	if err != nil {
		return Reference{}, err
	}
	if r.Tag == "" && r.Digest == "" {
		return Reference{}, fmt.Errorf("%s: name a tag or an @sha256: digest", ref)
	}
	return r, nil
}

// subjectDigest returns r's digest, resolving its tag when it has none.
func (c *Client) subjectDigest(ctx context.Context, repo *remote.Repository, r Reference) (Reference, error) {
	if r.Digest != "" {
		return r, nil
	}
	desc, err := resolveTag(ctx, repo, r, r.Tag)
	if err != nil {
		return r, err
	}
	return r.WithDigest(desc.Digest.String()), nil
}

func (c *Client) signRef(ctx context.Context, r Reference, key *signature.PrivateKey) (*SignResult, error) {
	repo := c.repository(r)
	r, err := c.subjectDigest(ctx, repo, r)
	if err != nil {
		return nil, fmt.Errorf("sign %s: %w", r, err)
	}
	res := &SignResult{Subject: r, SigRef: r.WithTag(signature.Tag(r.Digest))}
	if err := c.appendSignature(ctx, repo, res, key); err != nil {
		return nil, explainRefusal(fmt.Errorf("sign %s: %w", r.Pinned(), err), r.Registry, "push")
	}
	return res, nil
}

// appendSignature adds a signature layer to the .sig manifest (made if
// missing) unless the same key already signed the same payload.
func (c *Client) appendSignature(ctx context.Context, repo *remote.Repository, res *SignResult, key *signature.PrivateKey) error {
	s, err := signature.Sign(key, res.Subject.Registry+"/"+res.Subject.Repository, res.Subject.Digest)
	if err != nil {
		return err
	}
	m, err := c.signatureManifest(ctx, repo, res.SigRef.Tag)
	if err != nil {
		return err
	}
	payloadDesc := descriptor(signature.PayloadMediaType, s.Payload)
	if pub, err := key.Public(); err == nil && c.hasSignature(ctx, repo, m, payloadDesc.Digest, res.Subject.Digest, pub) {
		res.Already = true
		return nil
	}
	if len(m.Layers) >= maxSignatureLayers {
		return fmt.Errorf("%s already holds %d signatures", res.SigRef.Tag, len(m.Layers))
	}
	payloadDesc.Annotations = map[string]string{signature.SignatureAnnotation: s.Signature}
	if _, err := pushBlob(ctx, repo, payloadDesc, s.Payload); err != nil {
		return fmt.Errorf("blob %s: %w", payloadDesc.Digest, err)
	}
	m.Layers = append(m.Layers, payloadDesc)
	return writeSignatureManifest(ctx, repo, res.SigRef.Tag, m)
}

// writeSignatureManifest pushes m (whose layers are in repo already) with
// a config listing them, tagged tag.
func writeSignatureManifest(ctx context.Context, repo *remote.Repository, tag string, m ocispec.Manifest) error {
	config, err := signatureConfig(m.Layers)
	if err != nil {
		return err
	}
	configType := ocispec.MediaTypeImageConfig
	if m.MediaType == dockerManifestType { // kept as cosign wrote it (COSIGN_DOCKER_MEDIA_TYPES)
		configType = "application/vnd.docker.container.image.v1+json"
	}
	m.Config = descriptor(configType, config)
	mb, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if _, err := pushBlob(ctx, repo, m.Config, config); err != nil {
		return fmt.Errorf("blob %s: %w", m.Config.Digest, err)
	}
	md := descriptor(m.MediaType, mb)
	if err := repo.PushReference(ctx, md, bytes.NewReader(mb), tag); err != nil {
		return fmt.Errorf("signature manifest %s: %w", tag, err)
	}
	return nil
}

// signatureManifest returns the manifest tagged tag, or a new empty one.
func (c *Client) signatureManifest(ctx context.Context, repo *remote.Repository, tag string) (ocispec.Manifest, error) {
	m := ocispec.Manifest{MediaType: ocispec.MediaTypeImageManifest}
	m.SchemaVersion = 2
	desc, err := repo.Resolve(ctx, tag)
	if errors.Is(err, errdef.ErrNotFound) {
		return m, nil
	}
	if err != nil {
		return m, fmt.Errorf("resolve %s: %w", tag, err)
	}
	b, _, err := c.fetchManifest(ctx, repo, desc.Digest)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("signature manifest %s: %w", tag, err)
	}
	if m.MediaType == "" {
		m.MediaType = ocispec.MediaTypeImageManifest
	}
	return m, nil
}

// hasSignature reports whether m has a layer with this payload whose
// signature verifies with pub (cosign's duplicate rule).
func (c *Client) hasSignature(ctx context.Context, repo *remote.Repository, m ocispec.Manifest, payload digest.Digest, subject string, pub *signature.PublicKey) bool {
	for _, l := range m.Layers {
		if l.Digest != payload {
			continue
		}
		cand, err := c.candidate(ctx, repo, l)
		if err != nil {
			continue
		}
		if _, err := signature.Verify([]*signature.PublicKey{pub}, cand, subject); err == nil {
			return true
		}
	}
	return false
}

// signatureConfig is the image config of a signature manifest, shaped as
// the one go-containerregistry (and so cosign) writes: every layer is
// uncompressed, so its diff ID is its digest.
func signatureConfig(layers []ocispec.Descriptor) ([]byte, error) {
	diffIDs := make([]string, len(layers))
	for i, l := range layers {
		diffIDs[i] = l.Digest.String()
	}
	type history struct {
		Created string `json:"created"`
	}
	return json.Marshal(struct {
		Architecture string    `json:"architecture"`
		Created      string    `json:"created"`
		History      []history `json:"history"`
		OS           string    `json:"os"`
		RootFS       struct {
			Type    string   `json:"type"`
			DiffIDs []string `json:"diff_ids"`
		} `json:"rootfs"`
		Config struct{} `json:"config"`
	}{
		Created: "0001-01-01T00:00:00Z",
		History: []history{{Created: "0001-01-01T00:00:00Z"}},
		RootFS: struct {
			Type    string   `json:"type"`
			DiffIDs []string `json:"diff_ids"`
		}{"layers", diffIDs},
	})
}
