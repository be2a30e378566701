package chartrepo

import (
	"os"
	"path/filepath"
	"runtime"
)

// Paths are the repository config file and the index cache directory.
type Paths struct {
	Config string // repositories.yaml
	Cache  string // holds <name>-index.yaml and <name>-charts.txt
}

// DefaultPaths resolves Helm's locations from getenv (os.Getenv in the
// CLI): $HELM_REPOSITORY_CONFIG and $HELM_REPOSITORY_CACHE, else
// repositories.yaml and repository/ under Helm's config and cache homes
// ($HELM_CONFIG_HOME as is, else $XDG_CONFIG_HOME/helm, else the OS
// default, as helm does).
func DefaultPaths(getenv func(string) string) Paths {
	p := Paths{Config: getenv("HELM_REPOSITORY_CONFIG"), Cache: getenv("HELM_REPOSITORY_CACHE")}
	if p.Config == "" {
		p.Config = filepath.Join(helmHome(getenv, "HELM_CONFIG_HOME", "XDG_CONFIG_HOME", configDefault), "repositories.yaml")
	}
	if p.Cache == "" {
		p.Cache = filepath.Join(helmHome(getenv, "HELM_CACHE_HOME", "XDG_CACHE_HOME", cacheDefault), "repository")
	}
	return p
}

func helmHome(getenv func(string) string, helmVar, xdgVar string, osDefault func(func(string) string) string) string {
	if h := getenv(helmVar); h != "" {
		return h
	}
	if x := getenv(xdgVar); x != "" {
		return filepath.Join(x, "helm")
	}
	return filepath.Join(osDefault(getenv), "helm")
}

func homeDir(getenv func(string) string) string {
	if h := getenv("HOME"); h != "" {
		return h
	}
	h, _ := os.UserHomeDir()
	return h
}

func configDefault(getenv func(string) string) string {
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(homeDir(getenv), "Library", "Preferences")
	case "windows":
		return getenv("APPDATA")
	}
	return filepath.Join(homeDir(getenv), ".config")
}

func cacheDefault(getenv func(string) string) string {
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(homeDir(getenv), "Library", "Caches")
	case "windows":
		return getenv("TEMP")
	}
	return filepath.Join(homeDir(getenv), ".cache")
}

// IndexCacheFile is the cached index of repository name.
func (p Paths) IndexCacheFile(name string) string {
	return filepath.Join(p.Cache, name+"-index.yaml")
}

// ChartsCacheFile lists the chart names of repository name.
func (p Paths) ChartsCacheFile(name string) string {
	return filepath.Join(p.Cache, name+"-charts.txt")
}
