package chartrepo

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// tlsConfig builds the TLS settings of a repository entry: its CA bundle
// added to the system roots, its client certificate, and verification
// skipped only when the entry says so.
func tlsConfig(e *Entry) (*tls.Config, error) {
	conf := &tls.Config{InsecureSkipVerify: e.InsecureSkipTLSVerify} //nolint:gosec // explicit user choice
	if e.CAFile != "" {
		pem, err := os.ReadFile(e.CAFile)
		if err != nil {
			return nil, fmt.Errorf("reading CA file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s holds no PEM certificate", e.CAFile)
		}
		conf.RootCAs = pool
	}
	if (e.CertFile == "") != (e.KeyFile == "") {
		return nil, errors.New("--cert-file and --key-file must be given together")
	}
	if e.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(e.CertFile, e.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("loading client certificate %s: %w", e.CertFile, err)
		}
		conf.Certificates = []tls.Certificate{cert}
	}
	return conf, nil
}
