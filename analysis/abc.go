package analysis

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"htsim/internal/detmath"
	"htsim/sim"
)

// Target is one observed figure a calibration fits: a quantity in a year,
// for everyone or for one subgroup.
type Target struct {
	Year      int
	Quantity  string // as in data/official.csv, e.g. gov_identified_victims
	Breakdown string // "all", or one subgroup of the simulated cells: origin=, form=, sex= or age= (BreakdownMatches)
	Value     float64
	Source    string
	Holdout   bool // kept out of the fit, reported separately
}

// BreakdownMatches reports whether a simulated cell belongs to the subgroup
// a breakdown of data/official.csv names ("all", or key=value with key
// origin, form, sex or age and value a name of the yearly table's column
// of that name), and whether the breakdown has a simulated counterpart at
// all (referral=..., group=... and sex=transgender have none).
func BreakdownMatches(breakdown string, c sim.Cell) (match, known bool) {
	if breakdown == "all" {
		return true, true
	}
	key, value, _ := strings.Cut(breakdown, "=")
	var name string
	switch key {
	case "origin":
		name = c.Origin.String()
	case "form":
		name = c.Form.String()
	case "sex":
		name = c.Sex.String()
	case "age":
		name = c.Age.String()
	default:
		return false, false
	}
	if !breakdownValues[key][value] {
		return false, false
	}
	return name == value, true
}

// checkBreakdown checks a breakdown of data/official.csv: "all", or one
// key=value subgroup whose key is a cell attribute (origin, form, sex, age;
// the value one of its names, or sex=transgender, which no cell holds) or
// one the simulation has no counterpart for (referral, group: data/README.md).
// A typing slip (Form=labour, form=banana) would otherwise drop a figure
// from a fit without a word.
func checkBreakdown(b string) error {
	if b == "all" {
		return nil
	}
	key, value, ok := strings.Cut(b, "=")
	switch {
	case !ok || value == "":
		return fmt.Errorf("breakdown %q must be all or one key=value subgroup (e.g. form=sexual)", b)
	case key == "referral" || key == "group" || key == "sex" && value == "transgender":
		return nil
	case breakdownValues[key] == nil:
		return fmt.Errorf("breakdown %q: unknown key %q; known: origin, form, sex, age (fitted with --breakdowns), referral, group", b, key)
	case !breakdownValues[key][value]:
		names := make([]string, 0, len(breakdownValues[key]))
		for n := range breakdownValues[key] {
			names = append(names, n)
		}
		sort.Strings(names)
		return fmt.Errorf("breakdown %q: %s must be one of %s", b, key, strings.Join(names, ", "))
	}
	return nil
}

// breakdownValues are the names each breakdown key can take in the cells.
var breakdownValues = func() map[string]map[string]bool {
	m := map[string]map[string]bool{"origin": {}, "form": {}, "sex": {}, "age": {}}
	for i := 0; i < sim.CellsPerYear; i++ {
		c := sim.CellAt(i)
		m["origin"][c.Origin.String()] = true
		m["form"][c.Form.String()] = true
		m["sex"][c.Sex.String()] = true
		m["age"][c.Age.String()] = true
	}
	return m
}()

// QuantityMeasures maps the quantities of data/official.csv (breakdown "all")
// to the simulated measures they are compared with (summed over cells).
// Walk Free's stock estimate is compared with the victims in exploitation at
// the end of the year. A trafficker convicted is an offender convicted; a
// prosecution initiated (a case) is a case sent to court.
//
// Quantities without a counterpart are skipped by ReadTargets: persons_prosecuted
// (defendants) has none, because the simulation counts offenders only when
// they are convicted (offenders_convicted) and counts cases and victims, not
// defendants, at the transfer to court; the broader "trafficking-related"
// counts (cases_initiated_trafficking_related,
// offences_registered_trafficking_related) also cover brothel, pimping and
// organ offences the model does not simulate; hotline_calls counts calls, not
// victims; see data/README.md.
var QuantityMeasures = map[string]sim.Measure{
	"gov_identified_victims":          sim.IdentifiedOfficial,
	"ngo_assisted_victims":            sim.NGOAssisted,
	"cases_investigated":              sim.CasesRegisteredArt128,
	"cases_registered_art128":         sim.CasesRegisteredArt128,
	"victims_in_modern_slavery_stock": sim.TrueVictimsStock,
	"traffickers_convicted":           sim.OffendersConvicted,
	"prosecutions_initiated":          sim.CasesToCourt,
}

