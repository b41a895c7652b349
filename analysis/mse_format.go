package analysis

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
)

// MSERecord is the machine-readable (JSON) form of an MSEResult. Upper is
// null when the interval has no upper end.
type MSERecord struct {
	Lists           []string         `json:"lists"`
	Model           string           `json:"model"`
	Selection       string           `json:"selection,omitempty"`
	Estimate        float64          `json:"estimate"`
	Lower           float64          `json:"lower"`
	Upper           *float64         `json:"upper"`
	Observed        int64            `json:"observed"`
	Unobserved      float64          `json:"unobserved"`
	UnobservedLower float64          `json:"unobserved_lower"`
	UnobservedUpper *float64         `json:"unobserved_upper"`
	SE              float64          `json:"se"`
	Interval        string           `json:"interval"`
	LogLik          float64          `json:"loglik"`
	Deviance        float64          `json:"deviance"`
	DF              int              `json:"df"`
	AIC             float64          `json:"aic"`
	BIC             float64          `json:"bic"`
	Coefficients    []MSECoefficient `json:"coefficients"`
	Refused         []string         `json:"refused,omitempty"`
}

// Record returns the result in its JSON form.
func (r *MSEResult) Record() MSERecord {
	rec := MSERecord{Lists: r.Lists, Model: r.Model, Selection: r.Selection, Estimate: r.Estimate, Lower: r.Lower,
		Observed: r.Observed, Unobserved: r.Unobserved, UnobservedLower: r.Lower - float64(r.Observed), SE: r.SE,
		Interval: r.Interval, LogLik: r.LogLik, Deviance: r.Deviance, DF: r.DF, AIC: r.AIC, BIC: r.BIC,
		Coefficients: r.Coefficients, Refused: r.Refused()}
	if !math.IsInf(r.Upper, 1) {
		u, uu := r.Upper, r.Upper-float64(r.Observed)
		rec.Upper, rec.UnobservedUpper = &u, &uu
	}
	return rec
}

// Refused lists the interactions stepwise selection could not fit, with the reason.
func (r *MSEResult) Refused() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range r.Steps {
		if s.Refused == "" {
			continue
		}
		// The interaction is the candidate's last term.
		term := s.Model[strings.LastIndex(s.Model, "+")+1:]
		if !seen[term] {
			seen[term] = true
			out = append(out, term+": "+s.Reason())
		}
	}
	return out
}

// Reason is why the step was refused, without the model name the message may start with.
func (s MSEStep) Reason() string {
	reason := strings.TrimPrefix(s.Refused, "model "+s.Model+" ")
	return strings.TrimPrefix(reason, "model "+s.Model+": ")
}

// MSENum formats a count estimate: whole numbers from 100 up, one decimal below.
func MSENum(x float64) string {
	switch {
	case math.IsInf(x, 1):
		return "inf"
	case math.Abs(x) >= 100:
		return fmt.Sprintf("%.0f", x)
	default:
		return fmt.Sprintf("%.1f", x)
	}
}

// WriteMSEText prints a result for people: the model, the estimated total
// with its interval, the unobserved and observed counts, the fit and the
// coefficients, and the interactions selection had to refuse.
func WriteMSEText(w io.Writer, r *MSEResult) error {
	how := "given"
	if r.Selection != "" {
		fitted := 0
		for _, s := range r.Steps {
			if s.Refused == "" {
				fitted++
			}
		}
		how = fmt.Sprintf("stepwise by %s, %d models fitted", strings.ToUpper(r.Selection), fitted)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "lists:\t%s\n", strings.Join(r.Lists, ", "))
	fmt.Fprintf(tw, "model:\t%s (%s)\n", r.Model, how)
	fmt.Fprintf(tw, "estimated total:\t%s [%s, %s] (s.e. %s)\n", MSENum(r.Estimate), MSENum(r.Lower), MSENum(r.Upper), MSENum(r.SE))
	fmt.Fprintf(tw, "unobserved:\t%s [%s, %s]\n", MSENum(r.Unobserved), MSENum(r.Lower-float64(r.Observed)), MSENum(r.Upper-float64(r.Observed)))
	fmt.Fprintf(tw, "observed:\t%d\n", r.Observed)
	interval := r.Interval
	if r.Selection != "" {
		// The interval is the chosen model's, as if it had been given: it
		// leaves out the uncertainty of the choice (docs/mse.md: stepwise AIC
		// covered the truth in 0.911 of 4,000 trials, BIC in 0.944).
		interval += "; conditional on the model selected, so it understates the uncertainty of the selection"
	}
	fmt.Fprintf(tw, "interval:\t%s\n", interval)
	fmt.Fprintf(tw, "fit:\tdeviance %.2f on %d df, AIC %.2f, BIC %.2f\n", r.Deviance, r.DF, r.AIC, r.BIC)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "coefficient\testimate\ts.e.\t\n")
	for _, c := range r.Coefficients {
		fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t\n", c.Name, c.Estimate, c.SE)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if ref := r.Refused(); len(ref) > 0 {
		fmt.Fprintln(w, "\nrefused during selection:")
		for _, s := range ref {
			fmt.Fprintf(w, "  %s\n", s)
		}
	}
	return nil
}
