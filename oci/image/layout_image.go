package image

import (
	"bytes"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// layoutImage is an image whose manifest, config and layers are blobs of a
// Layout; partial.CompressedToImage fills in the rest of v1.Image.
type layoutImage struct {
	l    *Layout
	desc v1.Descriptor
	raw  []byte
	m    *v1.Manifest
}

func (l *Layout) imageAt(d v1.Descriptor) (v1.Image, error) {
	raw, err := l.ReadBlob(d.Digest)
	if err != nil {
		return nil, err
	}
	m, err := v1.ParseManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: manifest %s: %w", l.path, d.Digest, err)
	}
	return partial.CompressedToImage(&layoutImage{l: l, desc: d, raw: raw, m: m})
}

func (i *layoutImage) MediaType() (types.MediaType, error) { return i.desc.MediaType, nil }
func (i *layoutImage) RawManifest() ([]byte, error)        { return i.raw, nil }
func (i *layoutImage) Descriptor() (*v1.Descriptor, error) { d := i.desc; return &d, nil }

func (i *layoutImage) RawConfigFile() ([]byte, error) { return i.l.ReadBlob(i.m.Config.Digest) }

func (i *layoutImage) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	if h == i.m.Config.Digest {
		return &layoutBlob{l: i.l, desc: i.m.Config}, nil
	}
	for _, d := range i.m.Layers {
		if d.Digest == h {
			return &layoutBlob{l: i.l, desc: d}, nil
		}
	}
	return nil, fmt.Errorf("%s: image %s has no layer %s", i.l.path, i.desc.Digest, h)
}

// layoutBlob is one layer (or config) blob, streamed on demand.
type layoutBlob struct {
	l    *Layout
	desc v1.Descriptor
}

func (b *layoutBlob) Digest() (v1.Hash, error)            { return b.desc.Digest, nil }
func (b *layoutBlob) Size() (int64, error)                { return b.desc.Size, nil }
func (b *layoutBlob) MediaType() (types.MediaType, error) { return b.desc.MediaType, nil }
func (b *layoutBlob) Compressed() (io.ReadCloser, error)  { return b.l.Blob(b.desc.Digest) }

// layoutIndex is a multi-platform index stored in a Layout.
type layoutIndex struct {
	l    *Layout
	desc v1.Descriptor
	raw  []byte
	m    *v1.IndexManifest
}

func (l *Layout) indexAt(d v1.Descriptor) (v1.ImageIndex, error) {
	raw, err := l.ReadBlob(d.Digest)
	if err != nil {
		return nil, err
	}
	m, err := v1.ParseIndexManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: index %s: %w", l.path, d.Digest, err)
	}
	return &layoutIndex{l: l, desc: d, raw: raw, m: m}, nil
}

func (x *layoutIndex) MediaType() (types.MediaType, error)         { return x.desc.MediaType, nil }
func (x *layoutIndex) Digest() (v1.Hash, error)                    { return x.desc.Digest, nil }
func (x *layoutIndex) Size() (int64, error)                        { return int64(len(x.raw)), nil }
func (x *layoutIndex) IndexManifest() (*v1.IndexManifest, error)   { return x.m, nil }
func (x *layoutIndex) RawManifest() ([]byte, error)                { return x.raw, nil }
func (x *layoutIndex) Image(h v1.Hash) (v1.Image, error)           { return x.l.imageAt(x.child(h)) }
func (x *layoutIndex) ImageIndex(h v1.Hash) (v1.ImageIndex, error) { return x.l.indexAt(x.child(h)) }

func (x *layoutIndex) child(h v1.Hash) v1.Descriptor {
	for _, d := range x.m.Manifests {
		if d.Digest == h {
			return d
		}
	}
	return v1.Descriptor{Digest: h}
}

var _ v1.ImageIndex = (*layoutIndex)(nil)