// ReadTargets reads data/official.csv (columns year, quantity, breakdown,
// value, source) and keeps the rows whose quantity has a simulated
// counterpart and whose year lies in [from, to]: with breakdown "all", and
// with breakdowns also the subgroups that have a simulated counterpart
// (BreakdownMatches). A breakdown checkBreakdown refuses, or a row that
// repeats the year, quantity and breakdown of another, is an error naming
// its line.
func ReadTargets(r io.Reader, name string, from, to int, breakdowns bool) ([]Target, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != "year,quantity,breakdown,value,source" {
		return nil, fmt.Errorf("%s:1: the header must be year,quantity,breakdown,value,source", name)
	}
	var out []Target
	seen := map[string]int{} // year, quantity and breakdown: the line
	for i, row := range rows[1:] {
		line := i + 2
		if len(row) != 5 {
			return nil, fmt.Errorf("%s:%d: %d fields, want 5", name, line, len(row))
		}
		year, err1 := strconv.Atoi(row[0])
		value, err2 := strconv.ParseFloat(row[3], 64)
		if err1 != nil || err2 != nil || value < 0 || math.IsNaN(value) || math.IsInf(value, 0) {
			return nil, fmt.Errorf("%s:%d: year and value must be numbers (value >= 0)", name, line)
		}
		if err := checkBreakdown(row[2]); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		key := row[0] + "," + row[1] + "," + row[2]
		if prev, dup := seen[key]; dup {
			return nil, fmt.Errorf("%s:%d: %s %s %s repeats line %d", name, line, row[0], row[1], row[2], prev)
		}
		seen[key] = line
		if year < from || year > to || row[2] != "all" && !breakdowns {
			continue
		}
		if _, known := BreakdownMatches(row[2], sim.Cell{}); !known {
			continue
		}
		if _, ok := QuantityMeasures[row[1]]; !ok {
			continue
		}
		out = append(out, Target{Year: year, Quantity: row[1], Breakdown: row[2], Value: value, Source: row[4]})
	}
	// Totals first, then the subgroups, each by quantity and year: without
	// breakdowns the order is the one calibrations had before they existed.
	sort.SliceStable(out, func(i, j int) bool {
		if ai, aj := out[i].Breakdown == "all", out[j].Breakdown == "all"; ai != aj {
			return ai
		}
		if out[i].Quantity != out[j].Quantity {
			return out[i].Quantity < out[j].Quantity
		}
		if out[i].Breakdown != out[j].Breakdown {
			return out[i].Breakdown < out[j].Breakdown
		}
		return out[i].Year < out[j].Year
	})
	return out, nil
}

// Simulated returns the simulated value of a target from one replicate's
// counts (whose first year is firstYear): its measure summed over the cells
// of its subgroup in its year, or NaN if the year was not simulated.
func Simulated(t Target, counts sim.Counts, firstYear int) float64 {
	y := t.Year - firstYear
	if y < 0 || y >= len(counts)/sim.CellsPerYear {
		return math.NaN()
	}
	m := QuantityMeasures[t.Quantity]
	var sum int64
	for c := 0; c < sim.CellsPerYear; c++ {
		if match, _ := BreakdownMatches(t.Breakdown, sim.CellAt(c)); match {
			sum += counts.At(y, c)[m]
		}
	}
	return float64(sum)
}

