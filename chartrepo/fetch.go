package chartrepo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/berth-dev/berth/chartfmt/provenance"
)

// MaxChartArchiveSize bounds a chart archive downloaded from a repository.
const MaxChartArchiveSize = 64 << 20

// Options tune a Client; the zero value is usable.
type Options struct {
	// UserAgent is sent with every request.
	UserAgent string
	// Timeout bounds each request; 0 means 120s (helm's default).
	Timeout time.Duration
	// MaxIndexSize and MaxChartSize bound what one index or chart download
	// may read; 0 means MaxIndexSize and MaxChartArchiveSize.
	MaxIndexSize, MaxChartSize int64
	// Verify, when set, makes every chart download also fetch its
	// provenance file (<chart URL>.prov, as helm does): it must exist and
	// verify the archive with a key of this keyring.
	Verify *provenance.Keyring
	// Prov fetches the provenance file without verifying it (helm pull
	// --prov); a missing one is an error.
	Prov bool
}

// Client fetches an index and charts from one repository with the entry's
// credentials and TLS settings. Plain HTTP is used only when the entry's
// URL itself is http://.
type Client struct {
	entry              *Entry
	base               *url.URL
	http               *http.Client
	ua                 string
	maxIndex, maxChart int64
	verify             *provenance.Keyring
	prov               bool
}

// NewClient validates e (an http or https URL, readable TLS files).
func NewClient(e *Entry, opts Options) (*Client, error) {
	base, err := url.Parse(e.URL)
	if err != nil {
		return nil, fmt.Errorf("invalid repository URL %q: %w", redact(e.URL), err)
	}
	if base.Scheme != "https" && base.Scheme != "http" {
		return nil, fmt.Errorf("repository URL %q: want https:// (or http:// for a repository without TLS)", redact(e.URL))
	}
	conf, err := tlsConfig(e)
	if err != nil {
		return nil, fmt.Errorf("repository %s: %w", e.Name, err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = conf
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = 120 * time.Second
	}
	c := &Client{entry: e, base: base, ua: opts.UserAgent, maxIndex: orDefault(opts.MaxIndexSize, MaxIndexSize),
		maxChart: orDefault(opts.MaxChartSize, MaxChartArchiveSize), verify: opts.Verify, prov: opts.Prov}
	c.http = &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: c.checkRedirect}
	return c, nil
}

// checkRedirect refuses a redirect from HTTPS to plain HTTP.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if req.URL.Scheme != "https" && via[0].URL.Scheme == "https" {
		return fmt.Errorf("refusing redirect from %s to plain HTTP %s", redact(via[0].URL.String()), redact(req.URL.String()))
	}
	return nil
}

// allowed refuses plain HTTP unless the repository URL is http:// itself.
func (c *Client) allowed(u *url.URL) error {
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && c.base.Scheme == "http":
		return nil
	case u.Scheme == "http":
		return fmt.Errorf("refusing plain HTTP URL %s from the https repository %s", redact(u.String()), c.entry.Name)
	}
	return fmt.Errorf("unsupported URL scheme %q in %s", u.Scheme, redact(u.String()))
}

// get downloads rawURL, reading at most max bytes.
func (c *Client) get(ctx context.Context, rawURL string, max int64) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("invalid URL %q: %w", redact(rawURL), err)
	}
	if err := c.allowed(u); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	if c.ua != "" {
		req.Header.Set("User-Agent", c.ua)
	}
	if c.sendCredentials(u) {
		req.SetBasicAuth(c.entry.Username, c.entry.Password)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, scrub(err, u)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("failed to fetch %s : %s", redact(rawURL), resp.Status)
	}
	if resp.ContentLength > max {
		return nil, fmt.Errorf("%s is %d bytes, more than the limit of %d", redact(rawURL), resp.ContentLength, max)
	}
	return readLimited(resp.Body, max, redact(rawURL))
}

// sendCredentials is helm's rule: basic auth goes to the repository's own
// scheme and host, or anywhere with pass_credentials_all.
func (c *Client) sendCredentials(u *url.URL) bool {
	if c.entry.Username == "" && c.entry.Password == "" {
		return false
	}
	return c.entry.PassCredentialsAll || (u.Scheme == c.base.Scheme && u.Host == c.base.Host)
}

// readLimited reads r to the end, failing past max bytes.
func readLimited(r io.Reader, max int64, what string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s is larger than the limit of %d bytes", what, max)
	}
	return b, nil
}

// FetchIndex downloads and parses the repository's index.yaml; the raw
// bytes are returned too, since the cache keeps them verbatim.
func (c *Client) FetchIndex(ctx context.Context) ([]byte, *IndexFile, error) {
	u := resolveReference(c.base, "index.yaml")
	b, err := c.get(ctx, u, c.maxIndex)
	if err != nil {
		return nil, nil, err
	}
	idx, err := ParseIndex(b)
	if err != nil {
		return nil, nil, fmt.Errorf("index of %s: %w", redact(u), err)
	}
	return b, idx, nil
}

// ChartURL is where cv is downloaded from: its first URL, resolved against
// the repository URL when relative (the repository's query string kept).
func (c *Client) ChartURL(cv *ChartVersion) (string, error) {
	if len(cv.URLs) == 0 {
		return "", fmt.Errorf("chart %s-%s has no URL in the index", cv.Name, cv.Version)
	}
	ref, err := url.Parse(cv.URLs[0])
	if err != nil {
		return "", fmt.Errorf("chart %s-%s: invalid URL: %w", cv.Name, cv.Version, err)
	}
	if ref.IsAbs() {
		return cv.URLs[0], nil
	}
	return resolveReference(c.base, cv.URLs[0]), nil
}

// FetchChart downloads cv's archive and checks it against the index's
// digest when the index gives one.
func (c *Client) FetchChart(ctx context.Context, cv *ChartVersion) ([]byte, error) {
	u, err := c.ChartURL(cv)
	if err != nil {
		return nil, err
	}
	b, err := c.get(ctx, u, c.maxChart)
	if err != nil {
		return nil, err
	}
	if cv.Digest != "" {
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); !strings.EqualFold(got, strings.TrimPrefix(cv.Digest, "sha256:")) {
			return nil, fmt.Errorf("chart %s-%s from %s: digest sha256:%s does not match the index's %s", cv.Name, cv.Version, redact(u), got, cv.Digest)
		}
	}
	return b, nil
}

// resolveReference resolves ref against base as helm does: base gets a
// trailing slash and keeps its query string.
func resolveReference(base *url.URL, ref string) string {
	r, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	b := *base
	b.Path = strings.TrimSuffix(b.Path, "/") + "/"
	if b.RawPath != "" {
		b.RawPath = strings.TrimSuffix(b.RawPath, "/") + "/"
	}
	out := b.ResolveReference(r)
	out.RawQuery = base.RawQuery
	return out.String()
}

// redact hides a password written into a URL.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// scrub rewrites a transport error so it names u without its password.
func scrub(err error, u *url.URL) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s %q: %w", ue.Op, u.Redacted(), ue.Err)
	}
	return err
}

func orDefault(v, def int64) int64 {
	if v > 0 {
		return v
	}
	return def
}
