package image

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"golang.org/x/sync/errgroup"
)

// openArchiveIndexed reads a `docker save` archive in place. Archives whose
// layers are all gzip (written by go-containerregistry and similar tools)
// keep go-containerregistry's tarball manifest bytes, and each layer is
// hashed at most once per archive file (the digest cache is keyed by the
// file's identity, size and mtime). Docker's own archives hold uncompressed
// layers: they become the image `docker push` would upload (dockerPushImage).
// It returns nil, nil for foreign layers, which need the general reader.
func openArchiveIndexed(ctx context.Context, path string, entry tarball.Descriptor, cache *digestCache) (Artifact, error) {
	if len(entry.LayerSources) > 0 {
		return nil, nil
	}
	tb, err := openTarBlobs(path)
	if err != nil {
		return nil, err
	}
	for _, name := range entry.Layers {
		if gz, err := isGzipEntry(tb, name); err != nil || !gz {
			if err != nil {
				return nil, fmt.Errorf("%s: layer %s: %w", path, name, err)
			}
			return dockerPushImage(ctx, tb, entry, cache)
		}
	}
	cfg, err := tb.file(entry.Config)
	if err != nil {
		return nil, fmt.Errorf("%s: config %s: %w", path, entry.Config, err)
	}
	cfgHash, _, _ := v1.SHA256(bytes.NewReader(cfg))
	img := &archiveImage{config: cfg, layers: map[v1.Hash]partial.CompressedLayer{}}
	m := v1.Manifest{SchemaVersion: 2, MediaType: types.DockerManifestSchema2,
		Config: v1.Descriptor{MediaType: types.DockerConfigJSON, Size: int64(len(cfg)), Digest: cfgHash}}
	m.Layers = make([]v1.Descriptor, len(entry.Layers))
	// Layers are hashed concurrently: on a cold cache this pass reads the
	// whole archive before the first upload.
	var g errgroup.Group
	g.SetLimit(hashJobs)
	var mu sync.Mutex
	for i, name := range entry.Layers {
		g.Go(func() error {
			h, err := cache.digest(path, tb, name)
			if err != nil {
				return err
			}
			size := tb.entries[name].size
			m.Layers[i] = v1.Descriptor{MediaType: types.DockerLayer, Size: size, Digest: h}
			mu.Lock()
			img.layers[h] = &archiveLayer{tb: tb, name: name, digest: h, size: size}
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if img.raw, err = json.Marshal(m); err != nil {
		return nil, err
	}
	return partial.CompressedToImage(img)
}

func isGzipEntry(tb *tarBlobs, name string) (bool, error) {
	rc, err := tb.section(name)
	if err != nil {
		return false, err
	}
	defer rc.Close()
	magic, _ := bufio.NewReader(rc).Peek(2)
	return bytes.Equal(magic, []byte{0x1f, 0x8b}), nil
}

// hashJobs bounds concurrent layer hashing (sha256 is CPU-bound).
const hashJobs = 4

type archiveImage struct {
	raw, config []byte
	layers      map[v1.Hash]partial.CompressedLayer
}

func (i *archiveImage) MediaType() (types.MediaType, error) { return types.DockerManifestSchema2, nil }
func (i *archiveImage) RawManifest() ([]byte, error)        { return i.raw, nil }
func (i *archiveImage) RawConfigFile() ([]byte, error)      { return i.config, nil }

func (i *archiveImage) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	if l, ok := i.layers[h]; ok {
		return l, nil
	}
	return nil, fmt.Errorf("no layer %s in the archive", h)
}

// archiveLayer streams a gzip layer from its tar entry.
type archiveLayer struct {
	tb     *tarBlobs
	name   string
	digest v1.Hash
	size   int64
}

func (l *archiveLayer) Digest() (v1.Hash, error)            { return l.digest, nil }
func (l *archiveLayer) Size() (int64, error)                { return l.size, nil }
func (l *archiveLayer) MediaType() (types.MediaType, error) { return types.DockerLayer, nil }
func (l *archiveLayer) Compressed() (io.ReadCloser, error)  { return l.tb.section(l.name) }
