// Command htsim simulates human-trafficking victims in Kazakhstan and what the
// official statistics record of them, and writes both to Parquet.
//
//	htsim run [flags] SCENARIO...     simulate scenarios (built-in names or files)
//	htsim scenarios                   list the built-in scenarios
//	htsim validate FILE...            check scenario files without running
//	htsim version                     print the code version
//
// Exit status: 0 success, 1 internal or I/O failure, 2 usage or input error,
// 130 interrupted (SIGINT, or SIGTERM as batch schedulers send at a time limit).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// SIGTERM too: Slurm and Kubernetes send it at a time limit or eviction,
	// and an interrupted run or sweep then removes its temporary files and
	// can resume.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
