package report

import (
	"fmt"
	"math"
	"strconv"

	"htsim/analysis"
	"htsim/internal/output"
	"htsim/sim"
)

// Table is one HTML table of the report. Data tables (Class "data") hold
// values read from the output files; every number in them is a Part with
// the Src of its row and the Field (column) it shows.
type Table struct {
	ID      string
	Class   string // "data" or "meta"
	Caption string
	Head    []string
	Rows    []Row
}

// Row is a table row.
type Row struct {
	Cells []Cell
	Group bool // first row of a group (a rule above it)
}

// Cell is a table cell: a sequence of parts. Num cells are right-aligned;
// Head cells are row headers.
type Cell struct {
	Parts   []Part
	Num     bool
	Head    bool
	RowSpan int
}

// Part is a piece of a cell's text. When Src is set, Text is the value of
// column Field of row Src multiplied by Scale (1 when 0), formatted.
type Part struct {
	Text  string
	Src   string
	Field string
	Scale float64
	Small bool // shown smaller (intervals)
}

func txt(s string) Cell { return Cell{Parts: []Part{{Text: s}}} }

func head(s string) Cell { return Cell{Parts: []Part{{Text: s}}, Head: true} }

func val(src, field, text string) Part { return Part{Text: text, Src: src, Field: field} }

func pctVal(src, field, text string) Part {
	return Part{Text: text, Src: src, Field: field, Scale: 100}
}

// countCell is "mean" with "[p05, p95]" below, from a summary row.
func summaryCountCell(s analysis.Summary) Cell {
	k := SummaryKey(s)
	return Cell{Num: true, Parts: []Part{val(k, "mean", Count(s.Mean)), {Text: " [", Small: true},
		{Text: Count(s.P05), Src: k, Field: "p05", Small: true}, {Text: ", ", Small: true},
		{Text: Count(s.P95), Src: k, Field: "p95", Small: true}, {Text: "]", Small: true}}}
}

// rateDecimals is the decimals of a recording rate in percent.
const rateDecimals = 3

func summaryRateCell(s analysis.Summary) Cell {
	k := SummaryKey(s)
	if math.IsNaN(s.Rate.Mean) {
		return Cell{Num: true, Parts: []Part{{Text: "n/a"}}}
	}
	return Cell{Num: true, Parts: []Part{pctVal(k, "rate_mean", Percent(s.Rate.Mean, rateDecimals)), {Text: " [", Small: true},
		{Text: Percent(s.Rate.Lo, rateDecimals), Src: k, Field: "rate_p05", Scale: 100, Small: true}, {Text: ", ", Small: true},
		{Text: Percent(s.Rate.Hi, rateDecimals), Src: k, Field: "rate_p95", Scale: 100, Small: true}, {Text: "]", Small: true}}}
}

// KeyResultMeasures are the columns of the key results table; the recording
// rate (identified / true new) comes after identified_official.
var KeyResultMeasures = []sim.Measure{sim.TrueNewVictims, sim.IdentifiedOfficial, sim.RegisteredArt128, sim.ToCourt, sim.Convicted}

// summaryIndex indexes summary rows by scenario, period label and measure.
type summaryIndex map[string]map[string]map[sim.Measure]analysis.Summary

func indexSummary(ss []analysis.Summary) summaryIndex {
	ix := summaryIndex{}
	for _, s := range ss {
		if ix[s.Scenario] == nil {
			ix[s.Scenario] = map[string]map[sim.Measure]analysis.Summary{}
		}
		if ix[s.Scenario][s.Period.Label] == nil {
			ix[s.Scenario][s.Period.Label] = map[sim.Measure]analysis.Summary{}
		}
		ix[s.Scenario][s.Period.Label][s.Measure] = s
	}
	return ix
}

