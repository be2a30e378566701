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
// when the process ends, however it ends. cache remembers each layer's
// gzip digest by its diffID, so an image released before is not compressed
// again up front (its layers are compressed while uploading, if the
// registry lacks them).
func dockerPushImage(ctx context.Context, tb *tarBlobs, entry tarball.Descriptor, cache *digestCache) (v1.Image, error) {
	cfg, err := readEntry(tb, entry.Config, maxConfigSize)
	if err != nil {
		return nil, fmt.Errorf("%s: config %s: %w", tb.path, entry.Config, err)
	}
	var cf v1.ConfigFile
	if err := json.Unmarshal(cfg, &cf); err != nil {
		return nil, fmt.Errorf("%s: config %s: %w", tb.path, entry.Config, err)
	}
	if n := len(cf.RootFS.DiffIDs); n != len(entry.Layers) {
		return nil, fmt.Errorf("%s: config %s lists %d layers, manifest.json %d", tb.path, entry.Config, n, len(entry.Layers))
	}
	img := &archiveImage{config: cfg, layers: map[v1.Hash]partial.CompressedLayer{}}
	m := v1.Manifest{SchemaVersion: 2, MediaType: types.DockerManifestSchema2,
		Config: v1.Descriptor{MediaType: types.DockerConfigJSON, Size: int64(len(cfg)), Digest: sha256Hash(cfg)}}
	m.Layers = make([]v1.Descriptor, len(entry.Layers))
	layers := make([]compressedLayer, len(entry.Layers))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(hashJobs)
	for i, name := range entry.Layers {
		g.Go(func() error {
			l, err := dockerPushLayer(gctx, tb, name, cf.RootFS.DiffIDs[i], cache)
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
		img.layers[l.digest] = l.CompressedLayer
	}
	if img.raw, err = json.MarshalIndent(m, "", "   "); err != nil {
		return nil, err
	}
	return partial.CompressedToImage(img)
}

type compressedLayer struct {
	partial.CompressedLayer
	digest v1.Hash
	size   int64
}

// dockerPushLayer returns the gzip form of one layer entry: the entry itself
// when it is gzip already; the entry compressed while it is read, when the
// cache knows the digest that gives; else the entry compressed now into an
// unlinked file, its content checked against the config's diffID.
func dockerPushLayer(ctx context.Context, tb *tarBlobs, name string, diffID v1.Hash, cache *digestCache) (compressedLayer, error) {
	gz, err := isGzipEntry(tb, name)
	if err != nil {
		return compressedLayer{}, err
	}
	if gz {
		rc, err := tb.section(name)
		if err != nil {
			return compressedLayer{}, err
		}
		defer rc.Close()
		h, n, err := v1.SHA256(ctxReader{ctx, rc})
		if err != nil {
			return compressedLayer{}, err
		}
		return compressedLayer{&archiveLayer{tb: tb, name: name, digest: h, size: n}, h, n}, nil
	}
	if h, n, ok := cache.gzipDigest(diffID); ok {
		return compressedLayer{&gzipOnRead{tb: tb, name: name, digest: h, size: n}, h, n}, nil
	}
	rc, err := tb.section(name)
	if err != nil {
		return compressedLayer{}, err
	}
	defer rc.Close()
	f, err := unlinkedTemp("berth-layer-*.gz")
	if err != nil {
		return compressedLayer{}, err
	}
	h, raw := sha256.New(), sha256.New()
	zw := gzip.NewWriter(io.MultiWriter(f, h))
	if _, err := io.Copy(io.MultiWriter(zw, raw), ctxReader{ctx, rc}); err != nil {
		f.Close()
		return compressedLayer{}, err
	}
	if got := "sha256:" + hex.EncodeToString(raw.Sum(nil)); got != diffID.String() {
		f.Close()
		return compressedLayer{}, fmt.Errorf("content is %s, the config says %s", got, diffID)
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return compressedLayer{}, err
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		f.Close()
		return compressedLayer{}, err
	}
	digest := v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}
	cache.storeGzip(diffID, digest, size)
	// The layer reads f as a one-entry tarBlobs; f closes when the image
	// is garbage collected or the process exits.
	spool := &tarBlobs{path: name + " (gzip)", entries: map[string]tarEntry{"": {offset: 0, size: size}}, spool: f}
	return compressedLayer{&archiveLayer{tb: spool, name: "", digest: digest, size: size}, digest, size}, nil
}

// gzipOnRead is an uncompressed layer entry whose gzip form (digest known
// from the cache) is produced while it is read; the registry checks the
// digest of what arrives.
type gzipOnRead struct {
	tb     *tarBlobs
	name   string
	digest v1.Hash
	size   int64
}

func (l *gzipOnRead) Digest() (v1.Hash, error)            { return l.digest, nil }
func (l *gzipOnRead) Size() (int64, error)                { return l.size, nil }
func (l *gzipOnRead) MediaType() (types.MediaType, error) { return types.DockerLayer, nil }

func (l *gzipOnRead) Compressed() (io.ReadCloser, error) {
	rc, err := l.tb.section(l.name)
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	go func() {
		zw := gzip.NewWriter(pw)
		_, err := io.Copy(zw, rc)
		if cerr := zw.Close(); err == nil {
			err = cerr
		}
		rc.Close()
		pw.CloseWithError(err)
	}()
	return pr, nil
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
