package oci

import (
	"bytes"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/berth-dev/berth/oci/image"
)

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// bytesBlob is an in-memory blob (chart config, archive, manifest).
func bytesBlob(b []byte) image.Blob {
	h, _, _ := v1.SHA256(bytes.NewReader(b))
	return image.Blob{Digest: h, Size: int64(len(b)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
}