// KeyResultsTable shows, for each scenario over the whole horizon, the true
// new victims, the victims identified, the recording rate and the later
// stages: mean [5%, 95%] across replicates, from summary.parquet.
func KeyResultsTable(ss []analysis.Summary, scenarios []string) (*Table, error) {
	period, ok := HorizonPeriod(ss)
	if !ok {
		return nil, fmt.Errorf("summary.parquet has no horizon rows")
	}
	ix := indexSummary(ss)
	t := &Table{ID: "key-results", Class: "data",
		Caption: fmt.Sprintf("Victims over %s by scenario: mean [5%%, 95%%] across replicates. Recorded / true: identified (official) / true new victims of each replicate, in %%.", period.Label),
		Head:    []string{"scenario", "replicates"}}
	for _, m := range KeyResultMeasures {
		t.Head = append(t.Head, MeasureLabel(m.String()))
		if m == sim.IdentifiedOfficial {
			t.Head = append(t.Head, "recorded / true %")
		}
	}
	for _, scen := range scenarios {
		at := ix[scen][period.Label]
		if at == nil {
			continue
		}
		first := at[sim.TrueNewVictims]
		r := Row{Cells: []Cell{head(scen), {Num: true, Parts: []Part{val(SummaryKey(first), "replicates", strconv.Itoa(first.Replicates))}}}}
		for _, m := range KeyResultMeasures {
			s, ok := at[m]
			if !ok {
				return nil, fmt.Errorf("summary.parquet has no row %s, %s, %s", scen, period.Label, m)
			}
			r.Cells = append(r.Cells, summaryCountCell(s))
			if m == sim.IdentifiedOfficial {
				r.Cells = append(r.Cells, summaryRateCell(s))
			}
		}
		t.Rows = append(t.Rows, r)
	}
	return t, nil
}

