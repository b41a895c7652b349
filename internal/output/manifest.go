package output

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"htsim/scenarios"
)

// Manifest describes a run completely enough to rerun it: the code, the
// scenario files (with their content and hash), every resolved parameter,
// the seed, the replicates, the horizon and the command line.
type Manifest struct {
	Tool      string `json:"tool"`
	Version   string `json:"version"`
	Revision  string `json:"vcs_revision,omitempty"`
	Modified  bool   `json:"vcs_modified,omitempty"`
	GoVersion string `json:"go_version"`
	// BuildTags and PortableEncoding: see Portable.
	BuildTags        string   `json:"build_tags,omitempty"`
	PortableEncoding bool     `json:"portable_encoding"`
	Command          []string `json:"command"`
	Seed             uint64   `json:"seed"`
	Replicates       int      `json:"replicates"`
	From             string   `json:"from"`
	To               string   `json:"to"`
	Victims          bool     `json:"victims_table"`
	// Monthly: the run wrote the monthly table (run --monthly).
	Monthly   bool               `json:"monthly_table,omitempty"`
	Created   string             `json:"created"`
	Scenarios []ScenarioManifest `json:"scenarios"`
	Tables    []string           `json:"tables"`
	// YearlySHA256 records the SHA-256 of each scenario's yearly table
	// (yearly/scenario=NAME/part-00000.parquet) of a run, by scenario name, so
	// that the commands
	// reading the folder can tell a table changed or copied in from another
	// run of the same shape.
	YearlySHA256 map[string]string `json:"yearly_sha256,omitempty"`
	Note         string            `json:"note"`
	// Calibration is set in the manifest of an htsim calibrate folder.
	Calibration *Calibration `json:"calibration,omitempty"`
}

// Calibration records what an htsim calibrate folder was made from, beyond
// the scenario and seed: enough to rerun it (htsim reproduce). Its draws are
// replicates 0 to Draws-1 of the manifest's seed.
type Calibration struct {
	// Parent is the scenario the calibrated.yaml extends: a built-in name or
	// the absolute path of the scenario file.
	Parent  string       `json:"extends"`
	Data    FileManifest `json:"data"` // the targets CSV, contents included
	Params  []string     `json:"parameters"`
	Priors  []string     `json:"prior_flags"` // the --prior flags as given
	Draws   int          `json:"draws"`
	Accept  float64      `json:"accept"`
	Holdout []int        `json:"holdout"`
	// Breakdowns: the subgroups of the figures (origin, form, sex, age) were fitted too.
	Breakdowns bool     `json:"breakdowns,omitempty"`
	Files      []string `json:"files"` // what the folder holds besides the manifest
}

// ScenarioManifest is one scenario's entry in the manifest.
type ScenarioManifest struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Files       []FileManifest  `json:"files"`
	Phases      []PhaseManifest `json:"phases"`
}

// FirstDifference reports whether the parameters in force in s and o ever
// differ and the first month (YYYY-MM: a phase start of either scenario)
// from which they do, or "" when they differ from the start (in their first
// phases, as a counterfactual changed from the start does). A scenario
// differs from the one it extends from its own policy month, and two
// policies on one parent from the earlier of theirs; compare's policy period
// and the report's marker start there (the second phase of a scenario that
// extends a scenario with phases is its parent's, not its own).
func (s *ScenarioManifest) FirstDifference(o *ScenarioManifest) (string, bool) {
	var starts []string
	for _, ph := range append(append([]PhaseManifest(nil), s.Phases...), o.Phases...) {
		starts = append(starts, ph.From)
	}
	sort.Strings(starts)
	for _, m := range starts {
		if !sameParams(s.paramsAt(m), o.paramsAt(m)) {
			if m == starts[0] {
				return "", true
			}
			return m, true
		}
	}
	return "", false
}

// sameParams reports whether two phases set every parameter alike.
func sameParams(a, b []scenarios.Param) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Path != b[i].Path || !reflect.DeepEqual(a[i].Dist, b[i].Dist) {
			return false
		}
	}
	return true
}

// paramsAt returns the parameters of s in force in month m (YYYY-MM): its
// first phase's before any later phase starts, whatever month the first is
// labelled with (a scenario's own horizon start, which another's may precede).
func (s *ScenarioManifest) paramsAt(m string) []scenarios.Param {
	if len(s.Phases) == 0 {
		return nil
	}
	ps := s.Phases[0].Parameters
	for _, ph := range s.Phases[1:] {
		if ph.From <= m {
			ps = ph.Parameters
		}
	}
	return ps
}

// FileManifest records one scenario file (the scenario's own, then its parents).
type FileManifest struct {
	Name    string `json:"name"`
	Path    string `json:"path,omitempty"`
	SHA256  string `json:"sha256"`
	Content string `json:"content"`
}

// PhaseManifest lists the parameters in force from a month on.
type PhaseManifest struct {
	From       string            `json:"from"`
	Parameters []scenarios.Param `json:"parameters"`
}

// BuildInfo returns the module version, VCS revision and modified flag of the running binary.
func BuildInfo() (version, revision string, modified bool) {
	version = "(devel)"
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	if bi.Main.Version != "" {
		version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	return
}

// PortableTags are the build tags under which the Parquet encoder
// (parquet-go's purego) and the zstd compressor (klauspost/compress's noasm)
// run their Go code instead of amd64 assembly. The assembly writes different,
// equally valid, bytes; the Go code writes the same bytes on every machine,
// so that a run reproduces byte for byte on another machine or
// architecture. `make build` uses them.
const PortableTags = "purego,noasm"

// Portable returns the build tags of the running binary and whether they
// include PortableTags.
func Portable() (tags string, portable bool) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", false
	}
	for _, s := range bi.Settings {
		if s.Key == "-tags" {
			tags = s.Value
		}
	}
	have := map[string]bool{}
	for _, t := range strings.Split(tags, ",") {
		have[t] = true
	}
	for _, t := range strings.Split(PortableTags, ",") {
		if !have[t] {
			return tags, false
		}
	}
	return tags, true
}

// NewManifest fills the code and scenario parts of a manifest.
func NewManifest(args []string, scs []*scenarios.Scenario) *Manifest {
	m := &Manifest{Tool: "htsim", GoVersion: runtime.Version(), Command: args, Created: time.Now().UTC().Format(time.RFC3339),
		Note: "Rerun with the same code revision, scenario files, seed, replicates and horizon to reproduce the Parquet files byte for byte; the number of workers does not matter. A binary built with portable_encoding (make build) writes the same bytes on every machine and architecture; without it, the same values, but possibly other bytes."}
	m.Version, m.Revision, m.Modified = BuildInfo()
	m.BuildTags, m.PortableEncoding = Portable()
	for _, sc := range scs {
		sm := ScenarioManifest{Name: sc.Name, Description: sc.Description}
		for i := len(sc.Files) - 1; i >= 0; i-- {
			f := sc.Files[i]
			sm.Files = append(sm.Files, FileManifest{Name: f.Display, Path: f.Path, SHA256: f.SHA256, Content: string(f.Bytes)})
		}
		for i, ph := range sc.Phases {
			from := sc.From.String()
			if i > 0 {
				from = ph.From.String()
			}
			pm := PhaseManifest{From: from}
			for _, p := range ph.Params {
				pm.Parameters = append(pm.Parameters, *p)
			}
			sm.Phases = append(sm.Phases, pm)
		}
		m.Scenarios = append(m.Scenarios, sm)
	}
	return m
}

// Write stores the manifest as OUT/manifest.json, atomically.
func (m *Manifest) Write(out string) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(out, "manifest.json"), append(data, '\n'))
}
