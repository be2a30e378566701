package chartrepo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/berth-dev/berth/internal/safefs"
)

// MaxConfigSize bounds repositories.yaml.
const MaxConfigSize = 16 << 20

// Entry is one repository of repositories.yaml. The JSON names are Helm's
// and every key is always written, as helm writes them.
type Entry struct {
	Name                  string `json:"name"`
	URL                   string `json:"url"`
	Username              string `json:"username"`
	Password              string `json:"password"`
	CertFile              string `json:"certFile"`
	KeyFile               string `json:"keyFile"`
	CAFile                string `json:"caFile"`
	InsecureSkipTLSVerify bool   `json:"insecure_skip_tls_verify"`
	PassCredentialsAll    bool   `json:"pass_credentials_all"`
}

// Config is repositories.yaml.
type Config struct {
	APIVersion   string    `json:"apiVersion"`
	Generated    time.Time `json:"generated"`
	Repositories []*Entry  `json:"repositories"`
}

// ErrNoRepositories is returned by LoadConfig when the file does not exist.
var ErrNoRepositories = errors.New("no repositories configured")

// LoadConfig reads repositories.yaml. A missing file gives an empty Config
// and an error wrapping ErrNoRepositories and fs.ErrNotExist, so commands
// that add a repository can start from it.
func LoadConfig(path string) (*Config, error) {
	b, err := readBounded(path, MaxConfigSize)
	if errors.Is(err, fs.ErrNotExist) {
		return &Config{APIVersion: "v1", Generated: time.Now()}, fmt.Errorf("%w (%s does not exist): %w", ErrNoRepositories, path, err)
	}
	if err != nil {
		return nil, err
	}
	var c Config
	if err := yaml.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if c.APIVersion == "" {
		c.APIVersion = "v1"
	}
	c.Repositories = dropNil(c.Repositories)
	return &c, nil
}

func dropNil(es []*Entry) []*Entry {
	out := es[:0]
	for _, e := range es {
		if e != nil {
			out = append(out, e)
		}
	}
	return out
}

// Save writes c to path atomically with mode 0600 (it may hold passwords),
// creating the parent directory.
func (c *Config) Save(path string) error {
	b, err := yaml.Marshal(c)
	if err != nil {
		return err
	}
	if _, err := safefs.WriteFile(filepath.Dir(path), filepath.Base(path), b, 0o600); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// Get returns the entry called name, or nil.
func (c *Config) Get(name string) *Entry {
	for _, e := range c.Repositories {
		if e.Name == name {
			return e
		}
	}
	return nil
}

// Remove deletes the entry called name and reports whether it was there.
func (c *Config) Remove(name string) bool {
	for i, e := range c.Repositories {
		if e.Name == name {
			c.Repositories = append(c.Repositories[:i], c.Repositories[i+1:]...)
			return true
		}
	}
	return false
}

// Set adds e, or replaces the entry with its name.
func (c *Config) Set(e *Entry) {
	for i, old := range c.Repositories {
		if old.Name == e.Name {
			c.Repositories[i] = e
			return
		}
	}
	c.Repositories = append(c.Repositories, e)
}

// ValidateName refuses names helm refuses (a '/' would make repo/chart
// ambiguous) and names that would escape the cache directory.
func ValidateName(name string) error {
	switch {
	case name == "" || name == "." || name == "..":
		return fmt.Errorf("invalid repository name %q", name)
	case strings.ContainsAny(name, `/\`):
		return fmt.Errorf("repository name (%s) contains '/', please specify a different name without '/'", name)
	}
	return nil
}

// readBounded reads a file of at most max bytes.
func readBounded(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	return readLimited(f, max, path)
}