// SummaryTables are, per scenario, the key measures (analysis.SummaryTableMeasures)
// for the last year and the whole horizon, as htsim summarize prints them:
// mean, median, quantiles and the recording rate.
func SummaryTables(ss []analysis.Summary, scenarios []string) ([]*Table, error) {
	ix := indexSummary(ss)
	var out []*Table
	for _, scen := range scenarios {
		var rows []analysis.Summary
		for _, s := range ss {
			if s.Scenario == scen {
				rows = append(rows, s)
			}
		}
		if len(rows) == 0 {
			continue
		}
		var periods []string
		lastYear, lastTo := "", math.MinInt
		for _, s := range rows {
			if s.Period.Year && s.Period.To > lastTo {
				lastYear, lastTo = s.Period.Label, s.Period.To
			}
		}
		if lastYear != "" {
			periods = append(periods, lastYear)
		}
		if hp, ok := HorizonPeriod(rows); ok {
			periods = append(periods, hp.Label)
		}
		t := &Table{ID: "summary-" + scen, Class: "data",
			Caption: fmt.Sprintf("%s: key measures across %d replicates, the last year and the whole horizon (recorded / true: the measure / true new victims of each replicate, in %%).", scen, rows[0].Replicates),
			Head:    []string{"period", "measure", "mean", "median", "5%", "25%", "75%", "95%", "recorded / true % [5%, 95%]"}}
		for _, p := range periods {
			for i, m := range analysis.SummaryTableMeasures {
				s, ok := ix[scen][p][m]
				if !ok {
					continue
				}
				k := SummaryKey(s)
				num := func(field string, x float64) Cell { return Cell{Num: true, Parts: []Part{val(k, field, Count(x))}} }
				r := Row{Group: i == 0}
				if i == 0 {
					r.Cells = append(r.Cells, Cell{Parts: []Part{{Text: p}}, Head: true, RowSpan: len(analysis.SummaryTableMeasures)})
				}
				r.Cells = append(r.Cells, txt(m.String()), num("mean", s.Mean), num("median", s.Median), num("p05", s.P05),
					num("p25", s.P25), num("p75", s.P75), num("p95", s.P95))
				if m == sim.TrueNewVictims || m == sim.TrueVictimsStock {
					r.Cells = append(r.Cells, Cell{Num: true})
				} else {
					r.Cells = append(r.Cells, summaryRateCell(s))
				}
				t.Rows = append(t.Rows, r)
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// CompareTable shows, for each scenario compared, the measures given over
// its effect period (EffectPeriod) and the recording rate: both means, the
// paired difference with its 5% and 95% quantiles, and the relative change,
// from compare.parquet.
func CompareTable(rows []output.CompareRow, measures []sim.Measure, id, caption string) *Table {
	t := &Table{ID: id, Class: "data", Caption: caption,
		Head: []string{"scenario", "period", "measure", "mean, against", "mean, scenario", "difference [5%, 95%]", "relative change %"}}
	order, byScen := analysis.GroupBy(rows, func(r output.CompareRow) string { return r.Scenario })
	for _, scen := range order {
		period, ok := EffectPeriod(byScen[scen])
		if !ok {
			continue
		}
		at := map[string]output.CompareRow{}
		for _, r := range byScen[scen] {
			if r.Period == period {
				at[r.Measure] = r
			}
		}
		var lines []Row
		for _, m := range measures {
			r, ok := at[m.String()]
			if !ok {
				continue
			}
			k := CompareKey(r)
			rel := Cell{Num: true, Parts: []Part{{Text: "n/a"}}}
			if r.RelChange != nil {
				rel = Cell{Num: true, Parts: []Part{pctVal(k, "rel_change", SignedPercent(*r.RelChange, 1))}}
			}
			lines = append(lines, Row{Cells: []Cell{txt(MeasureLabel(r.Measure)),
				{Num: true, Parts: []Part{val(k, "mean_against", Count(r.MeanAgainst))}},
				{Num: true, Parts: []Part{val(k, "mean_scenario", Count(r.MeanScenario))}},
				{Num: true, Parts: []Part{val(k, "diff_mean", Signed(r.DiffMean)), {Text: " [", Small: true},
					{Text: Signed(r.DiffP05), Src: k, Field: "diff_p05", Small: true}, {Text: ", ", Small: true},
					{Text: Signed(r.DiffP95), Src: k, Field: "diff_p95", Small: true}, {Text: "]", Small: true}}},
				rel}})
		}
		if r, ok := at[sim.IdentifiedOfficial.String()]; ok {
			k := CompareKey(r)
			rel := Cell{Num: true} // compare.parquet has no relative change of the rate
			lines = append(lines, Row{Cells: []Cell{txt("recording rate % (identified / true new)"),
				{Num: true, Parts: []Part{pctVal(k, "rate_against", Percent(r.RateAgainst, rateDecimals))}},
				{Num: true, Parts: []Part{pctVal(k, "rate_scenario", Percent(r.RateScenario, rateDecimals))}},
				{Num: true, Parts: []Part{pctVal(k, "rate_diff_mean", SignedPercent(r.RateDiffMean, rateDecimals)), {Text: " [", Small: true},
					{Text: SignedPercent(r.RateDiffP05, rateDecimals), Src: k, Field: "rate_diff_p05", Scale: 100, Small: true}, {Text: ", ", Small: true},
					{Text: SignedPercent(r.RateDiffP95, rateDecimals), Src: k, Field: "rate_diff_p95", Scale: 100, Small: true}, {Text: "]", Small: true}}},
				rel}})
		}
		if len(lines) == 0 {
			continue
		}
		lines[0].Group = true
		lines[0].Cells = append([]Cell{{Parts: []Part{{Text: scen}}, Head: true, RowSpan: len(lines)},
			{Parts: []Part{{Text: period}}, RowSpan: len(lines)}}, lines[0].Cells...)
		t.Rows = append(t.Rows, lines...)
	}
	return t
}

// HypothesesTable shows each hypothesis's experiment: the outcome, its mean
// in the baseline, the effect of the counterfactual with its interval, the
// direction predicted, the verdict and the study's verdict, from hypotheses.json.
func HypothesesTable(h *HypothesesFile) *Table {
	t := &Table{ID: "hypotheses", Class: "data",
		Caption: fmt.Sprintf("The KZ study's hypotheses as paired counterfactual experiments, outcomes over %s, %d paired replicates (seed %d). "+
			"Effect: relative change of the outcome when the mechanism is switched off (or strengthened), in %%: mean (90%% confidence interval of the mean, on which the verdict rests) [5%%, 95%% across replicates].",
			h.Period, h.Replicates, h.Seed),
		Head: []string{"#", "hypothesis", "outcome", "baseline", "effect of the counterfactual %", "predicted", "verdict (simulation)", "study's verdict"}}
	for _, r := range h.Hypotheses {
		k := HypothesisKey(r)
		base := Cell{Num: true, Parts: []Part{val(k, "baseline", Count(r.Baseline))}}
		if r.OutcomeIsRate {
			base = Cell{Num: true, Parts: []Part{pctVal(k, "baseline", Percent(r.Baseline, rateDecimals)), {Text: "%"}}}
		}
		t.Rows = append(t.Rows, Row{Cells: []Cell{head("H" + strconv.Itoa(r.Number)), txt(r.Statement), txt(r.Outcome), base,
			{Num: true, Parts: []Part{pctVal(k, "effect_mean", SignedPercent(r.EffectMean, 1)), {Text: " (", Small: true},
				{Text: SignedPercent(r.MeanCILo, 1), Src: k, Field: "mean_ci_lo", Scale: 100, Small: true}, {Text: " to ", Small: true},
				{Text: SignedPercent(r.MeanCIHi, 1), Src: k, Field: "mean_ci_hi", Scale: 100, Small: true}, {Text: ") [", Small: true},
				{Text: SignedPercent(r.EffectP05, 1), Src: k, Field: "effect_p05", Scale: 100, Small: true}, {Text: ", ", Small: true},
				{Text: SignedPercent(r.EffectP95, 1), Src: k, Field: "effect_p95", Scale: 100, Small: true}, {Text: "]", Small: true}}},
			txt(r.Predicted), {Parts: []Part{{Text: r.Verdict}}}, txt(r.StudyVerdict)}})
	}
	return t
}

// SobolDecimals is the decimals of Sobol indices.
const SobolDecimals = 3

// SobolTable lists the Sobol indices of sensitivity.parquet with their intervals.
func SobolTable(rows []output.SensitivityRow) *Table {
	t := &Table{ID: "sobol", Class: "data", Caption: "Sobol indices from a Saltelli sweep: first order S1 and total ST with bootstrap intervals, from sensitivity.parquet.",
		Head: []string{"scenario", "output", "period", "parameter", "range", "S1 [interval]", "ST [interval]", "level", "base rows x replicates"}}
	prev := ""
	for _, r := range rows {
		k := SensitivityKey(r)
		iv := func(v, lo, hi float64, f string) Cell {
			return Cell{Num: true, Parts: []Part{val(k, f, Fixed(v, SobolDecimals)), {Text: " [", Small: true},
				{Text: Fixed(lo, SobolDecimals), Src: k, Field: f + "_lo", Small: true}, {Text: ", ", Small: true},
				{Text: Fixed(hi, SobolDecimals), Src: k, Field: f + "_hi", Small: true}, {Text: "]", Small: true}}}
		}
		group := r.Scenario + "|" + r.Output + "|" + r.Period
		t.Rows = append(t.Rows, Row{Group: group != prev, Cells: []Cell{head(r.Scenario), txt(r.Output), txt(r.Period), txt(r.Parameter),
			{Parts: []Part{val(k, "min", strconv.FormatFloat(r.Min, 'g', -1, 64)), {Text: " to "}, val(k, "max", strconv.FormatFloat(r.Max, 'g', -1, 64))}},
			iv(r.S1, r.S1Lo, r.S1Hi, "s1"), iv(r.ST, r.STLo, r.STHi, "st"),
			{Num: true, Parts: []Part{pctVal(k, "level", Fixed(100*r.Level, 0)), {Text: "%"}}},
			{Num: true, Parts: []Part{val(k, "base_rows", strconv.Itoa(int(r.BaseRows))), {Text: " x "}, val(k, "replicates", strconv.Itoa(int(r.Replicates)))}}}})
		prev = group
	}
	return t
}
