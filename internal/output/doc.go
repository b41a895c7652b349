// Package output writes htsim's results: hive-partitioned Parquet tables
// (yearly counts, victims, drawn parameters) and the run manifest. Every file
// is written under a temporary name and renamed when complete, so a reader
// never sees a partial file.
package output

//go:generate go run gen_yearly_row.go
