package oci

import (
	"errors"
	"testing"
	"time"

	"github.com/berth-dev/berth/oci/image"
	registrytest "github.com/berth-dev/berth/registry-test"
)

// TestImageTransportRefusesPlainHTTP: go-containerregistry, reached through
// Client.ImageOptions, gets *PlainHTTPError for a loopback plain-HTTP
// registry (which it would talk HTTP to by itself) and sends nothing over
// HTTP; with PlainHTTP the same read succeeds.
func TestImageTransportRefusesPlainHTTP(t *testing.T) {
	r := registrytest.Start(t)
	digests := seedImages(t, r)
	s := registrytest.NewSniffer(t, r)
	ref := image.PrefixRegistry + s.Registry.Host + "/shop/app@" + digests["app"]

	view := *s.Registry
	view.PlainHTTP = false // a client that was not asked for plain HTTP
	_, err := image.Open(t.Context(), ref, clientFor(t, &view, "", "").ImageOptions())
	var refused *PlainHTTPError
	if !errors.As(err, &refused) || refused.Host != s.Registry.Host {
		t.Fatalf("open without PlainHTTP: %v; want *PlainHTTPError for %s", err, s.Registry.Host)
	}
	if n := s.PlainHTTPConns(); n != 0 {
		t.Fatalf("%d plain-HTTP connections without PlainHTTP", n)
	}
	if _, err := image.Open(t.Context(), ref, clientFor(t, s.Registry, "", "").ImageOptions()); err != nil || s.PlainHTTPConns() == 0 {
		t.Fatalf("open with PlainHTTP: %v (%d plain connections)", err, s.PlainHTTPConns())
	}
}

// TestPushRefusesToMoveAVersion: a version tag naming another digest is
// refused with *TagMovedError (and stays), the same digest is a no-op, and
// Force moves it.
func TestPushRefusesToMoveAVersion(t *testing.T) {
	h := newOracle(t)
	r := registrytest.Start(t)
	c := clientFor(t, r, "", "")
	ctx := t.Context()
	tgz := packageVersion(t, h, "1.0.0")
	dest := "oci://" + r.Host + "/charts"
	first, err := c.Push(ctx, tgz, dest, PushOptions{Created: time.Unix(1700000000, 0)})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Push(ctx, tgz, dest, PushOptions{Created: time.Unix(1700000000, 0)})
	if err != nil || again.Digest != first.Digest || again.Uploaded != 0 {
		t.Fatalf("same push again: %v, %+v", err, again)
	}
	_, err = c.Push(ctx, tgz, dest, PushOptions{Created: time.Unix(1800000000, 0)})
	var moved *TagMovedError
	if !errors.As(err, &moved) || moved.Tag != "1.0.0" || moved.Has != first.Digest || moved.Refused == first.Digest ||
		moved.Repository != r.Host+"/charts/podinfo" {
		t.Fatalf("push of other content: %v; want *TagMovedError from %s", err, first.Digest)
	}
	if got := registryDigest(t, r, r.Host+"/charts/podinfo:1.0.0"); got != first.Digest {
		t.Fatalf("refused push moved the tag to %s", got)
	}
	forced, err := c.Push(ctx, tgz, dest, PushOptions{Created: time.Unix(1800000000, 0), Force: true})
	if err != nil || forced.Digest != moved.Refused || registryDigest(t, r, r.Host+"/charts/podinfo:1.0.0") != forced.Digest {
		t.Fatalf("forced push: %v", err)
	}
}
