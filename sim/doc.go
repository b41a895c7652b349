// Package sim is htsim's engine: random-number streams, the monthly scheduler
// of one replicate, and the replicate runner with its worker pool.
//
// Every random number comes from a math/rand/v2 PCG stream derived from
// (seed, replicate, purpose, keys): the arrivals of a stratum, one victim,
// one site, one case. No stream depends on the order in which goroutines run
// or on map iteration, so a replicate's result is a pure function of the
// scenario, the seed and the replicate number, whatever the number of
// workers; and replicate r of every scenario draws the same numbers for the
// same purposes (common random numbers), so scenario differences are paired.
package sim
