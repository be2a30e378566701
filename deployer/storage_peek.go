package deployer

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/berth-dev/berth/chartfmt"
	corev1 "k8s.io/api/core/v1"
)

// peekRelease decodes only what listing prints: name, info and chart
// metadata. Helm writes them first (name, info, chart.metadata, then the
// templates, values, manifest and hooks), so decompression and parsing stop
// after the first few kilobytes of each payload. Other key orders still
// work; they are just read further.
func peekRelease(sec *corev1.Secret) (*Release, error) {
	r, err := peek(sec.Data[releaseKey])
	if err != nil {
		return nil, fmt.Errorf("decode release secret %s/%s: %w", sec.Namespace, sec.Name, err)
	}
	r.Namespace = sec.Namespace
	r.Labels = customLabels(sec.Labels)
	r.Origin = parseOrigin(sec.Annotations[originAnnotation])
	if v, err := strconv.Atoi(sec.Labels["version"]); err == nil {
		r.Version = v
	}
	return r, nil
}

func peek(data []byte) (*Release, error) {
	var in io.Reader = base64.NewDecoder(base64.StdEncoding, bytes.NewReader(data))
	head := make([]byte, 3)
	if _, err := io.ReadFull(in, head); err != nil {
		return nil, fmt.Errorf("base64: %w", err)
	}
	in = io.MultiReader(bytes.NewReader(head), in)
	if bytes.Equal(head, gzipMagic) {
		zr, err := gzip.NewReader(in)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		in = zr
	}
	dec := json.NewDecoder(in)
	r := &Release{}
	err := walkObject(dec, func(key string) (bool, error) {
		switch key {
		case "name":
			return false, dec.Decode(&r.Name)
		case "info":
			return false, dec.Decode(&r.Info)
		case "chart":
			r.Chart = &Chart{}
			return true, walkObject(dec, func(k string) (bool, error) {
				if k != "metadata" {
					return false, skipValue(dec)
				}
				r.Chart.Metadata = &chartfmt.Metadata{}
				return true, dec.Decode(r.Chart.Metadata)
			})
		}
		return false, skipValue(dec)
	})
	if err != nil {
		return nil, fmt.Errorf("release JSON: %w", err)
	}
	return r, nil
}

// walkObject calls fn for each key of the object dec is at. fn decodes the
// value; returning stop=true ends the walk once name and info are known
// too (the caller only asks to stop after the last field it needs).
func walkObject(dec *json.Decoder, fn func(key string) (stop bool, err error)) error {
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("want an object: %v", err)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := t.(string)
		stop, err := fn(key)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		if stop {
			return nil
		}
	}
	return nil
}

func skipValue(dec *json.Decoder) error {
	var raw json.RawMessage
	return dec.Decode(&raw)
}
