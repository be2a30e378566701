package oci

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/berth-dev/berth/oci/signature"
	registrytest "github.com/berth-dev/berth/registry-test"
)

// keyPair writes a fresh cosign-format key pair (password "pw") to a
// temporary folder and returns the two paths.
func keyPair(t *testing.T) (priv, pub string) {
	t.Helper()
	pk, pb, err := signature.GenerateKeyPair([]byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	priv, pub = filepath.Join(dir, "cosign.key"), filepath.Join(dir, "cosign.pub")
	if err := os.WriteFile(priv, pk, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pub, pb, 0o644); err != nil {
		t.Fatal(err)
	}
	return priv, pub
}

func wantRefusal(t *testing.T, err error, reason string) *VerifyError {
	t.Helper()
	var ve *VerifyError
	if !errors.As(err, &ve) || !strings.Contains(ve.Reason, reason) {
		t.Fatalf("got %v, want a refusal saying %q", err, reason)
	}
	return ve
}

// TestSignAndVerify: a signature berth makes verifies with its key and is
// refused with another; signing twice with one key adds nothing; an unsigned
// chart, and a chart carrying a signature over another digest, are refused,
// by Verify and by Pull before the chart is read.
func TestSignAndVerify(t *testing.T) {
	r := registrytest.Start(t, registrytest.HtpasswdTLS())
	c := clientFor(t, r, r.Username, r.Password)
	ctx := t.Context()
	priv, pub := keyPair(t)
	_, otherPub := keyPair(t)
	tgzA, _ := packageTestChart(t, "app", "1.0.0")
	tgzB, _ := packageTestChart(t, "app", "2.0.0")
	a, err := c.Push(ctx, tgzA, "oci://"+r.Host+"/charts", PushOptions{Sign: &SignOptions{KeyFile: priv, Password: []byte("pw")}})
	if err != nil {
		t.Fatal(err)
	}
	if a.Signature == nil || a.Signature.SigRef.Tag != "sha256-"+strings.TrimPrefix(a.Digest, "sha256:")+".sig" {
		t.Fatalf("push --sign: signature %+v", a.Signature)
	}
	b, err := c.Push(ctx, tgzB, "oci://"+r.Host+"/charts", PushOptions{})
	if err != nil {
		t.Fatal(err)
	}

	v, err := c.Verify(ctx, "oci://"+r.Host+"/charts/app:1.0.0", VerifyOptions{KeyFiles: []string{otherPub, pub}})
	if err != nil {
		t.Fatal(err)
	}
	if v.Key != pub || v.Subject.Digest != a.Digest || !strings.HasPrefix(v.Source, "tag sha256-") {
		t.Fatalf("verified %+v", v)
	}
	_, err = c.Verify(ctx, a.Pinned, VerifyOptions{KeyFiles: []string{otherPub}})
	wantRefusal(t, err, "made by none of the given keys")

	again, err := c.Sign(ctx, a.Pinned, SignOptions{KeyFile: priv, Password: []byte("pw")})
	if err != nil || !again.Already {
		t.Fatalf("second sign with the same key: %+v, %v", again, err)
	}
	if _, err := c.Sign(ctx, a.Pinned, SignOptions{KeyFile: priv, Password: []byte("wrong")}); err == nil || !strings.Contains(err.Error(), "COSIGN_PASSWORD") {
		t.Fatalf("wrong password: %v", err)
	}

	_, err = c.Verify(ctx, b.Pinned, VerifyOptions{KeyFiles: []string{pub}})
	if ve := wantRefusal(t, err, "not signed"); !ve.Unsigned || !strings.Contains(ve.Error(), b.Digest) {
		t.Fatalf("unsigned: %v", ve)
	}

	// A's signature manifest copied under B's signature tag: signed by the
	// right key, but over A's digest.
	repo := c.repository(a.Ref)
	desc, err := repo.Resolve(ctx, a.Signature.SigRef.Tag)
	if err != nil {
		t.Fatal(err)
	}
	mb, _, err := c.fetchManifest(ctx, repo, desc.Digest)
	if err != nil {
		t.Fatal(err)
	}
	if err := repo.PushReference(ctx, desc, bytes.NewReader(mb), signature.Tag(b.Digest)); err != nil {
		t.Fatal(err)
	}
	_, err = c.Verify(ctx, b.Pinned, VerifyOptions{KeyFiles: []string{pub}})
	wantRefusal(t, err, "signature is over "+a.Digest+", not "+b.Digest)

	fresh := clientFor(t, r, r.Username, r.Password)
	_, err = fresh.Pull(ctx, b.Pinned, PullOptions{Verify: &VerifyOptions{KeyFiles: []string{pub}}})
	wantRefusal(t, err, "signature is over")
	if entries, _ := os.ReadDir(fresh.cache.Dir()); len(entries) != 0 {
		t.Fatalf("a refused pull cached %d entries", len(entries))
	}
	if _, err := fresh.Pull(ctx, a.Pinned, PullOptions{Verify: &VerifyOptions{KeyFiles: []string{pub}}}); err != nil {
		t.Fatalf("pull --verify of the signed chart: %v", err)
	}
}

// TestVerifyReferrer: a cosign signature stored as an OCI 1.1 referrer
// (artifact type application/vnd.dev.cosign.artifact.sig.v1+json, subject
// the chart) verifies, on a registry serving the referrers API.
func TestVerifyReferrer(t *testing.T) {
	r := registrytest.Start(t, registrytest.InMemory())
	c := clientFor(t, r, "", "")
	ctx := t.Context()
	priv, pub := keyPair(t)
	tgz, _ := packageTestChart(t, "app", "1.0.0")
	res, err := c.Push(ctx, tgz, "oci://"+r.Host+"/charts", PushOptions{})
	if err != nil {
		t.Fatal(err)
	}
	key, err := signature.ReadPrivateKey(priv, []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := signature.Sign(key, r.Host+"/charts/app", res.Digest)
	if err != nil {
		t.Fatal(err)
	}
	repo := c.repository(res.Ref)
	layer := descriptor(signature.PayloadMediaType, s.Payload)
	empty := []byte("{}")
	m := ocispec.Manifest{MediaType: ocispec.MediaTypeImageManifest, ArtifactType: signature.ArtifactType,
		Config: descriptor(ocispec.MediaTypeEmptyJSON, empty), Subject: &ocispec.Descriptor{
			MediaType: ocispec.MediaTypeImageManifest, Digest: digest.Digest(res.Digest), Size: int64(len(rawManifest(t, c, res.Ref)))}}
	m.SchemaVersion = 2
	layer.Annotations = map[string]string{signature.SignatureAnnotation: s.Signature}
	m.Layers = []ocispec.Descriptor{layer}
	mb, _ := json.Marshal(m)
	for _, blob := range [][]byte{s.Payload, empty} {
		if _, err := pushBlob(ctx, repo, descriptor("application/octet-stream", blob), blob); err != nil {
			t.Fatal(err)
		}
	}
	if err := repo.Push(ctx, descriptor(ocispec.MediaTypeImageManifest, mb), bytes.NewReader(mb)); err != nil {
		t.Fatal(err)
	}
	// More chart links than the signature bound, as on an image kept
	// across many releases: the in-memory registry reports their artifact
	// type as the empty config's, and they must not count as signatures.
	for i := range maxReferrers + 6 {
		link := ocispec.Manifest{MediaType: ocispec.MediaTypeImageManifest, ArtifactType: ArtifactTypeChartRef,
			Config: descriptor(ocispec.MediaTypeEmptyJSON, empty), Subject: m.Subject,
			Layers:      []ocispec.Descriptor{descriptor(ocispec.MediaTypeEmptyJSON, empty)},
			Annotations: map[string]string{AnnotationChart: fmt.Sprintf("oci://%s/charts/app-%d@sha256:…", r.Host, i)}}
		link.SchemaVersion = 2
		lb, _ := json.Marshal(link)
		if err := repo.Push(ctx, descriptor(ocispec.MediaTypeImageManifest, lb), bytes.NewReader(lb)); err != nil {
			t.Fatal(err)
		}
	}
	v, err := c.Verify(ctx, res.Pinned, VerifyOptions{KeyFiles: []string{pub}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(v.Source, "referrer sha256:") {
		t.Fatalf("verified from %s, want a referrer", v.Source)
	}
}
