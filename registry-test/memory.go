package registrytest

import (
	"io"
	"log"
	"net/http"
	"os"

	ggcr "github.com/google/go-containerregistry/pkg/registry"
)

// memoryHandler is go-containerregistry's in-memory registry with the
// referrers API, optionally behind HTTP basic auth for users.
func memoryHandler(users []User, basic, verbose bool) http.Handler {
	logger := log.New(io.Discard, "", 0)
	if verbose || os.Getenv("BERTH_REGISTRY_LOG") != "" {
		logger = log.New(os.Stderr, "ggcr: ", log.LstdFlags)
	}
	h := ggcr.New(ggcr.WithReferrersSupport(true), ggcr.Logger(logger))
	if !basic {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		name, pass, ok := req.BasicAuth()
		for _, u := range users {
			if ok && u.Name == name && u.Password == pass {
				h.ServeHTTP(w, req)
				return
			}
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="registrytest"`)
		w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
		writeAuthError(w, http.StatusUnauthorized, "UNAUTHORIZED", "authentication required")
	})
}