// Distance is the calibration's distance between simulated and observed
// figures: the root mean square of log((sim+1)/(obs+1)) over the fitted
// (not held-out) targets. Logs put a stock of 75,000 and 40 identified
// victims on one scale; +1 keeps zeros finite.
func Distance(targets []Target, sims []float64) float64 {
	s, n := 0.0, 0
	for i, t := range targets {
		if t.Holdout {
			continue
		}
		d := detmath.Log((sims[i] + 1) / (t.Value + 1))
		s += float64(d * d) // rounded, never fused: the same on every machine (internal/detmath)
		n++
	}
	if n == 0 {
		return math.NaN()
	}
	return math.Sqrt(s / float64(n))
}

// Draw is one prior draw of a rejection-ABC calibration and its simulation.
type Draw struct {
	Params   []float64 // in the order of the calibrated parameters
	Sims     []float64 // simulated value of each target
	Distance float64
}

// Accept keeps the fraction q of draws closest to the data (rejection ABC with
// a quantile threshold), sorted by distance. It keeps at least one draw.
func Accept(draws []Draw, q float64) []Draw {
	s := append([]Draw(nil), draws...)
	sort.SliceStable(s, func(i, j int) bool { return s[i].Distance < s[j].Distance })
	// The 1e-9 keeps a product such as 0.07 * 100 = 7.000000000000001
	// from accepting one draw too many.
	n := int(math.Ceil(float64(q*float64(len(s))) - 1e-9)) // rounded, never fused (internal/detmath)
	if n < 1 {
		n = 1
	}
	if n > len(s) {
		n = len(s)
	}
	return s[:n]
}

// Posterior summarises the accepted values of one parameter.
type Posterior struct {
	Path                string
	PriorLo, PriorHi    float64
	Mean, P05, P50, P95 float64
	P025, P975          float64
}

// Summarise returns the posterior summary of parameter k over accepted draws.
func Summarise(path string, k int, priorLo, priorHi float64, accepted []Draw) Posterior {
	xs := make([]float64, len(accepted))
	for i, d := range accepted {
		xs[i] = d.Params[k]
	}
	sort.Float64s(xs)
	q := func(p float64) float64 { return quantileSorted(xs, p) }
	mean := 0.0
	for _, x := range xs {
		mean += x / float64(len(xs))
	}
	return Posterior{Path: path, PriorLo: priorLo, PriorHi: priorHi, Mean: mean, P05: q(0.05), P50: q(0.5), P95: q(0.95), P025: q(0.025), P975: q(0.975)}
}

// quantileSorted is the linear-interpolation quantile (type 7) of sorted xs.
func quantileSorted(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	h := float64(p * float64(len(xs)-1))
	lo := int(math.Floor(h))
	hi := int(math.Ceil(h))
	return xs[lo] + float64((h-float64(lo))*(xs[hi]-xs[lo])) // rounded, never fused (internal/detmath)
}

// FitRow compares one target with the accepted draws' simulations.
type FitRow struct {
	Target
	SimMedian, SimP05, SimP95 float64
	Covered                   bool // the observed value lies in [SimP05, SimP95]
}

// Fit returns, per target, the median and 90% range of the accepted draws' simulations.
func Fit(targets []Target, accepted []Draw) []FitRow {
	out := make([]FitRow, len(targets))
	for i, t := range targets {
		xs := make([]float64, len(accepted))
		for j, d := range accepted {
			xs[j] = d.Sims[i]
		}
		sort.Float64s(xs)
		r := FitRow{Target: t, SimMedian: quantileSorted(xs, 0.5), SimP05: quantileSorted(xs, 0.05), SimP95: quantileSorted(xs, 0.95)}
		r.Covered = t.Value >= r.SimP05 && t.Value <= r.SimP95
		out[i] = r
	}
	return out
}
