package analysis

import (
	"math"
	"strings"
	"testing"

	"htsim/model"
	"htsim/sim"
)

// TestAcceptCount: Accept keeps ceil(q n) draws, the closest ones. The
// product q n is rounded in floating point (0.07 * 100 = 7.000000000000001),
// which must not take one draw more.
func TestAcceptCount(t *testing.T) {
	for _, c := range []struct {
		q    float64
		n    int
		want int
	}{{0.07, 100, 7}, {0.07, 200, 14}, {0.07, 5000, 350}, {0.05, 2000, 100}, {0.1, 30, 3}, {0.015, 100, 2}, {0.001, 10, 1}, {1, 10, 10}} {
		draws := make([]Draw, c.n)
		for i := range draws {
			draws[i].Distance = float64(c.n - i) // reversed: Accept must sort
		}
		got := Accept(draws, c.q)
		if len(got) != c.want {
			t.Errorf("Accept(q = %v) of %d draws kept %d, want %d", c.q, c.n, len(got), c.want)
			continue
		}
		if got[0].Distance != 1 || got[len(got)-1].Distance != float64(c.want) {
			t.Errorf("Accept(q = %v) of %d draws kept distances %v to %v, want 1 to %d", c.q, c.n, got[0].Distance, got[len(got)-1].Distance, c.want)
		}
	}
}

// TestReadTargetsBreakdowns: without breakdowns only the totals are read;
// with them the subgroups with a simulated counterpart too (not referral=,
// group= or sex=transgender), totals first; a breakdown that is not
// key=value is an error naming its line.
func TestReadTargetsBreakdowns(t *testing.T) {
	csv := `year,quantity,breakdown,value,source
2016,gov_identified_victims,all,110,a
2016,gov_identified_victims,form=sexual,82,a
2016,gov_identified_victims,origin=foreign,15,a
2016,ngo_assisted_victims,sex=male,110,b
2016,ngo_assisted_victims,sex=transgender,1,b
2016,ngo_assisted_victims,referral=police,55,b
2016,ngo_assisted_victims,group=men,100,b
2016,hotline_calls,form=sexual,5,c
2009,gov_identified_victims,form=sexual,9,a
`
	got, err := ReadTargets(strings.NewReader(csv), "t.csv", 2010, 2020, false)
	if err != nil || len(got) != 1 || got[0].Breakdown != "all" {
		t.Fatalf("without breakdowns: %+v, %v; want the 2016 total alone", got, err)
	}
	got, err = ReadTargets(strings.NewReader(csv), "t.csv", 2010, 2020, true)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, g := range got {
		keys = append(keys, g.Quantity+" "+g.Breakdown)
	}
	want := "gov_identified_victims all,gov_identified_victims form=sexual,gov_identified_victims origin=foreign,ngo_assisted_victims sex=male"
	if strings.Join(keys, ",") != want {
		t.Errorf("with breakdowns: %s\nwant %s", strings.Join(keys, ","), want)
	}
	for _, c := range []struct{ row, want string }{
		{"2016,gov_identified_victims,sexual,3,a", "must be all or one key=value"},
		{"2016,gov_identified_victims,Form=labour,3,a", `unknown key "Form"`},
		{"2016,gov_identified_victims, form=labour,3,a", `unknown key " form"`},
		{"2016,gov_identified_victims,form=banana,3,a", "form must be one of labour, other, sexual"},
		{"2016,gov_identified_victims,form=labour;sex=male,3,a", "form must be one of"},
		{"2016,gov_identified_victims,form=sexual,3,a", "repeats line 3"},
	} {
		for _, bd := range []bool{true, false} {
			_, err := ReadTargets(strings.NewReader(csv+c.row+"\n"), "t.csv", 2010, 2020, bd)
			if err == nil || !strings.Contains(err.Error(), "t.csv:11:") || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%q (breakdowns %v): %v, want an error naming t.csv:11 and %q", c.row, bd, err, c.want)
			}
		}
	}
}

// TestSimulatedBreakdown: a subgroup's simulated value is its measure summed
// over the cells of the subgroup, in the target's year.
func TestSimulatedBreakdown(t *testing.T) {
	counts := make(sim.Counts, 2*sim.CellsPerYear)
	var total, sexual, foreign, male int64
	for c := 0; c < sim.CellsPerYear; c++ {
		v := int64(c + 1)
		counts.At(1, c)[sim.IdentifiedOfficial] = v
		counts.At(0, c)[sim.IdentifiedOfficial] = 1000 // another year
		cell := sim.CellAt(c)
		total += v
		if cell.Form == model.Sexual {
			sexual += v
		}
		if cell.Origin == model.Foreign {
			foreign += v
		}
		if cell.Sex == model.Male {
			male += v
		}
	}
	for _, c := range []struct {
		breakdown string
		want      int64
	}{{"all", total}, {"form=sexual", sexual}, {"origin=foreign", foreign}, {"sex=male", male}} {
		got := Simulated(Target{Year: 2016, Quantity: "gov_identified_victims", Breakdown: c.breakdown}, counts, 2015)
		if got != float64(c.want) {
			t.Errorf("%s: %v, want %d", c.breakdown, got, c.want)
		}
	}
	if got := Simulated(Target{Year: 2017, Quantity: "gov_identified_victims", Breakdown: "all"}, counts, 2015); !math.IsNaN(got) {
		t.Errorf("a year not simulated: %v, want NaN", got)
	}
}
