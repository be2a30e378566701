package image

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// cancelGrace bounds the DELETE that ends an interrupted upload session.
const cancelGrace = 5 * time.Second

// cancelUpload ends the upload session a cancelled upload left open (the
// URL of the failed PATCH or PUT, which only err names), so the registry
// does not keep an abandoned upload. Best effort: the registry expires
// sessions itself in the end.
func (p *Pusher) cancelUpload(ctx context.Context, r name.Repository, err error) {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return
	}
	u, perr := url.Parse(ue.URL)
	if perr != nil {
		return
	}
	// The session URL is …/blobs/uploads/<id>; the POST that opens one has
	// no id yet, and nothing to end.
	prefix := "/v2/" + r.RepositoryStr() + "/blobs/uploads/"
	if u.Host != r.RegistryStr() || !strings.HasPrefix(u.Path, prefix) || len(u.Path) == len(prefix) {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cancelGrace)
	defer cancel()
	auth := authn.Anonymous
	if p.opts.Keychain != nil {
		if a, kerr := authn.Resolve(ctx, p.opts.Keychain, r); kerr == nil {
			auth = a
		}
	}
	base := p.opts.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	tr, terr := transport.NewWithContext(ctx, r.Registry, auth, base, []string{r.Scope(transport.PushScope)})
	if terr != nil {
		return
	}
	req, rerr := http.NewRequestWithContext(ctx, http.MethodDelete, u.String(), nil)
	if rerr != nil {
		return
	}
	if resp, derr := (&http.Client{Transport: tr}).Do(req); derr == nil {
		resp.Body.Close()
	}
}
