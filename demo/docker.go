package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/berth-dev/berth/oci/image"
)

// dockerOptOut makes the demo use the generated tar even when a daemon answers.
const dockerOptOut = "BERTH_NO_DOCKER"

// dockerServer returns the version of the Docker daemon that answers, or
// why none is used.
func dockerServer(ctx context.Context) (string, error) {
	if os.Getenv(dockerOptOut) == "1" {
		return "", fmt.Errorf("%s=1", dockerOptOut)
	}
	if _, err := exec.LookPath("docker"); err != nil {
		return "", fmt.Errorf("no docker CLI on PATH")
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "docker", "version", "--format", "{{.Server.Version}}").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("no Docker daemon answers: %s", firstLine(out, err))
	}
	return strings.TrimSpace(string(out)), nil
}

// dockerBuildApp builds the app image FROM scratch with `docker build`
// (offline: no base image is pulled) under a tag unique to this run, and
// removes it when the demo ends. It returns the tag.
func (d *demo) dockerBuildApp(ctx context.Context, layerBytes int) (string, error) {
	dir := filepath.Join(d.work, "app")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	for _, f := range []string{"hello", "hello.dat"} {
		if err := os.WriteFile(filepath.Join(dir, f), randomBytes(layerBytes), 0o755); err != nil {
			return "", err
		}
	}
	dockerfile := "FROM scratch\nCOPY hello /hello\nCOPY hello.dat /hello.dat\nEXPOSE 8080\n" +
		"LABEL org.opencontainers.image.title=hello\nCMD [\"/hello\"]\n"
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		return "", err
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	tag := "berth-demo-hello-" + hex.EncodeToString(b) + ":1.0"
	d.cleanups = append(d.cleanups, func() { _ = exec.Command("docker", "rmi", "-f", tag).Run() })
	if err := d.docker(ctx, "build", "-q", "-t", tag, dir); err != nil {
		return "", err
	}
	return tag, nil
}

// docker runs the docker CLI, printed as the user would type it.
func (d *demo) docker(ctx context.Context, args ...string) error {
	fmt.Fprintf(d.out, "\n  $ %s\n", strings.ReplaceAll("docker "+strings.Join(args, " "), d.work, "$DEMO"))
	cmd := exec.CommandContext(ctx, "docker", args...)
	var stderr bytes.Buffer
	cmd.Stdout = d.indent()
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("docker %s: %w: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// daemonDigest is the digest berth release will pin for a daemon image
// (the one `docker push` prints for it).
func daemonDigest(ctx context.Context, tag string) (string, error) {
	a, err := image.Open(ctx, image.PrefixDaemon+tag, image.Options{})
	if err != nil {
		return "", err
	}
	return image.Digest(a)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func firstLine(out []byte, err error) string {
	s := strings.TrimSpace(string(out))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if s == "" {
		return err.Error()
	}
	return s
}
