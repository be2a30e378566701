package registrytest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"time"
)

// Server is a long-lived anonymous plain-HTTP Distribution registry outside
// of tests (go tool task registry:up).
type Server struct {
	// Addr is "127.0.0.1:port".
	Addr string
	srv  *http.Server
	ln   net.Listener
}

// Listen prepares a registry storing under dir on addr ("127.0.0.1:0" picks a
// free port); call Serve to answer requests.
func Listen(ctx context.Context, dir, addr string) (*Server, error) {
	silenceLogs(false)
	h, err := newDistribution(ctx, distConfig{root: filepath.Join(dir, "storage")})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	return &Server{Addr: ln.Addr().String(), ln: ln,
		srv: &http.Server{Handler: h, ReadHeaderTimeout: 30 * time.Second, ErrorLog: discardLogger()}}, nil
}

// Serve answers requests until Shutdown.
func (s *Server) Serve() error {
	if err := s.srv.Serve(s.ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops the server, letting requests in flight finish.
func (s *Server) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }
