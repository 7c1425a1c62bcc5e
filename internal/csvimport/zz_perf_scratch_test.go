package csvimport

import (
	"os"
	"os/exec"
	"testing"
)

// TEMPORARY (perf work): writes the benchmark data set to $PERF_OUT.
func BenchmarkZZWritePerfData(b *testing.B) {
	out := os.Getenv("PERF_OUT")
	if out == "" {
		b.Skip()
	}
	setup, sales := writeSalesData(b, 1_000_000)
	for b.Loop() {
	}
	if err := exec.Command("sh", "-c", "mkdir -p "+out+" && cp -r "+setup+" "+out+"/setup && cp -r "+sales+" "+out+"/sales").Run(); err != nil {
		b.Fatal(err)
	}
}

// TEMPORARY (perf work): client-side cost of reading a staged file.
func BenchmarkZZCSVSource(b *testing.B) {
	path := os.Getenv("PERF_CSV")
	if path == "" {
		b.Skip()
	}
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		src, err := newCSVSource("sales_lines.csv", f, salesLinesFile.columns)
		if err != nil {
			b.Fatal(err)
		}
		for src.Next() {
		}
		if src.err != nil || src.bad != nil {
			b.Fatal(src.err, src.bad)
		}
		f.Close()
	}
}
