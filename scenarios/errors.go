package scenarios

import (
	"fmt"
	"strings"
)

// Error is a problem with a scenario file: which file, which line and key,
// what was wrong and what is allowed. Every error the loader returns is an
// *Error or an ErrorList of them.
type Error struct {
	File    string // file name as the user gave it, or "NAME (built-in)"
	Line    int    // 1-based line, 0 when unknown
	Key     string // dotted key, e.g. "parameters.police.skill"; empty for whole-file problems
	Msg     string // what was wrong
	Allowed string // what is allowed instead; may be empty
}

// Error formats the problem as FILE:LINE: KEY: what is wrong (allowed: ...).
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Allowed != "" {
		b.WriteString(" (allowed: ")
		b.WriteString(e.Allowed)
		b.WriteString(")")
	}
	return b.String()
}

// ErrorList is several problems found in one pass, in file order.
type ErrorList []*Error

// maxErrors bounds how many problems one file reports.
const maxErrors = 25

// Error lists every problem, one a line.
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// err returns nil for an empty list, the single error for one, or the list.
func (l ErrorList) err() error {
	switch len(l) {
	case 0:
		return nil
	case 1:
		return l[0]
	}
	return l
}
