package image

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/berth-dev/berth/internal/safefs"
)

// Exported is what ExportDockerArchive wrote.
type Exported struct {
	Ref     string // the bundle entry
	ImageID string // the config digest, what `docker images` shows as IMAGE ID
	Digest  string // manifest digest of the exported image
	Tags    []string
}

// ExportOptions tune ExportDockerArchive.
type ExportOptions struct {
	// Platform picks the image of a multi-platform index ("linux/amd64").
	Platform string
	// Tags name the image in the archive; empty means the entry's ref name
	// when it carries a tag (a ref pinned only by digest loads untagged).
	Tags []string
}

// ExportDockerArchive writes one image of the OCI layout (folder or tar) at
// layoutPath as a `docker save` archive at out, which every Docker Engine
// loads with `docker load` (Docker before 25 reads only manifest.json, not
// index.json). ref picks the entry (as Layout.Find); an index is narrowed
// to opts.Platform. out is written through a temporary file in its folder
// and renamed at the end, so a failure or interrupt leaves no partial file.
func ExportDockerArchive(ctx context.Context, layoutPath, ref, out string, opts ExportOptions) (*Exported, error) {
	l, err := OpenLayout(layoutPath)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	d, err := findImage(l, ref)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", layoutPath, err)
	}
	a, err := l.Artifact(d)
	if err != nil {
		return nil, err
	}
	img, err := forPlatform(a, opts.Platform)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.Annotations[AnnotationRefName], err)
	}
	res := &Exported{Ref: d.Annotations[AnnotationRefName], Tags: opts.Tags}
	if len(res.Tags) == 0 {
		res.Tags = refTag(res.Ref)
	}
	for _, t := range res.Tags {
		if _, err := name.NewTag(t, name.StrictValidation); err != nil {
			return nil, fmt.Errorf("tag %q: %w", t, err)
		}
	}
	cfg, err := img.ConfigName()
	if err != nil {
		return nil, err
	}
	dg, err := img.Digest()
	if err != nil {
		return nil, err
	}
	res.ImageID, res.Digest = cfg.String(), dg.String()

	err = safefs.WriteAtomic(out, 0o644, func(w io.Writer) error { return writeDockerArchive(ctx, w, img, res.Tags) })
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", out, err)
	}
	return res, nil
}

// refTag is the tag part of ref ("r/app:1" of "r/app:1@sha256:…"), if any.
func refTag(ref string) []string {
	if i := strings.Index(ref, "@"); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndex(ref, ":"); i < 0 || strings.Contains(ref[i:], "/") {
		return nil
	}
	if _, err := name.NewTag(ref, name.StrictValidation); err != nil {
		return nil
	}
	return []string{ref}
}

// findImage returns the image or index entry named ref, or whose name ends
// in "/"+ref ("app:1.0" for "reg.example.com/team/app:1.0").
func findImage(l *Layout, ref string) (v1.Descriptor, error) {
	var found []v1.Descriptor
	var names []string
	for _, d := range l.Entries() {
		if !d.MediaType.IsImage() && !d.MediaType.IsIndex() {
			continue
		}
		n := d.Annotations[AnnotationRefName]
		if n == ref || strings.HasSuffix(n, "/"+ref) {
			found = append(found, d)
		}
		names = append(names, n)
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return v1.Descriptor{}, fmt.Errorf("no image %q (%w); the images are %s", ref, ErrNotFound, strings.Join(names, ", "))
	}
	return v1.Descriptor{}, fmt.Errorf("%d images match %q; give the whole reference (%s)", len(found), ref, strings.Join(names, ", "))
}

// forPlatform returns a itself when it is an image, or its child for
// platform ("os/arch[/variant]") when it is an index.
func forPlatform(a Artifact, platform string) (v1.Image, error) {
	if img, ok := a.(v1.Image); ok {
		return img, nil
	}
	idx, ok := a.(v1.ImageIndex)
	if !ok {
		return nil, fmt.Errorf("%T is neither an image nor an index", a)
	}
	want, err := v1.ParsePlatform(platform)
	if err != nil {
		return nil, fmt.Errorf("platform %q: %w", platform, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	var have []string
	for _, m := range im.Manifests {
		if m.Platform == nil {
			continue
		}
		if m.Platform.Satisfies(*want) {
			return idx.Image(m.Digest)
		}
		have = append(have, m.Platform.String())
	}
	return nil, fmt.Errorf("no image for platform %s (%w); the index has %v", platform, ErrNotFound, have)
}

// dockerManifestEntry is one entry of a `docker save` manifest.json.
type dockerManifestEntry struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// writeDockerArchive writes img as a `docker save` archive: blobs under
// blobs/sha256/ (as Docker 25+ names them) and manifest.json. Layers stay
// compressed; docker load decompresses them.
func writeDockerArchive(ctx context.Context, w io.Writer, img v1.Image, tags []string) error {
	tw := tar.NewWriter(w)
	cfgName, err := img.ConfigName()
	if err != nil {
		return err
	}
	cfg, err := img.RawConfigFile()
	if err != nil {
		return err
	}
	entry := dockerManifestEntry{Config: blobPath(cfgName), RepoTags: tags}
	if err := writeTarFile(tw, entry.Config, int64(len(cfg)), bytes.NewReader(cfg)); err != nil {
		return err
	}
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	for _, l := range layers {
		h, err := l.Digest()
		if err != nil {
			return err
		}
		size, err := l.Size()
		if err != nil {
			return err
		}
		rc, err := l.Compressed()
		if err != nil {
			return err
		}
		p := blobPath(h)
		err = writeTarFile(tw, p, size, ctxReader{ctx, rc})
		rc.Close()
		if err != nil {
			return fmt.Errorf("layer %s: %w", h, err)
		}
		entry.Layers = append(entry.Layers, p)
	}
	mj, err := json.Marshal([]dockerManifestEntry{entry})
	if err != nil {
		return err
	}
	if err := writeTarFile(tw, "manifest.json", int64(len(mj)), bytes.NewReader(mj)); err != nil {
		return err
	}
	return tw.Close()
}

func blobPath(h v1.Hash) string { return "blobs/" + h.Algorithm + "/" + h.Hex }

func writeTarFile(tw *tar.Writer, name string, size int64, r io.Reader) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Size: size, Mode: 0o644, Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
		return err
	}
	n, err := io.Copy(tw, r)
	if err != nil {
		return err
	}
	if n != size {
		return fmt.Errorf("%s: %d bytes, want %d", name, n, size)
	}
	return nil
}
