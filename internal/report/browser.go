package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// ChromiumEnv names an environment variable that, when set, is the
// Chromium binary the layout check uses.
const ChromiumEnv = "HTSIM_CHROMIUM"

// Chromium returns the path of a Chromium binary: $HTSIM_CHROMIUM, or
// chromium (Debian's package, /usr/bin/chromium) or chromium-browser on
// the PATH.
func Chromium() (string, error) {
	if p := os.Getenv(ChromiumEnv); p != "" {
		return exec.LookPath(p)
	}
	for _, name := range []string{"chromium", "chromium-browser", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium found: install Debian's chromium package (scripts/ensure-chromium.sh, run by make test, does it), or set " + ChromiumEnv)
}

// chromiumFlags make headless Chromium start quietly on a machine without
// a display, a session bus or a network.
var chromiumFlags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
	"--disable-default-apps", "--mute-audio", "--hide-scrollbars"}

// ChartLayout is one chart as laid out by the browser.
type ChartLayout struct {
	ID    string  `json:"id"`
	Kind  string  `json:"kind"`
	W     float64 `json:"w"` // rendered width of the chart's svg, CSS pixels
	H     float64 `json:"h"`
	Left  float64 `json:"left"`
	Right float64 `json:"right"`
	Marks int     `json:"marks"` // path and text elements in the svg
	Texts int     `json:"texts"`
}

// Layout is what the page's layout script measured (body's data-layout).
type Layout struct {
	Width       float64       `json:"width"`
	ScrollWidth float64       `json:"scrollWidth"`
	Expected    int           `json:"expected"` // body's data-charts: the charts the report built
	Charts      []ChartLayout `json:"charts"`
	Clipped     []string      `json:"clipped"` // chart texts outside their chart
	// Collisions are texts of one chart that overlap, or that a dashed
	// vertical line (a policy marker) crosses.
	Collisions []string `json:"collisions"`
	Overlaps   []string `json:"overlaps"` // pairs of charts that overlap
	Overflow   []string `json:"overflow"` // elements reaching beyond the page width
}

var dataLayoutRE = regexp.MustCompile(`<body[^>]*\sdata-layout="([^"]*)"`)

// MeasureLayout opens the page in headless Chromium with a window width
// wide and returns what the page's layout script measured, read from the
// DOM Chromium dumps after loading it.
func MeasureLayout(ctx context.Context, chromium, page string, width int) (*Layout, string, error) {
	abs, err := filepath.Abs(page)
	if err != nil {
		return nil, "", err
	}
	profile, err := os.MkdirTemp("", "htsim-chromium-*")
	if err != nil {
		return nil, "", err
	}
	defer os.RemoveAll(profile)
	args := append(append([]string{}, chromiumFlags...), "--user-data-dir="+profile,
		"--window-size="+strconv.Itoa(width)+",1000", "--dump-dom", "file://"+abs)
	cmd := exec.CommandContext(ctx, chromium, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	dom, err := cmd.Output()
	if err != nil {
		return nil, "", fmt.Errorf("%s --dump-dom %s: %v\n%s", chromium, page, err, lastLines(stderr.String(), 20))
	}
	m := dataLayoutRE.FindSubmatch(dom)
	if m == nil {
		return nil, string(dom), fmt.Errorf("the page's layout script left no data-layout on <body> (did it run?)\n%s", lastLines(stderr.String(), 20))
	}
	var l Layout
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &l); err != nil {
		return nil, string(dom), fmt.Errorf("data-layout is not valid JSON: %v", err)
	}
	return &l, string(dom), nil
}

// Screenshot saves a PNG screenshot of the page's top width x height pixels.
func Screenshot(ctx context.Context, chromium, page, png string, width, height int) error {
	abs, err := filepath.Abs(page)
	if err != nil {
		return err
	}
	absPNG, err := filepath.Abs(png)
	if err != nil {
		return err
	}
	profile, err := os.MkdirTemp("", "htsim-chromium-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	args := append(append([]string{}, chromiumFlags...), "--user-data-dir="+profile,
		fmt.Sprintf("--window-size=%d,%d", width, height), "--screenshot="+absPNG, "file://"+abs)
	out, err := exec.CommandContext(ctx, chromium, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s --screenshot: %v\n%s", chromium, err, lastLines(string(out), 20))
	}
	return nil
}

// Problems lists what is wrong with a layout: a chart missing, not drawn
// or of no size, texts outside their chart or colliding in it, charts that overlap, and
// elements wider than the page. want is the number of charts expected.
func (l *Layout) Problems(want int) []string {
	var ps []string
	if len(l.Charts) != want {
		ps = append(ps, fmt.Sprintf("the page shows %d charts, want %d", len(l.Charts), want))
	}
	if l.Expected != want {
		ps = append(ps, fmt.Sprintf("the page says it has %d charts (data-charts), want %d", l.Expected, want))
	}
	for _, c := range l.Charts {
		switch {
		case c.W < 100 || c.H < 60:
			ps = append(ps, fmt.Sprintf("chart %s is %.0f x %.0f px", c.ID, c.W, c.H))
		case c.Marks < 10 || c.Texts < 3:
			ps = append(ps, fmt.Sprintf("chart %s has %d drawn elements and %d texts: not drawn", c.ID, c.Marks, c.Texts))
		case c.Left < -1 || c.Right > l.Width+1:
			ps = append(ps, fmt.Sprintf("chart %s spans x %.0f to %.0f, outside the page width %.0f", c.ID, c.Left, c.Right, l.Width))
		}
	}
	if l.ScrollWidth > l.Width+1 {
		ps = append(ps, fmt.Sprintf("the page is %.0f px wide in a %.0f px window (horizontal scrolling)", l.ScrollWidth, l.Width))
	}
	for _, s := range l.Clipped {
		ps = append(ps, "text outside its chart: "+s)
	}
	for _, s := range l.Collisions {
		ps = append(ps, "texts collide: "+s)
	}
	for _, s := range l.Overlaps {
		ps = append(ps, "charts overlap: "+s)
	}
	for _, s := range l.Overflow {
		ps = append(ps, "element beyond the page width: "+s)
	}
	return ps
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
