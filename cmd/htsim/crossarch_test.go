package main

import (
	"bytes"
	"encoding/json"
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
// the same bytes as this machine's build: a run with a policy phase and the
// victims table, and a sweep. This is what lets a reviewer on a laptop of
// either kind reproduce a cluster's results byte for byte. It rests on three
// things: portable builds (output.PortableTags), the engine's elementary
// functions from internal/detmath, and no fused multiply-add in the engine's
// arithmetic, which the test also checks in the arm64 build's machine code.
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
design: {kind: lhs, points: 3}
replicates: 2
seed: 11
horizon: {from: 2018-01, to: 2022-12}
parameters:
  police.skill: {min: 0.3, max: 0.9}
  victimisation.monthly_risk.agriculture: {min: 0.0004, max: 0.0012}
`)
	studies := [][]string{
		{"run", "-q", "--replicates", "6", "--from", "2015-01", "--to", "2026-12", "--victims", "--out", "out", "baseline", "palermo"},
		{"sweep", "-q", "--out", "out", "sweep.yaml"},
	}
	for _, args := range studies {
		folders := map[string]string{}
		for _, bin := range []struct{ name, path string }{{runtime.GOARCH, native}, {other, foreign}} {
			wd := filepath.Join(dir, args[0]+"-"+bin.name)
			if err := os.MkdirAll(wd, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(wd, "sweep.yaml"), sweep, 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin.path, args...)
			if bin.name == other {
				cmd = exec.Command(qemu, append([]string{bin.path}, args...)...)
			}
			cmd.Dir = wd
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("htsim %s (%s): %v\n%s", strings.Join(args, " "), bin.name, err, out)
			}
			folders[bin.name] = filepath.Join(wd, "out")
		}
		a, b := listFiles(t, folders[runtime.GOARCH]), listFiles(t, folders[other])
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("htsim %s: %s wrote %v, %s wrote %v", args[0], runtime.GOARCH, a, other, b)
		}
		for _, f := range a {
			x, err := os.ReadFile(filepath.Join(folders[runtime.GOARCH], f))
			if err != nil {
				t.Fatal(err)
			}
			y, err := os.ReadFile(filepath.Join(folders[other], f))
			if err != nil {
				t.Fatal(err)
			}
			if f == "manifest.json" {
				x, y = withoutCreated(t, x), withoutCreated(t, y)
			}
			if !bytes.Equal(x, y) {
				t.Errorf("htsim %s: %s differs between the %s and %s builds", args[0], f, runtime.GOARCH, other)
			}
		}
		t.Logf("htsim %s: %d files identical on %s and %s", args[0], len(a), runtime.GOARCH, other)
	}

	// The arm64 build's machine code: the compiler fuses x*y+z into one
	// instruction (one rounding instead of two) unless an explicit float64
	// conversion rounds the product. None may remain in the code that
	// computes results. Exceptions: the report's drawing, and the multiple
	// systems estimation (analysis' fitModel, fitPoisson, profile intervals),
	// which uses gonum's linear algebra and is not claimed bit-portable.
	arm := native
	if other == "arm64" {
		arm = foreign
	}
	dis, err := exec.Command("go", "tool", "objdump", arm).Output()
	if err != nil {
		t.Fatalf("go tool objdump: %v", err)
	}
	exempt := []string{"htsim/internal/report.", "htsim/analysis.fitModel", "htsim/analysis.fitPoisson",
		"htsim/analysis.profileInterval", "htsim/analysis.profileLogLik", "htsim/analysis.(*mseFit).result"}
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

// withoutCreated drops the manifest's creation time, the one field that
// differs between two runs.
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
