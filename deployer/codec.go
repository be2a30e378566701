package deployer

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
)

var gzipMagic = []byte{0x1f, 0x8b, 0x08}

// encodeRelease is Helm's payload: base64(gzip(json(release))). The Secret's
// data then base64-encodes it a second time on the wire.
func encodeRelease(r *Release) ([]byte, error) {
	js, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(js); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	out := make([]byte, base64.StdEncoding.EncodedLen(buf.Len()))
	base64.StdEncoding.Encode(out, buf.Bytes())
	return out, nil
}

// decodeReleaseJSON undoes the base64 and, when present, the gzip layer
// (very old releases were stored uncompressed).
func decodeReleaseJSON(data []byte) ([]byte, error) {
	raw := make([]byte, base64.StdEncoding.DecodedLen(len(data)))
	n, err := base64.StdEncoding.Decode(raw, data)
	if err != nil {
		return nil, fmt.Errorf("base64: %w", err)
	}
	raw = raw[:n]
	if !bytes.HasPrefix(raw, gzipMagic) {
		return raw, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	defer zr.Close()
	js, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return js, nil
}

func decodeRelease(data []byte) (*Release, error) {
	js, err := decodeReleaseJSON(data)
	if err != nil {
		return nil, err
	}
	var r Release
	if err := json.Unmarshal(js, &r); err != nil {
		return nil, fmt.Errorf("release JSON: %w", err)
	}
	return &r, nil
}
