package scenarios_test

import (
	"fmt"

	"htsim/scenarios"
)

// A policy file's {times: 0.5} resolves to the parent's distribution scaled:
// here the baseline's corruption range in the south.
func ExampleDist_Scaled() {
	d := scenarios.Dist{Kind: "uniform", Min: 0.15, Max: 0.35}
	half, ok := d.Scaled(0.5)
	fmt.Println(half, ok)
	_, ok = scenarios.Dist{Kind: "bool", Bool: true}.Scaled(2)
	fmt.Println(ok)
	// Output:
	// uniform(0.075, 0.175) true
	// false
}
