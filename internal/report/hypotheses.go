package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"htsim/internal/output"
)

// HypothesesName is the file htsim hypotheses --out DIR writes in DIR.
const HypothesesName = "hypotheses.json"

// HypothesesFile is the content of DIR/hypotheses.json: the settings of one
// htsim hypotheses experiment and its result for each hypothesis.
type HypothesesFile struct {
	Tool        string             `json:"tool"`
	Version     string             `json:"version"`
	Revision    string             `json:"vcs_revision,omitempty"`
	Modified    bool               `json:"vcs_modified,omitempty"`
	GoVersion   string             `json:"go_version"`
	Command     []string           `json:"command"`
	Created     string             `json:"created"`
	Seed        uint64             `json:"seed"`
	Replicates  int                `json:"replicates"`
	From        string             `json:"from"`
	To          string             `json:"to"`
	Period      string             `json:"period"`
	Threshold   float64            `json:"threshold"`
	VerdictRule string             `json:"verdict_rule"`
	Hypotheses  []HypothesisRecord `json:"hypotheses"`
}

// HypothesisRecord is one hypothesis's result: the fields of htsim hypotheses
// --format json, and whether the outcome is a rate (then Baseline is a
// fraction, shown in percent).
type HypothesisRecord struct {
	Number        int     `json:"number"`
	Statement     string  `json:"statement"`
	Scenario      string  `json:"scenario"`
	Outcome       string  `json:"outcome"`
	OutcomeIsRate bool    `json:"outcome_is_rate"`
	Baseline      float64 `json:"baseline"`
	EffectMean    float64 `json:"effect_mean"`
	MeanCILo      float64 `json:"mean_ci_lo"` // 90% confidence interval of the mean: the verdict's basis
	MeanCIHi      float64 `json:"mean_ci_hi"`
	EffectP05     float64 `json:"effect_p05"`
	EffectP95     float64 `json:"effect_p95"`
	Predicted     string  `json:"predicted"`
	Verdict       string  `json:"verdict"`
	StudyVerdict  string  `json:"study_verdict"`
	Replicates    int     `json:"replicates"`
	Period        string  `json:"period"`
}

// WriteHypotheses writes DIR/hypotheses.json atomically (creating DIR). Unless
// replace, an existing one is kept and the error matches fs.ErrExist.
func WriteHypotheses(dir string, f *HypothesesFile, replace bool) error {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if !replace {
		return output.WriteFileAtomicNew(filepath.Join(dir, HypothesesName), append(data, '\n'))
	}
	return output.WriteFileAtomic(filepath.Join(dir, HypothesesName), append(data, '\n'))
}

// ReadHypotheses reads a hypotheses.json file.
func ReadHypotheses(path string) (*HypothesesFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f HypothesesFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%s is not a valid hypotheses file: %v", path, err)
	}
	if len(f.Hypotheses) == 0 {
		return nil, fmt.Errorf("%s holds no hypotheses", path)
	}
	return &f, nil
}
