package registrytest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/errcode"
)

func repoFor(t *testing.T, r *Registry, name, user, pass string) *remote.Repository {
	t.Helper()
	repo, err := remote.NewRepository(r.Ref(name))
	if err != nil {
		t.Fatal(err)
	}
	repo.PlainHTTP = r.PlainHTTP
	client := &auth.Client{Client: r.HTTPClient(), Cache: auth.NewCache()}
	if user != "" {
		client.Credential = auth.StaticCredential(r.Host, auth.Credential{Username: user, Password: pass})
	}
	repo.Client = client
	return repo
}

// pushArtifact pushes a blob and a manifest tagged v1 and returns the manifest descriptor.
func pushArtifact(ctx context.Context, repo *remote.Repository, payload []byte) (ocispec.Descriptor, error) {
	layer, err := oras.PushBytes(ctx, repo, "application/vnd.berth.test.layer", payload)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	m, err := oras.PackManifest(ctx, repo, oras.PackManifestVersion1_1, "application/vnd.berth.test",
		oras.PackManifestOptions{Layers: []ocispec.Descriptor{layer}})
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	return m, repo.Tag(ctx, m, "v1")
}

func pullLayer(ctx context.Context, t *testing.T, repo *remote.Repository) []byte {
	t.Helper()
	b, err := fetchLayer(ctx, repo)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fetchLayer reads the manifest tagged v1 and its first layer, verified by oras.
func fetchLayer(ctx context.Context, repo *remote.Repository) ([]byte, error) {
	desc, rc, err := repo.FetchReference(ctx, "v1")
	if err != nil {
		return nil, fmt.Errorf("fetch manifest: %w", err)
	}
	mb, err := content.ReadAll(rc, desc)
	rc.Close()
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	var m ocispec.Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		return nil, err
	}
	b, err := content.FetchAll(ctx, repo, m.Layers[0])
	if err != nil {
		return nil, fmt.Errorf("fetch layer: %w", err)
	}
	return b, nil
}

func TestVariantsPushPull(t *testing.T) {
	for _, v := range Variants() {
		t.Run(v.Name, func(t *testing.T) {
			r := Start(t, v.Options...)
			ctx := t.Context()
			payload := []byte("hello " + v.Name)
			if _, err := pushArtifact(ctx, repoFor(t, r, "smoke/art", r.Username, r.Password), payload); err != nil {
				t.Fatalf("push: %v", err)
			}
			got := pullLayer(ctx, t, repoFor(t, r, "smoke/art", r.Username, r.Password))
			if !bytes.Equal(got, payload) {
				t.Fatalf("pulled %q, want %q", got, payload)
			}
			if r.Username == "" {
				return
			}
			_, err := pushArtifact(ctx, repoFor(t, r, "smoke/art", r.Username, "wrong"), []byte("x"))
			if !isUnauthorized(err) {
				t.Fatalf("push with wrong password: want 401, got %v", err)
			}
			_, _, err = repoFor(t, r, "smoke/art", r.Username, "wrong").FetchReference(ctx, "v1")
			if !isUnauthorized(err) {
				t.Fatalf("pull with wrong password: want 401, got %v", err)
			}
			resp, err := r.HTTPClient().Get(r.URL + "/v2/smoke/art/manifests/v1")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("anonymous pull: want 401, got %s", resp.Status)
			}
		})
	}
}

func TestBearerScopes(t *testing.T) {
	r := Start(t, Bearer())
	ctx := t.Context()
	if _, err := pushArtifact(ctx, repoFor(t, r, "team/app", r.Username, r.Password), []byte("v1")); err != nil {
		t.Fatalf("pusher push: %v", err)
	}
	reader := repoFor(t, r, "team/app", r.ReadOnlyUsername, r.ReadOnlyPassword)
	if got := pullLayer(ctx, t, reader); string(got) != "v1" {
		t.Fatalf("reader pulled %q", got)
	}
	_, err := pushArtifact(ctx, reader, []byte("v2"))
	if !isUnauthorized(err) && !isDenied(err) {
		t.Fatalf("reader push: want refusal, got %v", err)
	}
	// The challenge is Docker Hub's: Bearer realm, service and scope.
	resp, err := r.HTTPClient().Get(r.URL + "/v2/team/app/tags/list")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ch := resp.Header.Get("WWW-Authenticate")
	for _, want := range []string{`Bearer realm="` + r.TokenURL + `"`, `service="registrytest"`, `scope="repository:team/app:pull"`} {
		if !strings.Contains(ch, want) {
			t.Errorf("challenge %q lacks %s", ch, want)
		}
	}
}

func TestBearerExpiredToken(t *testing.T) {
	r := Start(t, Bearer(), TokenTTL(-5*60e9))
	_, _, err := repoFor(t, r, "team/app", r.Username, r.Password).FetchReference(t.Context(), "v1")
	if !isUnauthorized(err) {
		t.Fatalf("expired token: want 401, got %v", err)
	}
}

func TestMemoryReferrers(t *testing.T) {
	r := Start(t, InMemory())
	ctx := t.Context()
	repo := repoFor(t, r, "ref/app", "", "")
	subject, err := pushArtifact(ctx, repo, []byte("subject"))
	if err != nil {
		t.Fatal(err)
	}
	sig, err := oras.PackManifest(ctx, repo, oras.PackManifestVersion1_1, "application/vnd.berth.test.sig",
		oras.PackManifestOptions{Subject: &subject})
	if err != nil {
		t.Fatal(err)
	}
	var found []digest.Digest
	if err := repo.Referrers(ctx, subject, "", func(refs []ocispec.Descriptor) error {
		for _, d := range refs {
			found = append(found, d.Digest)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0] != sig.Digest {
		t.Fatalf("referrers = %v, want [%s]", found, sig.Digest)
	}
}

func isUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }
func isDenied(err error) bool       { return hasStatus(err, http.StatusForbidden) }

func hasStatus(err error, code int) bool {
	var e *errcode.ErrorResponse
	return errors.As(err, &e) && e.StatusCode == code
}

func TestBearerAnonymousPull(t *testing.T) {
	r := Start(t, Bearer(), AnonymousPull())
	ctx := t.Context()
	if _, err := pushArtifact(ctx, repoFor(t, r, "pub/app", r.Username, r.Password), []byte("public")); err != nil {
		t.Fatal(err)
	}
	if got := pullLayer(ctx, t, repoFor(t, r, "pub/app", "", "")); string(got) != "public" {
		t.Fatalf("anonymous pull got %q", got)
	}
	if _, err := pushArtifact(ctx, repoFor(t, r, "pub/app", "", ""), []byte("x")); !isUnauthorized(err) {
		t.Fatalf("anonymous push: want 401, got %v", err)
	}
}
