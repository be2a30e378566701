package oci

import (
	"archive/tar"
	"encoding/json"
	"fmt"
	"io"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/berth-dev/berth/oci/image"
)

// bundleWriter streams an OCI image layout into a tar: each blob once,
// straight from its source, then index.json and oci-layout. Entries carry
// a fixed time so the same content gives the same tar.
type bundleWriter struct {
	tw    *tar.Writer
	seen  map[v1.Hash]bool
	index []v1.Descriptor
}

func newBundleWriter(w io.Writer) *bundleWriter {
	return &bundleWriter{tw: tar.NewWriter(w), seen: map[v1.Hash]bool{}}
}

func (w *bundleWriter) header(name string, size int64) error {
	return w.tw.WriteHeader(&tar.Header{Name: name, Size: size, Mode: 0o644, Typeflag: tar.TypeReg,
		ModTime: time.Unix(0, 0), Format: tar.FormatPAX})
}

// blob writes one blob unless already written, checking its length.
func (w *bundleWriter) blob(b image.Blob) error {
	if w.seen[b.Digest] {
		return nil
	}
	rc, err := b.Open()
	if err != nil {
		return fmt.Errorf("blob %s: %w", b.Digest, err)
	}
	defer rc.Close()
	if err := w.header("blobs/"+b.Digest.Algorithm+"/"+b.Digest.Hex, b.Size); err != nil {
		return err
	}
	n, err := io.Copy(w.tw, rc)
	if err != nil {
		return fmt.Errorf("blob %s: %w", b.Digest, err)
	}
	if n != b.Size {
		return fmt.Errorf("blob %s: read %d bytes, its descriptor says %d", b.Digest, n, b.Size)
	}
	w.seen[b.Digest] = true
	return nil
}

// add writes every blob of a and lists it in index.json with annotations.
func (w *bundleWriter) add(a image.Artifact, annotations map[string]string) (v1.Descriptor, error) {
	if err := image.Walk(a, w.blob); err != nil {
		return v1.Descriptor{}, err
	}
	d, err := image.Descriptor(a)
	if err != nil {
		return v1.Descriptor{}, err
	}
	d.Annotations = annotations
	w.index = append(w.index, d)
	return d, nil
}

func (w *bundleWriter) file(name string, data []byte) error {
	if err := w.header(name, int64(len(data))); err != nil {
		return err
	}
	_, err := w.tw.Write(data)
	return err
}

// close writes index.json and oci-layout and ends the tar.
func (w *bundleWriter) close() error {
	idx, err := json.Marshal(v1.IndexManifest{SchemaVersion: 2, MediaType: "application/vnd.oci.image.index.v1+json", Manifests: w.index})
	if err != nil {
		return err
	}
	if err := w.file("index.json", idx); err != nil {
		return err
	}
	if err := w.file("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`)); err != nil {
		return err
	}
	return w.tw.Close()
}
