package analysis_test

import (
	"fmt"

	"htsim/analysis"
	"htsim/model"
)

// ExamplePeriodsFor lists the periods summaries and comparisons report for a
// horizon that begins and ends inside a year, with a policy from 2025: the
// years simulated whole, the horizon, and the policy's years, the last two
// labelled by their months.
func ExamplePeriodsFor() {
	for _, p := range analysis.PeriodsFor(model.MonthOf(2023, 7), model.MonthOf(2026, 3), 2025) {
		fmt.Printf("%-20s years %d-%d, a single year: %v\n", p.Label, p.From, p.To, p.Year)
	}
	// Output:
	// 2024                 years 2024-2024, a single year: true
	// 2025                 years 2025-2025, a single year: true
	// 2023-07 to 2026-03   years 2023-2026, a single year: false
	// 2025-01 to 2026-03   years 2025-2026, a single year: false
}
