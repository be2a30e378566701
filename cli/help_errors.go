package cli

import (
	"context"
	"crypto/x509"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"strings"
	"syscall"

	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/errcode"
)

// errorHint says what to do about the common causes of a failure; the
// error itself says what failed. Empty when berth has nothing to add.
func errorHint(err error) string {
	var dns *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var path *fs.PathError
	var refused *errcode.ErrorResponse
	switch {
	case errors.Is(err, auth.ErrBasicCredentialNotFound):
		return "the registry wants credentials: run `berth registry login " + urlHost(err.Error()) + "`, or pass --username and --password"
	case errors.As(err, &refused) && (refused.StatusCode == http.StatusUnauthorized || refused.StatusCode == http.StatusForbidden):
		host := urlHost(err.Error())
		if refused.URL != nil {
			host = refused.URL.Host
		}
		if strings.HasPrefix(err.Error(), "login to ") {
			return "the registry refused this username and password (or token): check them; --password-stdin reads one line, its newline dropped"
		}
		return "the registry refused the credentials it got: run `berth registry login " + host + "`, or pass --username and --password"
	case errors.Is(err, context.Canceled):
		return ""
	case errors.Is(err, syscall.ECONNREFUSED):
		return "nothing listens at that address: check host and port, and that the registry or API server is running"
	case errors.As(err, &dns):
		return "the host name does not resolve: check its spelling and your DNS or proxy settings"
	case errors.As(err, &unknownCA):
		return "the server's certificate is signed by an unknown authority: pass --ca-file with its CA (or --insecure-skip-tls-verify to test)"
	case errors.As(err, &hostname):
		return "the server's certificate does not name this host: use the name it was issued for, or pass --insecure-skip-tls-verify to test"
	case errors.Is(err, context.DeadlineExceeded):
		return "it took longer than allowed: raise --timeout, or check what is still pending with berth status"
	case errors.As(err, &path) && errors.Is(err, fs.ErrNotExist):
		return "check the path " + path.Path + " (relative paths start from " + workDir() + ")"
	case strings.Contains(err.Error(), "kubernetes cluster unreachable"):
		return "set KUBECONFIG or pass --kubeconfig and --kube-context for the cluster to use"
	}
	return ""
}

// urlHost is the host of the first https:// or http:// URL in msg
// ("HOST" when there is none).
func urlHost(msg string) string {
	for _, scheme := range []string{"https://", "http://"} {
		if _, rest, ok := strings.Cut(msg, scheme); ok {
			if i := strings.IndexAny(rest, "/\"\" "); i > 0 {
				return rest[:i]
			}
		}
	}
	return "HOST"
}

func workDir() string {
	d, err := syscall.Getwd()
	if err != nil {
		return "the current folder"
	}
	return d
}
