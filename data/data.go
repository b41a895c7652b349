// Package data embeds the project's data files, so that the htsim binary can
// use them from any folder.
package data

import _ "embed"

// OfficialCSV is data/official.csv: the official and NGO series (year,
// quantity, breakdown, value, source) that calibration fits.
//
//go:embed official.csv
var OfficialCSV []byte
