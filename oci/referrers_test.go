package oci

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/oci/signature"
	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/tools"
)

const (
	sbomType    = "application/spdx+json"
	sbomSigType = "application/vnd.example.sbom.signature"
)

// attachArtifact pushes, with oras-go, an artifact of artifactType whose
// subject is the manifest subject (in repo of c) and one layer of content,
// as `oras attach` does. It returns the artifact's descriptor.
func attachArtifact(t *testing.T, c *Client, repo Reference, subject digest.Digest, artifactType string, content []byte) ocispec.Descriptor {
	t.Helper()
	ctx := t.Context()
	r := c.repository(repo)
	sub, err := r.Resolve(ctx, subject.String())
	if err != nil {
		t.Fatal(err)
	}
	layer, err := oras.PushBytes(ctx, r, "application/octet-stream", content)
	if err != nil {
		t.Fatal(err)
	}
	d, err := oras.PackManifest(ctx, r, oras.PackManifestVersion1_1, artifactType, oras.PackManifestOptions{
		Subject: &sub, Layers: []ocispec.Descriptor{layer},
		ManifestAnnotations: map[string]string{ocispec.AnnotationCreated: "2026-01-01T00:00:00Z"}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// referrersAt lists the referrers of subject in repo the way `oras
// discover` does (referrers API, or the sha256-<hex> index).
func referrersAt(t *testing.T, c *Client, repo Reference, subject digest.Digest) map[digest.Digest]ocispec.Manifest {
	t.Helper()
	out := map[digest.Digest]ocispec.Manifest{}
	r := c.repository(repo)
	err := r.Referrers(t.Context(), ocispec.Descriptor{Digest: subject}, "", func(page []ocispec.Descriptor) error {
		for _, d := range page {
			b, _, err := c.fetchManifest(t.Context(), r, d.Digest)
			if err != nil {
				return err
			}
			var m ocispec.Manifest
			if err := json.Unmarshal(b, &m); err != nil {
				return err
			}
			out[d.Digest] = m
		}
		return nil
	})
	if err != nil {
		t.Fatalf("referrers of %s in %s: %v", subject, repo.Repository, err)
	}
	return out
}

// TestReferrersTravel: an SBOM attached to an image with oras-go, a
// signature attached to that SBOM, and a cosign signature stored as an OCI
// 1.1 referrer (`cosign sign --registry-referrers-mode=oci-1-1`) travel
// with copy --with-images, then bundle save → bundle push, subjects
// unchanged; an SBOM on a chart travels with a byte-for-byte copy. On the
// far side berth and `cosign verify --key` accept the image's signature
// and the referrers are listed. Run from a registry serving the referrers
// API (go-containerregistry's) to one without it (Distribution v3, the
// tag-schema fallback) and back, and the other way round.
func TestReferrersTravel(t *testing.T) {
	memory := []registrytest.Option{registrytest.InMemory(), registrytest.TLS()}
	distribution := []registrytest.Option{registrytest.HtpasswdTLS()}
	for _, tc := range []struct {
		name            string
		src, dst, third []registrytest.Option
	}{
		{"api-to-fallback", memory, distribution, memory},
		{"fallback-to-api", distribution, memory, distribution},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testReferrersTravel(t, registrytest.Start(t, tc.src...), registrytest.Start(t, tc.dst...), registrytest.Start(t, tc.third...))
		})
	}
}

func testReferrersTravel(t *testing.T, src, dst, third *registrytest.Registry) {
	ctx := t.Context()
	priv, pub := keyPair(t)
	digests := seedImages(t, src)
	srcC := clientFor(t, src, src.Username, src.Password)
	appDigest := digest.Digest(digests["app"])
	app := Reference{Registry: src.Host, Repository: "shop/app"}

	sbom := attachArtifact(t, srcC, app, appDigest, sbomType, []byte(`{"spdxVersion":"SPDX-2.3","name":"app"}`))
	sbomSig := attachArtifact(t, srcC, app, sbom.Digest, sbomSigType, []byte("signed sbom"))
	co := tools.NewCosign(t, src.CAFile)
	if src.Username != "" {
		co.Login(t, src.Host, src.Username, src.Password)
	}
	if _, err := co.Run("", []string{"COSIGN_PASSWORD=pw", "COSIGN_EXPERIMENTAL=1"}, "sign", "--key", priv, "--tlog-upload=false", "--yes",
		"--registry-referrers-mode=oci-1-1", src.Host+"/shop/app@"+digests["app"]); err != nil {
		t.Fatal(err)
	}
	before := referrersAt(t, srcC, app, appDigest)
	var cosignSig digest.Digest
	for d, m := range before {
		if m.ArtifactType == signature.ArtifactType {
			cosignSig = d
		}
	}
	if len(before) != 2 || cosignSig == "" {
		t.Fatalf("source referrers of app: %v; want the SBOM and cosign's signature", before)
	}
	if _, err := srcC.Verify(ctx, src.Host+"/shop/app@"+digests["app"], VerifyOptions{KeyFiles: []string{pub}}); err != nil {
		t.Fatalf("source: %v", err)
	}

	// wantCarried checks the three referrers at host/repo, byte for byte
	// (same digests, so the same subjects), and both signatures.
	wantCarried := func(t *testing.T, r *registrytest.Registry, repo string) {
		t.Helper()
		c := clientFor(t, r, r.Username, r.Password)
		at := Reference{Registry: r.Host, Repository: repo}
		got := referrersAt(t, c, at, appDigest)
		for _, d := range []digest.Digest{sbom.Digest, cosignSig} {
			if m, ok := got[d]; !ok || m.Subject == nil || m.Subject.Digest != appDigest {
				t.Fatalf("%s/%s: referrers of app %v; want %s with subject %s", r.Host, repo, keys(got), d, appDigest)
			}
		}
		for d, m := range got {
			if m.ArtifactType == ArtifactTypeChartRef && !strings.HasPrefix(m.Annotations[AnnotationChart], "oci://"+r.Host+"/") {
				t.Fatalf("%s/%s: chart link %s names %s, a chart elsewhere", r.Host, repo, d, m.Annotations[AnnotationChart])
			}
		}
		if m, ok := referrersAt(t, c, at, sbom.Digest)[sbomSig.Digest]; !ok || m.ArtifactType != sbomSigType {
			t.Fatalf("%s/%s: the SBOM's own referrer did not travel", r.Host, repo)
		}
		v, err := c.Verify(t.Context(), r.Host+"/"+repo+"@"+digests["app"], VerifyOptions{KeyFiles: []string{pub}})
		if err != nil || v.Source != "referrer "+cosignSig.String() {
			t.Fatalf("berth verify at %s/%s: %+v, %v", r.Host, repo, v, err)
		}
		far := tools.NewCosign(t, r.CAFile)
		if r.Username != "" {
			far.Login(t, r.Host, r.Username, r.Password)
		}
		if _, err := far.Run("", nil, "verify", "--key", pub, "--insecure-ignore-tlog", "--experimental-oci11", r.Host+"/"+repo+"@"+digests["app"]); err != nil {
			t.Fatalf("cosign verify on the far side: %v", err)
		}
		tree, err := far.Run("", nil, "tree", "--experimental-oci11", r.Host+"/"+repo+"@"+digests["app"])
		if err != nil || !strings.Contains(tree, sbom.Digest.String()) {
			t.Fatalf("cosign tree on the far side: %v\n%s", err, tree)
		}
	}

	// copy --with-images: the images keep their digests, so their
	// referrers come along; the chart is rewritten.
	tgz, err := chartfmt.Package(loadChart(t, chartFor(t, src.Host)), chartfmt.PackageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pushed, err := srcC.Push(ctx, tgz, "oci://"+src.Host+"/charts", PushOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dstC := clientFor(t, dst, dst.Username, dst.Password)
	copied, err := dstC.Copy(ctx, pushed.Pinned, "oci://"+dst.Host+"/team", CopyOptions{WithImages: true, From: srcC})
	if err != nil {
		t.Fatal(err)
	}
	if len(copied.Images) != 3 {
		t.Fatalf("copied %+v", copied.Images)
	}
	wantCarried(t, dst, "team/app")

	// bundle save from the far side (whose images now also carry a link to
	// the copied chart, which must not travel) → bundle push to a third.
	pulled, err := dstC.Pull(ctx, copied.Chart.Pinned, PullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(t.TempDir(), "release.tar")
	saved, err := dstC.BundleSave(ctx, pulled.Chart, bundle, BundleOptions{})
	if err != nil {
		t.Fatal(err)
	}
	listed, err := BundleList(bundle)
	if err != nil {
		t.Fatal(err)
	}
	var listedRefs []string
	for _, e := range listed {
		if e.Kind == KindReferrer {
			listedRefs = append(listedRefs, e.ArtifactType+" "+e.Digest+" "+e.Subject)
		}
	}
	slices.Sort(listedRefs)
	wantRefs := []string{sbomSigType + " " + sbomSig.Digest.String() + " " + sbom.Digest.String(),
		sbomType + " " + sbom.Digest.String() + " " + appDigest.String(),
		signature.ArtifactType + " " + cosignSig.String() + " " + appDigest.String()}
	slices.Sort(wantRefs)
	if !slices.Equal(listedRefs, wantRefs) || len(saved) != len(listed) {
		t.Fatalf("bundle list referrers:\n%s\nwant:\n%s\n(save said %d entries, list %d)", strings.Join(listedRefs, "\n"), strings.Join(wantRefs, "\n"), len(saved), len(listed))
	}
	thirdC := clientFor(t, third, third.Username, third.Password)
	if _, err := thirdC.BundlePush(ctx, bundle, "oci://"+third.Host+"/edge", RelocateOptions{}); err != nil {
		t.Fatal(err)
	}
	wantCarried(t, third, "edge/app")

	// A chart copied byte for byte keeps its digest: its SBOM comes along.
	chartRef := pushed.Ref
	chartSBOM := attachArtifact(t, srcC, chartRef, digest.Digest(pushed.Digest), sbomType, []byte(`{"spdxVersion":"SPDX-2.3","name":"shop"}`))
	asIs, err := dstC.Copy(ctx, pushed.Pinned, "oci://"+dst.Host+"/mirror", CopyOptions{From: srcC})
	if err != nil {
		t.Fatal(err)
	}
	got := referrersAt(t, dstC, asIs.Chart.Ref, digest.Digest(pushed.Digest))
	if m, ok := got[chartSBOM.Digest]; !ok || m.ArtifactType != sbomType || len(got) != 1 {
		t.Fatalf("chart referrers after copy: %v; want %s", keys(got), chartSBOM.Digest)
	}
}

func keys[V any](m map[digest.Digest]V) []digest.Digest {
	var out []digest.Digest
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestBundleWithoutReferrers: a bundle written before referrers travelled
// (no referrer entries in index.json) still lists and pushes.
func TestBundleWithoutReferrers(t *testing.T) {
	src := registrytest.Start(t)
	seedImages(t, src)
	tgz, err := chartfmt.Package(loadChart(t, chartFor(t, src.Host)), chartfmt.PackageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(t.TempDir(), "release.tar")
	entries, err := clientFor(t, src, "", "").BundleSave(t.Context(), tgz, bundle, BundleOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Kind == KindReferrer {
			t.Fatalf("images without referrers gave entry %+v", e)
		}
	}
	raw, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(AnnotationBundleSubject)) {
		t.Fatal("bundle without referrers names a subject")
	}
	dst := registrytest.Start(t, registrytest.InMemory())
	if _, err := clientFor(t, dst, "", "").BundlePush(t.Context(), bundle, "oci://"+dst.Host+"/edge", RelocateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestReferrerBounds: what a registry lists as referrers is input, so the
// walk stops at maxReferrerDepth levels and refuses more than
// maxReferrersCarried referrers (berth's chart links not counted), and one whose manifest names another
// subject (a tag-schema index can list anything) is not carried.
func TestReferrerBounds(t *testing.T) {
	r := registrytest.Start(t, registrytest.InMemory())
	digests := seedImages(t, r)
	c := clientFor(t, r, "", "")
	src := registryReferrers{c: c, repo: c.repository(Reference{Registry: r.Host, Repository: "shop/app"})}

	subject := digest.Digest(digests["app"])
	var chain []digest.Digest
	for i := range maxReferrerDepth + 1 {
		d := attachArtifact(t, c, Reference{Registry: r.Host, Repository: "shop/app"}, subject, sbomType, []byte{byte(i)})
		chain = append(chain, d.Digest)
		subject = d.Digest
	}
	got, err := collectReferrers(t.Context(), src, digest.Digest(digests["app"]))
	if err != nil {
		t.Fatal(err)
	}
	var carried []digest.Digest
	for _, a := range got {
		carried = append(carried, a.desc.Digest)
	}
	if !slices.Equal(carried, chain[:maxReferrerDepth]) {
		t.Fatalf("carried %v, want the first %d of the chain %v", carried, maxReferrerDepth, chain)
	}

	worker := Reference{Registry: r.Host, Repository: "shop/worker"}
	for i := range maxReferrersCarried + 1 {
		attachArtifact(t, c, worker, digest.Digest(digests["worker"]), sbomType, []byte{byte(i), byte(i >> 8)})
	}
	_, err = collectReferrers(t.Context(), registryReferrers{c: c, repo: c.repository(worker)}, digest.Digest(digests["worker"]))
	if err == nil || !strings.Contains(err.Error(), "more than 64 referrers (all depths)") {
		t.Fatalf("%d referrers: err = %v", maxReferrersCarried+1, err)
	}

	// An image kept across many releases carries one berth chart link per
	// chart version: they stay behind and do not count against the bound.
	sidecar := Reference{Registry: r.Host, Repository: "shop/sidecar"}
	for i := range maxReferrersCarried + 6 {
		attachArtifact(t, c, sidecar, digest.Digest(digests["sidecar"]), ArtifactTypeChartRef, []byte{byte(i)})
	}
	sbomOfSidecar := attachArtifact(t, c, sidecar, digest.Digest(digests["sidecar"]), sbomType, []byte("sbom"))
	got, err = collectReferrers(t.Context(), registryReferrers{c: c, repo: c.repository(sidecar)}, digest.Digest(digests["sidecar"]))
	if err != nil || len(got) != 1 || got[0].desc.Digest != sbomOfSidecar.Digest {
		t.Fatalf("%d chart links and an SBOM: carried %d, %v; want the SBOM", maxReferrersCarried+6, len(got), err)
	}

	// A tag-schema index (Distribution has no referrers API) that lists,
	// as a referrer of A, a manifest B whose subject is the image.
	d := registrytest.Start(t)
	ddigests := seedImages(t, d)
	dc := clientFor(t, d, "", "")
	app := Reference{Registry: d.Host, Repository: "shop/app"}
	a := attachArtifact(t, dc, app, digest.Digest(ddigests["app"]), sbomType, []byte("a"))
	b := attachArtifact(t, dc, app, digest.Digest(ddigests["app"]), sbomType, []byte("b"))
	idx, _ := json.Marshal(ocispec.Index{Versioned: specs.Versioned{SchemaVersion: 2}, MediaType: ocispec.MediaTypeImageIndex, Manifests: []ocispec.Descriptor{b}})
	repo := dc.repository(app)
	if err := repo.PushReference(t.Context(), descriptor(ocispec.MediaTypeImageIndex, idx), bytes.NewReader(idx), "sha256-"+a.Digest.Encoded()); err != nil {
		t.Fatal(err)
	}
	got, err = collectReferrers(t.Context(), registryReferrers{c: dc, repo: repo}, a.Digest)
	if err != nil || len(got) != 0 {
		t.Fatalf("a referrer of another subject was carried: %d, %v", len(got), err)
	}
	if got, err := collectReferrers(t.Context(), registryReferrers{c: dc, repo: repo}, digest.Digest(ddigests["app"])); err != nil || len(got) != 2 {
		t.Fatalf("fallback referrers of app: %d, %v; want A and B", len(got), err)
	}
}

// TestReleaseSignWrongPassword: the key is decrypted while the images are
// read, but a wrong password still stops the release before any request
// that writes (counted by the proxy).
func TestReleaseSignWrongPassword(t *testing.T) {
	r := registrytest.Start(t)
	p := registrytest.NewProxy(t, r)
	tarPath := filepath.Join(t.TempDir(), "images.tar")
	saveImages(t, tarPath, 64<<10, 1, "example.com/shop/app:1.0", "example.com/shop/worker:1.0", "example.com/shop/sidecar:1.0")
	priv, _ := keyPair(t)
	_, err := clientFor(t, p.Registry, "", "").Release(t.Context(), loadChart(t, releaseChart(t)), ReleaseOptions{Images: specsFor(tarPath),
		Dest: "oci://" + p.Registry.Host + "/shop", Sign: &SignOptions{KeyFile: priv, Password: []byte("wrong")}})
	if err == nil || !strings.Contains(err.Error(), "nothing pushed") || !strings.Contains(err.Error(), "COSIGN_PASSWORD") {
		t.Fatalf("release with a wrong password: %v", err)
	}
	for _, req := range p.Requests() {
		if !strings.HasPrefix(req, "GET ") && !strings.HasPrefix(req, "HEAD ") {
			t.Fatalf("a refused release sent %s", req)
		}
	}
}
