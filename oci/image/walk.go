package image

import (
	"bytes"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Blob is one piece of an artifact's content: a layer, a config or a
// manifest, opened on demand.
type Blob struct {
	Digest    v1.Hash
	Size      int64
	MediaType types.MediaType
	Open      func() (io.ReadCloser, error)
}

// Walk calls fn for every blob of a, each manifest after the blobs it
// names (an index after its children), so writing them in this order never
// leaves a manifest pointing at missing content.
func Walk(a Artifact, fn func(Blob) error) error {
	switch t := a.(type) {
	case v1.ImageIndex:
		if err := walkIndex(t, fn); err != nil {
			return err
		}
	case v1.Image:
		if err := walkImage(t, fn); err != nil {
			return err
		}
	default:
		return fmt.Errorf("%T is neither an image nor an index", a)
	}
	return manifestBlob(a, fn)
}

func walkIndex(idx v1.ImageIndex, fn func(Blob) error) error {
	return eachChild(idx, func(child Artifact) error { return Walk(child, fn) })
}

// eachChild opens every manifest an index lists, in order, and calls fn on
// it; entries that are neither images nor indexes are an error.
func eachChild(idx v1.ImageIndex, fn func(Artifact) error) error {
	m, err := idx.IndexManifest()
	if err != nil {
		return err
	}
	for _, d := range m.Manifests {
		var child Artifact
		switch {
		case d.MediaType.IsIndex():
			child, err = idx.ImageIndex(d.Digest)
		case d.MediaType.IsImage():
			child, err = idx.Image(d.Digest)
		default:
			return fmt.Errorf("index entry %s has media type %s, which is neither an image nor an index", d.Digest, d.MediaType)
		}
		if err != nil {
			return fmt.Errorf("index entry %s: %w", d.Digest, err)
		}
		if err := fn(child); err != nil {
			return err
		}
	}
	return nil
}

func walkImage(img v1.Image, fn func(Blob) error) error {
	m, err := img.Manifest()
	if err != nil {
		return err
	}
	cfg, err := partial.ConfigLayer(img)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := fn(Blob{Digest: m.Config.Digest, Size: m.Config.Size, MediaType: m.Config.MediaType, Open: cfg.Compressed}); err != nil {
		return err
	}
	for _, d := range m.Layers {
		l, err := img.LayerByDigest(d.Digest)
		if err != nil {
			return fmt.Errorf("layer %s: %w", d.Digest, err)
		}
		if err := fn(Blob{Digest: d.Digest, Size: d.Size, MediaType: d.MediaType, Open: l.Compressed}); err != nil {
			return err
		}
	}
	return nil
}

func manifestBlob(a Artifact, fn func(Blob) error) error {
	d, err := Descriptor(a)
	if err != nil {
		return err
	}
	raw, err := a.RawManifest()
	if err != nil {
		return err
	}
	return fn(Blob{Digest: d.Digest, Size: d.Size, MediaType: d.MediaType,
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil }})
}

// TotalSize is the size of every distinct blob of a, manifests included.
func TotalSize(a Artifact) (int64, error) {
	seen := map[v1.Hash]bool{}
	var n int64
	err := Walk(a, func(b Blob) error {
		if !seen[b.Digest] {
			seen[b.Digest] = true
			n += b.Size
		}
		return nil
	})
	return n, err
}
