package registrytest

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/retry"
)

func TestProxyCountsAndCorrupts(t *testing.T) {
	r := Start(t)
	p := NewProxy(t, r)
	ctx := t.Context()
	payload := bytes.Repeat([]byte("berth"), 1000)
	if _, err := pushArtifact(ctx, repoFor(t, p.Registry, "px/app", "", ""), payload); err != nil {
		t.Fatalf("push through proxy: %v", err)
	}
	if got := p.BlobUploadBytes(); got < int64(len(payload)) {
		t.Fatalf("counted %d upload bytes, want at least %d", got, len(payload))
	}
	for _, kind := range []FaultKind{CorruptBody, TruncateBody} {
		p.Reset()
		f := &Fault{Kind: kind, Match: BlobGET, Times: 1}
		p.Inject(f)
		repo := repoFor(t, p.Registry, "px/app", "", "")
		// oras verifies size and digest: the fault must surface as an error.
		if _, err := fetchLayer(ctx, repo); err == nil || f.Hits() != 1 || p.BlobGETs() != 1 {
			t.Fatalf("fault %d not detected (err=%v hits=%d gets=%d)", kind, err, f.Hits(), p.BlobGETs())
		}
		if got := pullLayer(ctx, t, repo); !bytes.Equal(got, payload) {
			t.Fatalf("clean pull after fault %d differs", kind)
		}
	}
}

func TestProxyTransientFaultsRetried(t *testing.T) {
	r := Start(t, HtpasswdTLS())
	p := NewProxy(t, r)
	ctx := t.Context()
	if _, err := pushArtifact(ctx, repoFor(t, r, "px/app", r.Username, r.Password), []byte("payload")); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []FaultKind{Status500, TooManyRequests, ResetConnection} {
		f := &Fault{Kind: kind, Match: ManifestGET, Times: 1}
		p.Clear()
		p.Inject(f)
		repo := repoFor(t, p.Registry, "px/app", r.Username, r.Password)
		c := repo.Client.(*auth.Client)
		rt := retry.NewTransport(c.Client.Transport)
		rt.Policy = func() retry.Policy { return retryAll }
		c.Client.Transport = rt
		if got := pullLayer(ctx, t, repo); string(got) != "payload" {
			t.Fatalf("fault %d: pulled %q", kind, got)
		}
		if f.Hits() != 1 {
			t.Fatalf("fault %d hit %d times", kind, f.Hits())
		}
	}
	// Without retries the injected status reaches the client.
	p.Clear()
	p.Inject(&Fault{Kind: Status500, Match: ManifestGET})
	_, _, err := repoFor(t, p.Registry, "px/app", r.Username, r.Password).FetchReference(ctx, "v1")
	if !hasStatus(err, http.StatusInternalServerError) {
		t.Fatalf("want 500, got %v", err)
	}
}

// retryAll also retries transport errors such as a reset connection, which
// oras's default policy leaves to the caller.
var retryAll = &retry.GenericPolicy{
	Retryable: func(resp *http.Response, err error) (bool, error) {
		if err != nil {
			return true, nil
		}
		return retry.DefaultPredicate(resp, nil)
	},
	Backoff:  retry.DefaultBackoff,
	MinWait:  10 * time.Millisecond,
	MaxWait:  2 * time.Second,
	MaxRetry: 3,
}
