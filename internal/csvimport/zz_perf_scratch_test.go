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
