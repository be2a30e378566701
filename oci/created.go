package oci

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"time"
)

// CreatedFromArchive is berth's reproducible rule for the
// org.opencontainers.image.created annotation when neither Chart.yaml nor
// SOURCE_DATE_EPOCH gives one: the newest modification time recorded inside
// the chart archive, in UTC. It depends only on the archive's bytes, so the
// same .tgz pushed from any machine, at any time, in any time zone, gives the
// same manifest digest. (Helm uses the .tgz file's mtime in local time, which
// changes with every copy.)
func CreatedFromArchive(tgz []byte) (time.Time, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return time.Time{}, fmt.Errorf("chart archive is not gzip: %w", err)
	}
	tr := tar.NewReader(zr)
	var newest time.Time
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return time.Time{}, fmt.Errorf("read chart archive: %w", err)
		}
		if h.ModTime.After(newest) {
			newest = h.ModTime
		}
	}
	if newest.IsZero() {
		return time.Unix(0, 0).UTC(), nil
	}
	return newest.UTC().Truncate(time.Second), nil
}
