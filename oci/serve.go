package oci

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/distribution/distribution/v3/configuration"
	"github.com/distribution/distribution/v3/registry/handlers"
	"github.com/sirupsen/logrus"

	// Storage driver and access controller register themselves by name.
	_ "github.com/distribution/distribution/v3/registry/auth/htpasswd"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/filesystem"
)

// ServeOptions configure the embedded registry.
type ServeOptions struct {
	// Addr to listen on; "127.0.0.1:0" picks a free port.
	Addr string
	// Dir holds the registry's storage.
	Dir string
	// Htpasswd, if set, is a bcrypt htpasswd file required for every request.
	Htpasswd string
	// TLSCert and TLSKey, if set, serve HTTPS.
	TLSCert, TLSKey string
	// Log receives Distribution's log lines; nil discards them.
	Log io.Writer
}

// Serve runs CNCF Distribution in-process with filesystem storage until ctx
// ends; ready is called with the listening address once it accepts
// connections.
func Serve(ctx context.Context, opts ServeOptions, ready func(addr string)) error {
	if opts.Dir == "" {
		return errors.New("registry serve: a storage folder is required")
	}
	if (opts.TLSCert == "") != (opts.TLSKey == "") {
		return errors.New("registry serve: --tls-cert and --tls-key go together")
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return fmt.Errorf("registry serve: %w", err)
	}
	if opts.Htpasswd != "" {
		if _, err := os.Stat(opts.Htpasswd); err != nil {
			// Distribution would invent an account with a random password.
			return fmt.Errorf("registry serve: htpasswd file: %w", err)
		}
	}
	// Distribution logs through logrus's process-wide logger.
	logrus.SetOutput(orDiscard(opts.Log))
	app, err := newDistributionApp(ctx, opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("registry serve: %w", err)
	}
	srv := &http.Server{Handler: app, ReadHeaderTimeout: time.Minute, ErrorLog: log.New(orDiscard(opts.Log), "", 0)}
	if opts.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(opts.TLSCert, opts.TLSKey)
		if err != nil {
			ln.Close()
			return fmt.Errorf("registry serve: %w", err)
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	if ready != nil {
		ready(ln.Addr().String())
	}
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("registry serve: %w", err)
	}
	return nil
}

func newDistributionApp(ctx context.Context, opts ServeOptions) (h http.Handler, err error) {
	conf := &configuration.Configuration{
		Version: "0.1",
		Storage: configuration.Storage{
			"filesystem": configuration.Parameters{"rootdirectory": opts.Dir},
			"delete":     configuration.Parameters{"enabled": true},
		},
	}
	conf.Log.AccessLog.Disabled = true
	// The YAML parser defaults this to 1000; built in code it would be 0 (an empty catalog).
	conf.Catalog.MaxEntries = 1000
	if opts.Htpasswd != "" {
		conf.Auth = configuration.Auth{"htpasswd": configuration.Parameters{"realm": "berth", "path": opts.Htpasswd}}
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("registry serve: %v", p)
		}
	}()
	return handlers.NewApp(ctx, conf), nil
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}
