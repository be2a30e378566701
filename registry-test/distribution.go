package registrytest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	"github.com/distribution/distribution/v3/configuration"
	"github.com/distribution/distribution/v3/registry/handlers"
	"github.com/sirupsen/logrus"
	"golang.org/x/crypto/bcrypt"

	// Storage driver and access controllers register themselves by name.
	_ "github.com/distribution/distribution/v3/registry/auth/htpasswd"
	_ "github.com/distribution/distribution/v3/registry/auth/token"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/filesystem"
)

type distConfig struct {
	root     string
	htpasswd string
	token    *tokenServer
}

// newDistribution builds Distribution's registry application (the handler
// behind `registry serve`) with filesystem storage under cfg.root. It uses
// handlers.NewApp rather than registry.NewRegistry because the latter
// registers process-global health checks and can run only once per process.
func newDistribution(ctx context.Context, cfg distConfig) (h http.Handler, err error) {
	if err := os.MkdirAll(cfg.root, 0o755); err != nil {
		return nil, fmt.Errorf("registry storage: %w", err)
	}
	conf := &configuration.Configuration{
		Version: "0.1",
		Storage: configuration.Storage{
			"filesystem":  configuration.Parameters{"rootdirectory": cfg.root},
			"delete":      configuration.Parameters{"enabled": true},
			"maintenance": configuration.Parameters{"uploadpurging": map[any]any{"enabled": false}},
		},
	}
	conf.HTTP.Secret = randomSecret()
	conf.Log.AccessLog.Disabled = true
	// The YAML parser defaults this to 1000; built in code it would be 0 (an empty catalog).
	conf.Catalog.MaxEntries = 1000
	switch {
	case cfg.htpasswd != "":
		conf.Auth = configuration.Auth{"htpasswd": configuration.Parameters{"realm": "registrytest", "path": cfg.htpasswd}}
	case cfg.token != nil:
		conf.Auth = configuration.Auth{"token": configuration.Parameters{
			"realm":          cfg.token.realm,
			"service":        cfg.token.service,
			"issuer":         cfg.token.issuer,
			"rootcertbundle": cfg.token.certFile,
		}}
	}
	// NewApp panics on configuration errors; turn that into an error.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("start distribution: %v", p)
		}
	}()
	return handlers.NewApp(ctx, conf), nil
}

// writeHtpasswd writes bcrypt entries for users; Distribution would invent a
// random account if the file were missing.
func writeHtpasswd(dir string, users []User) (string, error) {
	var out []byte
	for _, u := range users {
		hash, err := bcrypt.GenerateFromPassword([]byte(u.Password), bcrypt.MinCost)
		if err != nil {
			return "", fmt.Errorf("htpasswd: %w", err)
		}
		out = append(out, u.Name+":"+string(hash)+"\n"...)
	}
	p := filepath.Join(dir, "htpasswd")
	if err := os.WriteFile(p, out, 0o600); err != nil {
		return "", fmt.Errorf("htpasswd: %w", err)
	}
	return p, nil
}

var logsOnce sync.Once

// silenceLogs routes Distribution's logrus output (a process-wide logger) to
// nowhere unless the caller asked for it.
func silenceLogs(verbose bool) {
	logsOnce.Do(func() {
		if verbose || os.Getenv("BERTH_REGISTRY_LOG") != "" {
			logrus.SetLevel(logrus.DebugLevel)
			return
		}
		logrus.SetOutput(io.Discard)
		logrus.SetLevel(logrus.PanicLevel)
	})
}
