package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"

	"htsim/internal/output"
)

// TestSameBytesOnArm64: htsim built for another architecture (arm64 here,
// amd64 on an arm64 machine) and run under qemu's user-mode emulator writes
// the same bytes as this machine's build, and prints the same: a run with a
// policy phase and the victims table, then its summary, comparison, multiple
// systems estimates and report; a Saltelli sweep and its Sobol indices; the
// hypotheses experiments and a calibration. This is what lets a reviewer on
// a laptop of either kind reproduce a cluster's results byte for byte. It
// rests on three things: portable builds (output.PortableTags), the
// elementary functions of internal/detmath, and no fused multiply-add in
// htsim's arithmetic, which the test also checks in the arm64 build's
// machine code.
func TestSameBytesOnArm64(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds htsim for two architectures and runs one under qemu")
	}
	other, emulator := "arm64", "qemu-aarch64"
	if runtime.GOARCH == "arm64" {
		other, emulator = "amd64", "qemu-x86_64"
	}
	qemu := os.Getenv("HTSIM_QEMU_" + strings.ToUpper(strings.TrimPrefix(emulator, "qemu-")))
	for _, name := range []string{emulator + "-static", emulator} {
		if qemu != "" {
			break
		}
		qemu, _ = exec.LookPath(name)
	}
	if qemu == "" {
		t.Fatalf("the cross-architecture test needs %s-static (as root: bash scripts/ensure-qemu.sh, or make test)", emulator)
	}
	dir := t.TempDir()
	build := func(arch string) string {
		bin := filepath.Join(dir, "htsim-"+arch)
		cmd := exec.Command("go", "build", "-tags", output.PortableTags, "-o", bin, ".")
		cmd.Env = append(os.Environ(), "GOARCH="+arch, "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build for %s: %v\n%s", arch, err, out)
		}
		return bin
	}
	native, foreign := build(runtime.GOARCH), build(other)

	sweep := []byte(`name: crossarch
scenarios: [baseline]
design: {kind: saltelli, points: 4}
replicates: 1
seed: 11
horizon: {from: 2018-01, to: 2022-12}
parameters:
  police.skill: {min: 0.3, max: 0.9}
  victimisation.monthly_risk.agriculture: {min: 0.0004, max: 0.0012}
`)
	// Each study runs its steps in turn in one folder per build; then every
	// file of the folder and every step's standard output must be the same.
	// The analysis steps read the folder their own build wrote, so a
	// difference anywhere along the chain shows.
	studies := []struct {
		name  string
		steps [][]string
	}{
		{"run and its analyses", [][]string{
			{"run", "-q", "--replicates", "3", "--from", "2022-01", "--to", "2026-12", "--victims", "--out", "out", "baseline", "palermo"},
			{"summarize", "--format", "csv", "out"},
			{"compare", "--format", "csv", "out"},
			{"mse", "--json", "--lists", "police,ngo,hotline,shelter", "out"},
			{"mse", "--json", "--lists", "police,ngo,hotline", "--year", "2024", "--replicate", "2", "--model", "main", "out"},
			{"report", "out"},
		}},
		{"sweep and sensitivity", [][]string{
			{"sweep", "-q", "--out", "out", "sweep.yaml"},
			{"sensitivity", "--format", "csv", "--resamples", "100", "out"},
		}},
		{"hypotheses and calibration", [][]string{
			{"hypotheses", "-n", "2", "--from", "2018-01", "--to", "2019-12", "--period", "2018-2019", "--format", "csv", "--out", "out/hypotheses"},
			{"calibrate", "-q", "--draws", "12", "--from", "2016-01", "--to", "2020-12", "--holdout", "2020", "--out", "out/calibration"},
		}},
	}
	for n, study := range studies {
		folders := map[string]string{}
		stdouts := map[string][]string{}
		for _, bin := range []struct{ name, path string }{{runtime.GOARCH, native}, {other, foreign}} {
			wd := filepath.Join(dir, fmt.Sprintf("study%d-%s", n, bin.name))
			if err := os.MkdirAll(wd, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(wd, "sweep.yaml"), sweep, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, args := range study.steps {
				cmd := exec.Command(bin.path, args...)
				if bin.name == other {
					cmd = exec.Command(qemu, append([]string{bin.path}, args...)...)
				}
				cmd.Dir = wd
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				out, err := cmd.Output()
				if err != nil {
					t.Fatalf("htsim %s (%s): %v\n%s", strings.Join(args, " "), bin.name, err, stderr.Bytes())
				}
				stdouts[bin.name] = append(stdouts[bin.name], string(out))
			}
			folders[bin.name] = filepath.Join(wd, "out")
		}
		for i, args := range study.steps {
			if stdouts[runtime.GOARCH][i] != stdouts[other][i] {
				t.Errorf("htsim %s printed different output on %s and %s:\n%s\n---\n%s", strings.Join(args, " "), runtime.GOARCH, other, stdouts[runtime.GOARCH][i], stdouts[other][i])
			}
		}
		a, b := listFiles(t, folders[runtime.GOARCH]), listFiles(t, folders[other])
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%s: %s wrote %v, %s wrote %v", study.name, runtime.GOARCH, a, other, b)
		}
		compared, differ := 0, 0
		for _, f := range a {
			// The report's raster charts are drawn by gonum/plot, whose
			// arithmetic may round differently on another architecture; their
			// vector (SVG) versions and the page are compared.
			if strings.HasSuffix(f, ".png") {
				continue
			}
			x, err := os.ReadFile(filepath.Join(folders[runtime.GOARCH], f))
			if err != nil {
				t.Fatal(err)
			}
			y, err := os.ReadFile(filepath.Join(folders[other], f))
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case strings.HasSuffix(f, ".json"):
				x, y = withoutCreated(t, x), withoutCreated(t, y)
			case strings.HasSuffix(f, ".html"): // the report shows the run's creation time
				x = bytes.ReplaceAll(x, []byte(created(t, folders[runtime.GOARCH])), []byte("CREATED"))
				y = bytes.ReplaceAll(y, []byte(created(t, folders[other])), []byte("CREATED"))
			}
			if !bytes.Equal(x, y) {
				t.Errorf("%s: %s differs between the %s and %s builds", study.name, f, runtime.GOARCH, other)
				differ++
			}
			compared++
		}
		t.Logf("%s: %d of %d files compared identical, and %d printed outputs compared", study.name, compared-differ, compared, len(study.steps))
	}

	// The arm64 build's machine code: the compiler fuses x*y+z into one
	// instruction (one rounding instead of two) unless an explicit float64
	// conversion rounds the product. None may remain in the code that
	// computes results. The one exception is the report's drawing (its
	// raster charts; see above). Only htsim's functions are scanned: gonum's
	// SVD and simplex, which the multiple systems estimate uses to decide
	// whether a model is identifiable and its estimate exists, do fuse on
	// arm64, so a decision whose margin is within rounding could differ.
	arm := native
	if other == "arm64" {
		arm = foreign
	}
	dis, err := exec.Command("go", "tool", "objdump", arm).Output()
	if err != nil {
		t.Fatalf("go tool objdump: %v", err)
	}
	exempt := []string{"htsim/internal/report."}
	fused := map[string]bool{}
	fn := ""
	for _, line := range strings.Split(string(dis), "\n") {
		if name, ok := strings.CutPrefix(line, "TEXT "); ok {
			fn = strings.Fields(name)[0]
			continue
		}
		if !strings.HasPrefix(fn, "htsim/") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !(strings.HasPrefix(f[3], "FMADD") || strings.HasPrefix(f[3], "FMSUB") || strings.HasPrefix(f[3], "FNMADD") || strings.HasPrefix(f[3], "FNMSUB")) {
			continue
		}
		skip := false
		for _, e := range exempt {
			skip = skip || strings.HasPrefix(fn, e)
		}
		if !skip {
			fused[fn+" at "+f[0]] = true
		}
	}
	if len(fused) > 0 {
		var list []string
		for k := range fused {
			list = append(list, k)
		}
		sort.Strings(list)
		t.Errorf("fused multiply-adds in the arm64 build (round the product with float64(...) before it meets a sum; see internal/detmath):\n  %s", strings.Join(list, "\n  "))
	}
}

// created returns the creation time recorded in the manifest of run folder dir.
func created(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Created string }
	if err := json.Unmarshal(data, &m); err != nil || m.Created == "" {
		t.Fatalf("%s/manifest.json: no creation time (%v)", dir, err)
	}
	return m.Created
}

// listFiles lists the files under root, relative and sorted.
func listFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, path)
		files = append(files, rel)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// withoutCreated drops the creation time of a manifest (or of another JSON
// file that records one), the one field that differs between two runs.
func withoutCreated(t *testing.T, manifest []byte) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(manifest, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "created")
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
