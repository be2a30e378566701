package image

import (
	"io"
	"sync/atomic"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// EventKind is the state of one blob transfer.
type EventKind int

const (
	// BlobStart: the blob is about to be checked and, if missing, uploaded.
	BlobStart EventKind = iota
	// BlobProgress: Bytes of Size have been sent.
	BlobProgress
	// BlobDone: the registry has the blob. Bytes is 0 when nothing had to be
	// sent (it was already there, or it was mounted from another repository).
	BlobDone
)

// Event reports progress on one blob of one repository.
type Event struct {
	Kind       EventKind
	Repository string // host/ns/name
	Digest     string
	Size       int64
	Bytes      int64
	// Mounted is set on BlobDone when a cross-repository mount was offered
	// and nothing was sent.
	Mounted bool
	// Exported marks the events of reading an image out of the Docker
	// daemon (Repository is the docker-daemon: source, Digest the image ID,
	// Size the daemon's figure for the image): that read comes before any
	// upload and takes as long as one.
	Exported bool
}

// progressStep is how many bytes pass between BlobProgress events.
const progressStep = 1 << 20

// countingLayer counts the compressed bytes the upload reads, reporting
// them as BlobProgress events.
type countingLayer struct {
	v1.Layer
	n    atomic.Int64
	tick func(n int64)
}

func (c *countingLayer) Compressed() (io.ReadCloser, error) {
	rc, err := c.Layer.Compressed()
	if err != nil {
		return nil, err
	}
	return &countingReader{rc: rc, c: c}, nil
}

type countingReader struct {
	rc   io.ReadCloser
	c    *countingLayer
	last int64
}

func (r *countingReader) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	total := r.c.n.Add(int64(n))
	if total-r.last >= progressStep {
		r.last = total
		r.c.tick(total)
	}
	return n, err
}

func (r *countingReader) Close() error { return r.rc.Close() }
