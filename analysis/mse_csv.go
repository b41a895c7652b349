package analysis

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ReadMSECSV reads a table of capture-pattern counts. The header names the
// lists and ends with a count column; each row gives one observed pattern as
// 0/1 cells and its count. Patterns absent from the file count 0. Blank lines
// and lines starting with '#' are skipped. Errors name the file (name) and the line.
func ReadMSECSV(r io.Reader, name string) (*MSETable, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	at := func(line int, format string, a ...any) error {
		return fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, a...))
	}
	readErr := func(err error) error {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return at(pe.Line, "%v", pe.Err)
		}
		return fmt.Errorf("%s: %v", name, err)
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty file: expected a header of list names and a count column", name)
	}
	if err != nil {
		return nil, readErr(err)
	}
	hline, _ := cr.FieldPos(0)
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	if !strings.EqualFold(header[len(header)-1], "count") {
		return nil, at(hline, "the last column must be named count (the number of cases with each pattern), got %q", header[len(header)-1])
	}
	lists := header[:len(header)-1]
	if len(lists) < 2 {
		return nil, at(hline, "needs at least two list columns before count, got %d", len(lists))
	}
	for _, l := range lists {
		if strings.EqualFold(l, "count") {
			return nil, at(hline, "only the last column may be named count")
		}
	}
	t, err := NewMSETable(lists)
	if err != nil {
		return nil, at(hline, "%v", err)
	}
	seen := map[int]int{}
	rows := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, readErr(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			return nil, at(line, "%d fields, but the header has %d (%s,count)", len(rec), len(header), strings.Join(lists, ","))
		}
		p := 0
		for i, l := range lists {
			switch strings.TrimSpace(rec[i]) {
			case "0":
			case "1":
				p |= 1 << i
			default:
				return nil, at(line, "column %s is %q; a list cell must be 0 or 1", l, rec[i])
			}
		}
		cs := strings.TrimSpace(rec[len(lists)])
		n, err := strconv.ParseInt(cs, 10, 64)
		if err != nil {
			f, ferr := strconv.ParseFloat(cs, 64)
			switch {
			case cs == "":
				return nil, at(line, "the count is empty")
			case ferr != nil && errors.Is(ferr, strconv.ErrRange), errors.Is(err, strconv.ErrRange):
				return nil, at(line, "count %s is too large", cs)
			case ferr != nil:
				return nil, at(line, "count %q is not a number", cs)
			case f < 0:
				return nil, at(line, "count %s is negative", cs)
			case f != math.Trunc(f):
				return nil, at(line, "count %s is not a whole number of cases", cs)
			default:
				return nil, at(line, "write the count %s as a plain whole number", cs)
			}
		}
		if n < 0 {
			return nil, at(line, "count %d is negative", n)
		}
		if n > 1e12 {
			return nil, at(line, "count %d is implausibly large (more than 10^12)", n)
		}
		if p == 0 {
			return nil, at(line, "the pattern on no list (all 0) cannot be observed: remove the row")
		}
		if prev, dup := seen[p]; dup {
			return nil, at(line, "pattern %s repeats line %d", strings.Join(rec[:len(lists)], ","), prev)
		}
		seen[p] = line
		t.Add(p, n)
		rows++
	}
	if rows == 0 {
		return nil, fmt.Errorf("%s: no data rows after the header", name)
	}
	return t, nil
}
