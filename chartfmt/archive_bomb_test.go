package chartfmt

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"
	"testing"
)

// TestLoadArchivePAXHeaderBomb: PAX headers are not files, so they passed
// both the entry cap and the byte budget; 48 entries with a ~1 MiB PAX
// record each (48 MiB of headers from ~100 KiB of gzip; the attack scales it to 10 GiB) must stop
// at the header allowance, with a clear error.
func TestLoadArchivePAXHeaderBomb(t *testing.T) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	tw := tar.NewWriter(zw)
	write := func(hdr *tar.Header, data string) {
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	write(&tar.Header{Name: "demo/Chart.yaml", Mode: 0o644, Size: int64(len(minimalChartYAML))}, minimalChartYAML)
	pad := strings.Repeat("p", 1<<20-64)
	for i := 0; i < 48; i++ {
		write(&tar.Header{Name: fmt.Sprintf("demo/files/f%03d", i), Mode: 0o644, Size: 1, Format: tar.FormatPAX,
			PAXRecords: map[string]string{"BERTH.pad": pad}}, "x")
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	if buf.Len() > 1<<20 {
		t.Fatalf("bomb is %d bytes compressed", buf.Len())
	}
	_, err := LoadArchive(bytes.NewReader(buf.Bytes()))
	if err == nil || !strings.Contains(err.Error(), "tar headers") {
		t.Fatalf("error = %v, want the header allowance refused", err)
	}
}
