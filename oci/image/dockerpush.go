package image

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"golang.org/x/sync/errgroup"
)

// maxConfigSize bounds the image config read into memory from an archive
// or a daemon export (real configs are a few KiB).
const maxConfigSize = 8 << 20

// dockerPushImage turns one manifest.json entry of a `docker save` tar into
// the image `docker push` would upload: layers the tar holds uncompressed
// are gzipped with Go's compress/gzip at the default level, which is what
// dockerd's push does, and the manifest is encoded as Distribution encodes
// a schema2 manifest (indented by three spaces). With the Docker Engine this
// is tested against, the manifest digest equals the one `docker push` prints
// (TestDockerDaemonDigestEqualsDockerPush). Gzip layers are sent as they are.
//
// Compressed layers go to unlinked temporary files: nothing is left on disk
// when the process ends, however it ends.
func dockerPushImage(ctx context.Context, tb *tarBlobs, entry tarball.Descriptor) (v1.Image, error) {
	cfg, err := readEntry(tb, entry.Config, maxConfigSize)
	if err != nil {
		return nil, fmt.Errorf("%s: config %s: %w", tb.path, entry.Config, err)
	}
	img := &archiveImage{config: cfg, layers: map[v1.Hash]*archiveLayer{}}
	m := v1.Manifest{SchemaVersion: 2, MediaType: types.DockerManifestSchema2,
		Config: v1.Descriptor{MediaType: types.DockerConfigJSON, Size: int64(len(cfg)), Digest: sha256Hash(cfg)}}
	m.Layers = make([]v1.Descriptor, len(entry.Layers))
	layers := make([]*archiveLayer, len(entry.Layers))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(hashJobs)
	for i, name := range entry.Layers {
		g.Go(func() error {
			l, err := dockerPushLayer(gctx, tb, name)
			if err != nil {
				return fmt.Errorf("%s: layer %s: %w", tb.path, name, err)
			}
			layers[i] = l
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for i, l := range layers {
		m.Layers[i] = v1.Descriptor{MediaType: types.DockerLayer, Size: l.size, Digest: l.digest}
		img.layers[l.digest] = l
	}
	if img.raw, err = json.MarshalIndent(m, "", "   "); err != nil {
		return nil, err
	}
	return partial.CompressedToImage(img)
}

// dockerPushLayer returns the gzip form of one layer entry: the entry itself
// when it is gzip already, else the entry compressed into an unlinked file.
func dockerPushLayer(ctx context.Context, tb *tarBlobs, name string) (*archiveLayer, error) {
	gz, err := isGzipEntry(tb, name)
	if err != nil {
		return nil, err
	}
	if gz {
		rc, err := tb.section(name)
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		h, n, err := v1.SHA256(ctxReader{ctx, rc})
		if err != nil {
			return nil, err
		}
		return &archiveLayer{tb: tb, name: name, digest: h, size: n}, nil
	}
	rc, err := tb.section(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	f, err := unlinkedTemp("berth-layer-*.gz")
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	zw := gzip.NewWriter(io.MultiWriter(f, h))
	if _, err := io.Copy(zw, ctxReader{ctx, rc}); err != nil {
		f.Close()
		return nil, err
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return nil, err
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		f.Close()
		return nil, err
	}
	// The layer reads f as a one-entry tarBlobs; f closes when the image
	// is garbage collected or the process exits.
	spool := &tarBlobs{path: name + " (gzip)", entries: map[string]tarEntry{"": {offset: 0, size: size}}, spool: f}
	return &archiveLayer{tb: spool, name: "", digest: v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}, size: size}, nil
}

// unlinkedTemp creates a temporary file and removes its name at once: the
// open file stays readable, and an interrupt leaves nothing behind.
func unlinkedTemp(pattern string) (*os.File, error) {
	f, err := os.CreateTemp("", pattern)
	if err != nil {
		return nil, err
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func readEntry(tb *tarBlobs, name string, limit int64) ([]byte, error) {
	e, ok := tb.entries[name]
	if !ok {
		return nil, fmt.Errorf("no entry %s: %w", name, ErrNotFound)
	}
	if e.size > limit {
		return nil, fmt.Errorf("%s is %d bytes, more than the %d allowed", name, e.size, limit)
	}
	return tb.file(name)
}

func sha256Hash(b []byte) v1.Hash {
	h, _, _ := v1.SHA256(bytes.NewReader(b))
	return h
}

// ctxReader stops a long copy when ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
