package report

import (
	"math"
	"strconv"
	"strings"
)

// The report's number formats. Every number shown comes from a value read
// from the output files, formatted by one of these; the tests parse the
// printed text back and check it against the files at the printed precision.

// countDecimals returns the decimals a count (or a mean of counts) is printed with.
func countDecimals(x float64) int {
	a := math.Abs(x)
	switch {
	case x == math.Trunc(x):
		return 0 // a count, or a quantile of counts
	case a >= 100:
		return 0
	case a >= 10:
		return 1
	default:
		return 2
	}
}

// Count formats a count or a mean of counts: thousands separated, with
// 0 decimals for whole numbers and from 100 on, 1 from 10 on, 2 below.
func Count(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "n/a"
	}
	return group(strconv.FormatFloat(x, 'f', countDecimals(x), 64))
}

// Signed is Count with a sign (+ or -) on nonzero values.
func Signed(x float64) string {
	s := Count(x)
	if s != "n/a" && !strings.HasPrefix(s, "-") && x != 0 {
		s = "+" + s
	}
	return s
}

// Percent formats a fraction in percent with the given decimals (no % sign).
func Percent(x float64, decimals int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "n/a"
	}
	return group(strconv.FormatFloat(100*x, 'f', decimals, 64))
}

// SignedPercent is Percent with a sign on nonzero values.
func SignedPercent(x float64, decimals int) string {
	s := Percent(x, decimals)
	if s != "n/a" && !strings.HasPrefix(s, "-") && strings.Trim(s, "0.,") != "" {
		s = "+" + s
	}
	return s
}

// Fixed formats x with the given decimals.
func Fixed(x float64, decimals int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "n/a"
	}
	return strconv.FormatFloat(x, 'f', decimals, 64)
}

// group inserts thousands separators into a formatted number; a number
// that rounds to zero has no minus sign.
func group(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
		if strings.Trim(s, "0.") == "" {
			sign = ""
		}
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if len(intPart) > 3 {
		var b strings.Builder
		lead := len(intPart) % 3
		if lead > 0 {
			b.WriteString(intPart[:lead])
		}
		for i := lead; i < len(intPart); i += 3 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(intPart[i : i+3])
		}
		intPart = b.String()
	}
	if hasFrac {
		return sign + intPart + "." + frac
	}
	return sign + intPart
}

// ParseShown parses a number as printed by the formats above (thousands
// separators and a leading + allowed) and returns it with the half-width of
// its last printed digit: the printed number is within that of the value.
func ParseShown(s string) (value, tol float64, err error) {
	s = strings.TrimPrefix(strings.ReplaceAll(strings.TrimSpace(s), ",", ""), "+")
	value, err = strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, 0, err
	}
	tol = 0.5
	if _, frac, ok := strings.Cut(s, "."); ok {
		tol = 0.5 * math.Pow(10, -float64(len(frac)))
	}
	return value, tol, nil
}
