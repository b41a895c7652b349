// Package analysis turns replicate results into what analysts read: summaries
// across replicates with intervals, and the recording rate (recorded / true).
package analysis
