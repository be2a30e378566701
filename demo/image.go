package main

import (
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// writeAppImage writes a small linux/amd64 image tagged hello:1.0 to path in
// `docker save` format, as `docker save -o app.tar hello:1.0` would, without
// a Docker daemon or the network. It returns the image's manifest digest.
func writeAppImage(path string, layerBytes int64) (string, error) {
	img, err := random.Image(layerBytes, 2)
	if err != nil {
		return "", err
	}
	img, err = mutate.ConfigFile(img, &v1.ConfigFile{
		Architecture: "amd64",
		OS:           "linux",
		Config: v1.Config{
			Cmd:          []string{"/hello"},
			ExposedPorts: map[string]struct{}{"8080/tcp": {}},
			Labels:       map[string]string{"org.opencontainers.image.title": "hello"},
		},
		RootFS: mustConfig(img).RootFS,
	})
	if err != nil {
		return "", err
	}
	tag, err := name.NewTag("hello:1.0")
	if err != nil {
		return "", err
	}
	if err := tarball.WriteToFile(path, tag, img); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	d, err := img.Digest()
	if err != nil {
		return "", err
	}
	return d.String(), nil
}

// mustConfig returns img's config; random images always have one.
func mustConfig(img v1.Image) *v1.ConfigFile {
	cf, err := img.ConfigFile()
	if err != nil || cf == nil {
		return &v1.ConfigFile{}
	}
	return cf
}
