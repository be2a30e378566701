package cli

import (
	"fmt"
	"os"
	"path/filepath"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/oci"
)

func registryServeCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "serve",
		Usage: "run an OCI registry (CNCF Distribution, filesystem storage) until interrupted",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "addr", Value: "127.0.0.1:5000", Usage: "address to listen on (port 0 picks a free port)"},
			&ucli.StringFlag{Name: "storage", Usage: "storage folder (default: $XDG_DATA_HOME/berth/registry)"},
			&ucli.StringFlag{Name: "htpasswd", Usage: "require basic auth from this bcrypt htpasswd file"},
			&ucli.StringFlag{Name: "tls-cert", Usage: "serve HTTPS with this certificate (PEM)"},
			&ucli.StringFlag{Name: "tls-key", Usage: "private key of --tls-cert (PEM)"},
		},
		Action: func(c *ucli.Context) error {
			dir := c.String("storage")
			if dir == "" {
				dir = defaultRegistryStorage()
			}
			opts := oci.ServeOptions{Addr: c.String("addr"), Dir: dir, Htpasswd: c.String("htpasswd"),
				TLSCert: c.String("tls-cert"), TLSKey: c.String("tls-key")}
			if debugEnabled(c) {
				opts.Log = c.App.ErrWriter
			}
			scheme := "http"
			if opts.TLSCert != "" {
				scheme = "https"
			}
			return oci.Serve(c.Context, opts, func(addr string) {
				fmt.Fprintf(c.App.Writer, "Serving OCI registry on %s://%s (storage %s); push with oci://%s/<namespace>\n", scheme, addr, dir, addr)
			})
		},
	}
}

func defaultRegistryStorage() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "berth", "registry")
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".local", "share", "berth", "registry")
}
