// Package model holds htsim's domain: the people at risk, victims, exploitation
// sites, police units, shelters and criminal cases, the typed parameters that
// describe them, and the rules (pure functions of state and parameters) that
// decide each step of a victim's path from exploitation to a recorded case.
//
// The package has no dependencies beyond the standard library and no
// randomness: rules return probabilities or hazards, and the engine in
// package sim draws the events. A policy changes a rule's inputs (the law in
// force, capacities, eligibility), never a magic number inside the engine.
package model
