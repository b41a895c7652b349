package output

import (
	"time"

	"github.com/parquet-go/parquet-go"
	"htsim/model"
)

// VictimListsRow is the part of a victims-table row that multiple systems
// estimation reads: when the spell began and the lists it is on.
type VictimListsRow struct {
	Replicate   int32 `parquet:"replicate"`
	StartMonth  int32 `parquet:"start_month,date"`
	ListPolice  bool  `parquet:"list_police"`
	ListArt128  bool  `parquet:"list_art128"`
	ListNGO     bool  `parquet:"list_ngo"`
	ListHotline bool  `parquet:"list_hotline"`
	ListIOM     bool  `parquet:"list_iom"`
	ListShelter bool  `parquet:"list_shelter"`
	ListCourt   bool  `parquet:"list_court"`
}

// Lists returns the lists the spell is on as a model.List bit set.
func (r *VictimListsRow) Lists() model.List {
	var l model.List
	for _, b := range []struct {
		on  bool
		bit model.List
	}{{r.ListPolice, model.ListPolice}, {r.ListArt128, model.ListArt128}, {r.ListNGO, model.ListNGO},
		{r.ListHotline, model.ListHotline}, {r.ListIOM, model.ListIOM}, {r.ListShelter, model.ListShelter}, {r.ListCourt, model.ListCourt}} {
		if b.on {
			l |= b.bit
		}
	}
	return l
}

// StartYear returns the calendar year of the spell's start month.
func (r *VictimListsRow) StartYear() int { return r.Start().Year() }

// Start returns the month the spell began.
func (r *VictimListsRow) Start() model.Month {
	t := time.Unix(int64(r.StartMonth)*86400, 0).UTC()
	return model.MonthOf(t.Year(), int(t.Month()))
}

// VictimScenarios lists the scenarios that have a victims table under out, sorted.
func VictimScenarios(out string) ([]string, error) { return tableScenarios(out, "victims", true) }

// EachVictimLists streams the replicate, start month and list columns of one
// scenario's victims table through fn, in file order. A file that is not a
// readable victims table gives an error, not a panic.
func EachVictimLists(out, scenario string, fn func(*VictimListsRow) error) (err error) {
	path := TablePath(out, "victims", scenario)
	f, pf, err := openParquet(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := requireColumns(pf, path, "a victims table of htsim run --victims",
		"replicate", "start_month", "list_police", "list_art128", "list_ngo", "list_hotline", "list_iom", "list_shelter", "list_court"); err != nil {
		return err
	}
	defer recoverDamaged(path, &err) // parquet-go panics when the file's columns cannot be converted
	return eachRow(parquet.NewGenericReader[VictimListsRow](pf), path, fn)
}
