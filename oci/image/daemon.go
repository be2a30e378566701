package image

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/moby/moby/client"
)

// maxManifestJSON bounds the manifest.json of a daemon export.
const maxManifestJSON = 16 << 20

// openDaemon reads an image (REPO:TAG, REPO@DIGEST or an image ID) from the
// local Docker daemon (DOCKER_HOST and the other DOCKER_* variables apply).
// The daemon is asked first whether it answers at all, so an absent daemon
// gives one clear error.
//
// The daemon's export API (what `docker save` calls) is read once into an
// unlinked temporary file; nothing is kept in memory and nothing is left on
// disk. Layers become what `docker push` would upload (dockerPushImage), so
// the pinned digest is the one `docker push` of the same image prints.
func openDaemon(ctx context.Context, ref string, opts Options) (Artifact, error) {
	if ref == "" || strings.ContainsAny(ref, " \t\n") {
		return nil, fmt.Errorf("docker daemon: %q is not an image reference (want REPO:TAG)", ref)
	}
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return nil, fmt.Errorf("docker daemon: %w", err)
	}
	defer cli.Close()
	if _, err := cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		return nil, fmt.Errorf("no Docker daemon reachable at %s (start Docker, or set DOCKER_HOST; or give a `docker save` archive instead): %w", cli.DaemonHost(), err)
	}
	inspected, err := cli.ImageInspect(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("docker daemon has no image %s (%w): %v", ref, ErrNotFound, err)
	}
	// Export by ID: exactly this image, even if the tag moves meanwhile or
	// ref names a repository with several tags.
	progress := Event{Repository: PrefixDaemon + ref, Digest: inspected.ID, Size: inspected.Size, Exported: true}
	tb, err := exportFromDaemon(ctx, cli, progress, opts.emit)
	if err != nil {
		return nil, fmt.Errorf("export %s from the docker daemon: %w", ref, err)
	}
	raw, err := readEntry(tb, "manifest.json", maxManifestJSON)
	if err != nil {
		return nil, fmt.Errorf("export %s from the docker daemon: %w", ref, err)
	}
	var m tarball.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("export %s from the docker daemon: manifest.json: %w", ref, err)
	}
	if len(m) != 1 {
		return nil, fmt.Errorf("export %s from the docker daemon: %d images in the export, want 1", ref, len(m))
	}
	if len(m[0].LayerSources) > 0 {
		return nil, fmt.Errorf("export %s from the docker daemon: foreign layers are not supported", ref)
	}
	return dockerPushImage(ctx, tb, m[0], &digestCache{dir: opts.DigestCacheDir})
}

// exportFromDaemon streams the daemon's export of the image ev names into
// an unlinked temporary file and indexes it, reporting progress as ev.
func exportFromDaemon(ctx context.Context, cli *client.Client, ev Event, emit func(Event)) (*tarBlobs, error) {
	ref := ev.Digest
	rc, err := cli.ImageSave(ctx, []string{ref})
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	f, err := unlinkedTemp("berth-docker-export-*.tar")
	if err != nil {
		return nil, err
	}
	ev.Kind = BlobStart
	emit(ev)
	counted := &countingReader{rc: io.NopCloser(ctxReader{ctx, rc}), c: &countingLayer{tick: func(n int64) {
		ev.Kind, ev.Bytes = BlobProgress, n
		emit(ev)
	}}}
	n, err := io.Copy(f, counted)
	if err != nil {
		f.Close()
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, errors.Join(ctxErr, err)
		}
		return nil, err
	}
	tb, err := indexTar(f, "docker-daemon:"+ref)
	if err != nil {
		f.Close()
		return nil, err
	}
	tb.spool = f
	ev.Kind, ev.Bytes = BlobDone, n
	emit(ev)
	return tb, nil
}
