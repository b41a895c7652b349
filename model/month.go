package model

import (
	"fmt"
	"strconv"
	"strings"
)

// Month is a calendar month counted from year 0 (Month = year*12 + month-1).
type Month int32

// MonthOf returns the Month for a year and a month number 1-12.
func MonthOf(year, month int) Month { return Month(year*12 + month - 1) }

// Year returns the calendar year.
func (m Month) Year() int { return int(m) / 12 }

// MonthNumber returns the month of the year, 1-12.
func (m Month) MonthNumber() int { return int(m)%12 + 1 }

// FracYear returns the year as a fraction at the middle of the month (2010-01 is 2010.04).
func (m Month) FracYear() float64 { return float64(m.Year()) + (float64(m.MonthNumber())-0.5)/12 }

// String formats the month as YYYY-MM.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year(), m.MonthNumber()) }

// ParseMonth parses "YYYY-MM" with a year in 1900-2200.
func ParseMonth(s string) (Month, error) {
	y, mm, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok || len(y) != 4 || len(mm) != 2 {
		return 0, fmt.Errorf("%q is not a month: use YYYY-MM, for example 2010-01", s)
	}
	year, err1 := strconv.Atoi(y)
	month, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || month < 1 || month > 12 {
		return 0, fmt.Errorf("%q is not a month: use YYYY-MM with a month 01-12", s)
	}
	if year < 1900 || year > 2200 {
		return 0, fmt.Errorf("%q is outside the years 1900-2200", s)
	}
	return MonthOf(year, month), nil
}
