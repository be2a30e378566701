package registrytest

import (
	"bufio"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// Sniffer is a TCP relay in front of a Registry that tells TLS from plain
// HTTP by the first byte a client sends (0x16 opens every TLS handshake) and
// counts the plain-HTTP connections. Everything is relayed unchanged, so the
// registry answers as it would directly: a plain-HTTP registry serves HTTP
// requests and rejects handshakes, a TLS one the opposite. A zero count
// proves no byte of any request went over plain HTTP.
type Sniffer struct {
	// Registry describes the relay as a registry (same credentials and CA
	// as the target, another port).
	Registry *Registry

	plain atomic.Int64
	tls   atomic.Int64

	mu    sync.Mutex
	conns map[net.Conn]bool
}

// NewSniffer starts a relay in front of target, stopped by t.Cleanup.
func NewSniffer(t testing.TB, target *Registry) *Sniffer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("registrytest: sniffer: %v", err)
	}
	s := &Sniffer{conns: map[net.Conn]bool{}}
	view := *target
	s.Registry = &view
	s.Registry.Host = ln.Addr().String()
	scheme := "https://"
	if target.PlainHTTP {
		scheme = "http://"
	}
	s.Registry.URL = scheme + s.Registry.Host
	// Clients keep idle connections open: cleanup closes them rather than
	// waiting for them.
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		defer s.mu.Unlock()
		for c := range s.conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.relay(c, target.Host)
		}
	}()
	return s
}

// PlainHTTPConns counts connections whose client spoke plain HTTP.
func (s *Sniffer) PlainHTTPConns() int { return int(s.plain.Load()) }

// TLSConns counts connections that opened with a TLS handshake.
func (s *Sniffer) TLSConns() int { return int(s.tls.Load()) }

func (s *Sniffer) track(c net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conns[c] = true
}

func (s *Sniffer) relay(client net.Conn, target string) {
	s.track(client)
	defer client.Close()
	br := bufio.NewReader(client)
	first, err := br.Peek(1)
	if err != nil {
		return // closed without a byte: not a request
	}
	if first[0] == 0x16 {
		s.tls.Add(1)
	} else {
		s.plain.Add(1)
	}
	server, err := net.Dial("tcp", target)
	if err != nil {
		return
	}
	s.track(server)
	defer server.Close()
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(server, br)
		if tc, ok := server.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
		close(done)
	}()
	_, _ = io.Copy(client, server)
	client.Close()
	<-done
}
