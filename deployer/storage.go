package deployer

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/metadata"
)

// Secret format constants, identical to Helm 3's Secret driver.
const (
	secretType   = "helm.sh/release.v1"
	secretPrefix = "sh.helm.release.v1"
	releaseKey   = "release"
)

// deadlineAnnotation holds a pending revision's Deadline. Helm neither
// writes nor reads it; a helm write drops it, which reads as "unknown".
const deadlineAnnotation = "berth.dev/operation-deadline"

// systemLabels are the Secret labels Helm owns; user labels may not use them.
var systemLabels = []string{"name", "owner", "status", "version", "createdAt", "modifiedAt"}

// Storage errors, matched with errors.Is.
var (
	ErrReleaseNotFound = errors.New("release: not found")
	// ErrLocked means another operation created the same revision first.
	ErrLocked = errors.New("another operation on this release is in progress")
	// ErrConflict means the revision changed since it was read.
	ErrConflict = errors.New("release was modified concurrently")
)

// Store keeps releases in Helm-format Secrets.
type Store struct {
	secrets corev1client.SecretsGetter
	// meta lists Secrets' metadata only (labels), for list without payloads.
	meta metadata.Interface
}

// NewStore returns a Store over a core/v1 client.
func NewStore(secrets corev1client.SecretsGetter) *Store { return &Store{secrets: secrets} }

// SecretName is Helm's Secret name for one revision.
func SecretName(name string, version int) string {
	return fmt.Sprintf("%s.%s.v%d", secretPrefix, name, version)
}

// Create writes a new revision. Creating the Secret is the lock: when the
// revision already exists another operation got there first.
func (s *Store) Create(ctx context.Context, r *Release) error {
	// Helm 3.22 stamps no createdAt on create (oracle-checked); only
	// updates stamp modifiedAt.
	sec, err := newSecret(r, "")
	if err != nil {
		return err
	}
	out, err := s.secrets.Secrets(r.Namespace).Create(ctx, sec, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create %s revision %d: %w", r.Name, r.Version, ErrLocked)
	}
	if err != nil {
		return fmt.Errorf("create release secret %s: %w", sec.Name, err)
	}
	r.resourceVersion = out.ResourceVersion
	return nil
}

// Update rewrites a revision, only if nobody changed it since it was read.
func (s *Store) Update(ctx context.Context, r *Release) error {
	sec, err := newSecret(r, "modifiedAt")
	if err != nil {
		return err
	}
	sec.ResourceVersion = r.resourceVersion
	cur, err := s.secrets.Secrets(r.Namespace).Get(ctx, sec.Name, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("update release secret %s: %w", sec.Name, err)
	}
	if v, ok := cur.Labels["createdAt"]; ok {
		sec.Labels["createdAt"] = v
	}
	if sec.ResourceVersion == "" {
		sec.ResourceVersion = cur.ResourceVersion
	}
	out, err := s.secrets.Secrets(r.Namespace).Update(ctx, sec, metav1.UpdateOptions{})
	if apierrors.IsConflict(err) {
		return fmt.Errorf("update %s revision %d: %w", r.Name, r.Version, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("update release secret %s: %w", sec.Name, err)
	}
	r.resourceVersion = out.ResourceVersion
	return nil
}

// Get reads one revision.
func (s *Store) Get(ctx context.Context, namespace, name string, version int) (*Release, error) {
	key := SecretName(name, version)
	sec, err := s.secrets.Secrets(namespace).Get(ctx, key, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("release %q revision %d: %w", name, version, ErrReleaseNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get release secret %s: %w", key, err)
	}
	return releaseFromSecret(sec)
}

// History returns every revision of a release, oldest first.
func (s *Store) History(ctx context.Context, namespace, name string) ([]*Release, error) {
	secs, err := s.query(ctx, namespace, labels.Set{"name": name, "owner": "helm"}.String())
	if err != nil {
		return nil, err
	}
	if len(secs) == 0 {
		return nil, fmt.Errorf("release %q: %w", name, ErrReleaseNotFound)
	}
	out := make([]*Release, 0, len(secs))
	for i := range secs {
		r, err := releaseFromSecret(&secs[i])
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Last returns the newest revision, whatever its status.
func (s *Store) Last(ctx context.Context, namespace, name string) (*Release, error) {
	h, err := s.History(ctx, namespace, name)
	if err != nil {
		return nil, err
	}
	return h[len(h)-1], nil
}

// Delete removes one revision's Secret.
func (s *Store) Delete(ctx context.Context, namespace, name string, version int) error {
	err := s.secrets.Secrets(namespace).Delete(ctx, SecretName(name, version), metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete release %q revision %d: %w", name, version, err)
	}
	return nil
}

func (s *Store) query(ctx context.Context, namespace, sel string) ([]corev1.Secret, error) {
	list, err := s.secrets.Secrets(namespace).List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		return nil, fmt.Errorf("list release secrets (%s): %w", sel, err)
	}
	return list.Items, nil
}

func newSecret(r *Release, stamp string) (*corev1.Secret, error) {
	data, err := encodeRelease(r)
	if err != nil {
		return nil, fmt.Errorf("encode release %s.v%d: %w", r.Name, r.Version, err)
	}
	lbs := map[string]string{}
	for k, v := range r.Labels {
		lbs[k] = v
	}
	status := StatusUnknown
	if r.Info != nil {
		status = r.Info.Status
	}
	lbs["name"] = r.Name
	lbs["owner"] = "helm"
	lbs["status"] = string(status)
	lbs["version"] = strconv.Itoa(r.Version)
	if stamp != "" {
		lbs[stamp] = strconv.FormatInt(time.Now().Unix(), 10)
	}
	ann := map[string]string{}
	if status.IsPending() && !r.Deadline.IsZero() {
		ann[deadlineAnnotation] = r.Deadline.UTC().Format(time.RFC3339)
	}
	if r.Origin != nil {
		ann[originAnnotation] = r.Origin.annotation()
	}
	if len(ann) == 0 {
		ann = nil
	}
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: SecretName(r.Name, r.Version), Namespace: r.Namespace, Labels: lbs, Annotations: ann},
		Type:       secretType,
		Data:       map[string][]byte{releaseKey: data},
	}, nil
}

func releaseFromSecret(sec *corev1.Secret) (*Release, error) {
	r, err := decodeRelease(sec.Data[releaseKey])
	if err != nil {
		return nil, fmt.Errorf("decode release secret %s/%s: %w", sec.Namespace, sec.Name, err)
	}
	r.Labels = customLabels(sec.Labels)
	r.resourceVersion = sec.ResourceVersion
	if t, err := time.Parse(time.RFC3339, sec.Annotations[deadlineAnnotation]); err == nil && r.Info != nil && r.Info.Status.IsPending() {
		r.Deadline = t
	}
	r.Origin = parseOrigin(sec.Annotations[originAnnotation])
	return r, nil
}

func customLabels(all map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range all {
		out[k] = v
	}
	for _, k := range systemLabels {
		delete(out, k)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
