package oci

import (
	"os"
	"path/filepath"
	"time"
)

// Options configure how berth talks to registries. The zero value talks
// HTTPS with the system roots, reads credentials from Docker's config.json
// (then Helm's registry config) and caches under the XDG cache directory.
type Options struct {
	// PlainHTTP talks HTTP without TLS. It is never chosen automatically.
	PlainHTTP bool
	// InsecureSkipTLSVerify accepts any server certificate.
	InsecureSkipTLSVerify bool
	// CAFile adds a PEM bundle to the trusted roots; CertFile and KeyFile
	// present a client certificate.
	CAFile, CertFile, KeyFile string
	// Username and Password, when set, are used for every registry instead
	// of the credential stores (like Helm's --username/--password).
	Username, Password string
	// DockerConfig is the config.json to read and write credentials; empty
	// means $DOCKER_CONFIG/config.json or ~/.docker/config.json.
	DockerConfig string
	// HelmRegistryConfig is Helm's registry config, read when DockerConfig
	// has no entry for a host; empty means $HELM_REGISTRY_CONFIG or
	// <config home>/helm/registry/config.json.
	HelmRegistryConfig string
	// CacheDir holds pulled content by digest; empty means
	// $XDG_CACHE_HOME/berth/oci (or ~/.cache/berth/oci).
	CacheDir string
	// MaxRetries bounds retries of transient failures (5xx, 429, reset
	// connections, truncated bodies); 0 means 5, negative disables retries.
	MaxRetries int
	// MinBackoff is the first retry delay (doubling each time); 0 means 200ms.
	MinBackoff time.Duration
	// IdleTimeout fails an exchange with a registry that sends (or accepts)
	// nothing for this long; 0 means 60s, negative disables it.
	IdleTimeout time.Duration
	// UserAgent is sent with every request.
	UserAgent string
	// Debugf, if set, receives one line per HTTP exchange (method, URL,
	// status); credentials and tokens are never passed to it.
	Debugf func(format string, args ...any)
}

func (o Options) dockerConfigPath() string {
	if o.DockerConfig != "" {
		return o.DockerConfig
	}
	if d := os.Getenv("DOCKER_CONFIG"); d != "" {
		return filepath.Join(d, "config.json")
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".docker", "config.json")
}

func (o Options) helmRegistryConfigPath() string {
	if o.HelmRegistryConfig != "" {
		return o.HelmRegistryConfig
	}
	if p := os.Getenv("HELM_REGISTRY_CONFIG"); p != "" {
		return p
	}
	if d := os.Getenv("HELM_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "registry", "config.json")
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "helm", "registry", "config.json")
}

func (o Options) cacheDir() string {
	if o.CacheDir != "" {
		return o.CacheDir
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "berth", "oci")
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "berth-cache", "oci")
	}
	return filepath.Join(d, "berth", "oci")
}

func (o Options) retries() int {
	switch {
	case o.MaxRetries < 0:
		return 0
	case o.MaxRetries == 0:
		return 5
	}
	return o.MaxRetries
}

func (o Options) minBackoff() time.Duration {
	if o.MinBackoff > 0 {
		return o.MinBackoff
	}
	return 200 * time.Millisecond
}
