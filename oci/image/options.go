package image

import (
	"net/http"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// DefaultJobs is how many blobs move at once when Options.Jobs is 0.
const DefaultJobs = 4

// Options say how to reach registries. The zero value uses the default
// transport and anonymous access.
//
// Which scheme a request may use is the Transport's decision, not this
// package's: go-containerregistry sends plain HTTP on its own to loopback,
// RFC 1918 and .local registries (and retries a failed HTTPS ping over
// HTTP). oci.Client.ImageOptions supplies a transport that refuses every
// plain-HTTP request unless the user asked for it.
type Options struct {
	// Transport carries every request (TLS settings, retries, the
	// plain-HTTP guard); nil means http.DefaultTransport, which does not
	// guard.
	Transport http.RoundTripper
	// Keychain finds credentials per registry; nil means anonymous.
	Keychain authn.Keychain
	// PlainHTTP lets go-containerregistry use HTTP for any registry, not
	// only the private ones it picks HTTP for by itself; the Transport must
	// allow it too.
	PlainHTTP bool
	// UserAgent is sent with every request.
	UserAgent string
	// DigestCacheDir remembers the layer digests of `docker save` archives
	// (keyed by file identity, size and mtime), so an unchanged archive is
	// not read again; empty disables the cache.
	DigestCacheDir string
	// Jobs bounds concurrent blob uploads; 0 means DefaultJobs.
	Jobs int
	// Progress receives one event per blob state change; nil drops them.
	// It is called from several goroutines.
	Progress func(Event)
}

func (o Options) jobs() int {
	if o.Jobs <= 0 {
		return DefaultJobs
	}
	return o.Jobs
}

// nameOptions marks references insecure only on request. Without it
// go-containerregistry still tries HTTP for private hosts; the Transport
// refuses those requests.
func (o Options) nameOptions() []name.Option {
	if o.PlainHTTP {
		return []name.Option{name.Insecure}
	}
	return nil
}

func (o Options) remoteOptions() []remote.Option {
	opts := []remote.Option{remote.WithJobs(o.jobs())}
	if o.Transport != nil {
		opts = append(opts, remote.WithTransport(o.Transport))
	}
	if o.Keychain != nil {
		opts = append(opts, remote.WithAuthFromKeychain(o.Keychain))
	}
	if o.UserAgent != "" {
		opts = append(opts, remote.WithUserAgent(o.UserAgent))
	}
	return opts
}

func (o Options) emit(e Event) {
	if o.Progress != nil {
		o.Progress(e)
	}
}
