package chartfmt

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

// Release names, as Helm v3.22.0 validates them before installing or
// rendering: a DNS-1123 subdomain of at most 53 characters.
var validReleaseName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

const maxReleaseNameLen = 53

// ValidateReleaseName reports whether name can name a release, with Helm's
// error text.
func ValidateReleaseName(name string) error {
	var err error
	switch {
	case name == "":
		err = errors.New("no name provided")
	case len(name) > maxReleaseNameLen || !validReleaseName.MatchString(name):
		err = fmt.Errorf("invalid release name, must match regex %s and the length must not be longer than %d", validReleaseName, maxReleaseNameLen)
	}
	if err != nil {
		return fmt.Errorf("release name %q: %w", name, err)
	}
	return nil
}

// TemplateName renders a --name-template (sprig functions, no data).
func TemplateName(nameTemplate string) (string, error) {
	if nameTemplate == "" {
		return "", nil
	}
	t, err := template.New("name-template").Funcs(sprig.TxtFuncMap()).Parse(nameTemplate)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := t.Execute(&b, nil); err != nil {
		return "", err
	}
	return b.String(), nil
}
