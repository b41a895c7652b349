package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"path/filepath"
	"strconv"
	"strings"

	"htsim/internal/output"
	"htsim/scenarios"
)

// figureView is a chart as the page shows it.
type figureView struct {
	ID, Kind, Caption string
	SVG               template.HTML
	Points            string // JSON of the chart's Points
}

type factView struct{ Key, Value string }

type pageView struct {
	Title        string
	Facts        []factView
	Notes        []string
	KeyResults   template.HTML
	Scenarios    []scenarioView
	Effects      []figureView
	Compare      template.HTML
	CompareAll   []detailsView
	Hypotheses   template.HTML
	HypFacts     []factView
	HasHyp       bool
	Sobol        []figureView
	SobolTable   template.HTML
	SobolPath    string
	Summaries    []detailsView
	Manifest     []factView
	Files        template.HTML
	Parameters   []detailsView
	Reproduce    string
	ChartCount   int
	ReportFolder string
}

type scenarioView struct {
	Name, Description, Policy string
	Trend, Funnel             figureView
	HasTrend                  bool // false when the horizon covers no whole year
}

type detailsView struct {
	Summary string
	Table   template.HTML
}

// HTML renders the page, with the charts' SVG (by chart ID) inline.
func (r *Report) HTML(charts map[string]rendered) ([]byte, error) {
	fig := func(c *Chart) (figureView, error) {
		pts, err := json.Marshal(c.Points)
		if err != nil {
			return figureView{}, err
		}
		rc, ok := charts[c.ID]
		if !ok {
			return figureView{}, fmt.Errorf("chart %s was not rendered", c.ID)
		}
		return figureView{ID: c.ID, Kind: c.Kind, Caption: c.Caption, SVG: template.HTML(InlineSVG(rc.svg, c.Title)), Points: string(pts)}, nil
	}
	in, m := r.In, r.In.Manifest
	v := pageView{Title: "htsim report: " + filepath.Base(filepath.Clean(in.Out)), Notes: r.Notes, ChartCount: len(r.Charts), ReportFolder: in.Out}
	desc := map[string]string{}
	if m != nil {
		for _, s := range m.Scenarios {
			desc[s.Name] = s.Description
		}
		rev := m.Revision
		if rev == "" {
			rev = "not recorded (the binary has no VCS stamp: built outside git, or with -buildvcs=false)"
		} else if m.Modified {
			rev += " (with uncommitted changes)"
		}
		v.Facts = []factView{
			{"run folder", in.Out},
			{"scenarios", strconv.Itoa(len(r.Scenarios)) + ": " + strings.Join(r.Scenarios, ", ")},
			{"replicates", strconv.Itoa(m.Replicates) + " per scenario (seed " + strconv.FormatUint(m.Seed, 10) + ")"},
			{"horizon", m.From + " to " + m.To},
			{"code", m.Tool + " " + m.Version + ", revision " + rev + ", " + m.GoVersion},
			{"run created", m.Created},
		}
	}
	var err error
	if v.KeyResults, err = renderTable(r.KeyResults); err != nil {
		return nil, err
	}
	for _, scen := range r.Scenarios {
		sv := scenarioView{Name: scen, Description: desc[scen]}
		if m := r.Policy[scen]; m != "" {
			sv.Policy = r.PolicyNote[scen] + " from " + m
		}
		if tc := r.Trends[scen]; tc != nil {
			if sv.Trend, err = fig(tc); err != nil {
				return nil, err
			}
			sv.HasTrend = true
		}
		if sv.Funnel, err = fig(r.Funnels[scen]); err != nil {
			return nil, err
		}
		v.Scenarios = append(v.Scenarios, sv)
	}
	for _, c := range r.Effects {
		f, err := fig(c)
		if err != nil {
			return nil, err
		}
		v.Effects = append(v.Effects, f)
	}
	if r.Compare != nil {
		if v.Compare, err = renderTable(r.Compare); err != nil {
			return nil, err
		}
		for _, t := range r.CompareAll {
			h, err := renderTable(t)
			if err != nil {
				return nil, err
			}
			v.CompareAll = append(v.CompareAll, detailsView{Summary: strings.TrimPrefix(t.ID, "compare-"), Table: h})
		}
	}
	if r.Hypotheses != nil {
		v.HasHyp = true
		if v.Hypotheses, err = renderTable(r.Hypotheses); err != nil {
			return nil, err
		}
		h := in.Hypotheses
		rev := h.Revision
		if rev == "" {
			rev = "unknown"
		} else if h.Modified {
			rev += " (with uncommitted changes)"
		}
		v.HypFacts = []factView{
			{"experiment", fmt.Sprintf("baseline and 7 counterfactuals simulated %s to %s, outcomes over %s", h.From, h.To, h.Period)},
			{"replicates", fmt.Sprintf("%d paired (seed %d)", h.Replicates, h.Seed)},
			{"verdict rule", h.VerdictRule},
			{"code", h.Tool + " " + h.Version + ", revision " + rev + ", " + h.GoVersion},
			{"created", h.Created},
			{"command", commandLine(h.Command)},
		}
	}
	for _, c := range r.Sobol {
		f, err := fig(c)
		if err != nil {
			return nil, err
		}
		v.Sobol = append(v.Sobol, f)
	}
	if r.SobolTable != nil {
		if v.SobolTable, err = renderTable(r.SobolTable); err != nil {
			return nil, err
		}
		v.SobolPath = in.SensitivityPath
	}
	for _, t := range r.Summaries {
		h, err := renderTable(t)
		if err != nil {
			return nil, err
		}
		v.Summaries = append(v.Summaries, detailsView{Summary: strings.TrimPrefix(t.ID, "summary-"), Table: h})
	}
	if m != nil {
		if err := r.manifestView(&v); err != nil {
			return nil, err
		}
	}
	v.Reproduce = r.reproduce()
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// manifestView fills the manifest section: the run's settings, the scenario
// files with their SHA-256, and the parameters of each scenario.
func (r *Report) manifestView(v *pageView) error {
	m := r.In.Manifest
	rev := m.Revision
	if rev == "" {
		rev = "not recorded (the binary has no VCS stamp: built outside git, or with -buildvcs=false)"
	}
	v.Manifest = []factView{
		{"tool, version", m.Tool + " " + m.Version},
		{"code revision", rev + map[bool]string{true: " (the working tree had uncommitted changes)"}[m.Modified]},
		{"Go", m.GoVersion},
		{"command", commandLine(m.Command)},
		{"seed", strconv.FormatUint(m.Seed, 10)},
		{"replicates", strconv.Itoa(m.Replicates)},
		{"horizon", m.From + " to " + m.To},
		{"tables", strings.Join(m.Tables, ", ")},
		{"created", m.Created},
		{"note", m.Note},
	}
	files := &Table{ID: "scenario-files", Class: "meta", Caption: "Scenario files: each scenario's own file, then the files it extends.",
		Head: []string{"scenario", "later phases from", "file", "SHA-256"}}
	for _, s := range m.Scenarios {
		policy := "-"
		if len(s.Phases) > 1 {
			policy = strings.Join(laterStarts(&s), ", ")
		}
		for i, f := range s.Files {
			row := Row{Group: i == 0}
			if i == 0 {
				row.Cells = append(row.Cells, Cell{Parts: []Part{{Text: s.Name}}, Head: true, RowSpan: len(s.Files)},
					Cell{Parts: []Part{{Text: policy}}, RowSpan: len(s.Files)})
			}
			name := f.Name
			if f.Path != "" {
				name += " (" + f.Path + ")"
			}
			row.Cells = append(row.Cells, txt(name), txt(f.SHA256))
			files.Rows = append(files.Rows, row)
		}
	}
	var err error
	if v.Files, err = renderTable(files); err != nil {
		return err
	}
	for _, s := range m.Scenarios {
		if len(s.Phases) == 0 {
			continue
		}
		t := &Table{ID: "parameters-" + s.Name, Class: "meta", Head: []string{"parameter", "value", "source"}}
		summary := fmt.Sprintf("%s: the %d parameters in force from %s", s.Name, len(s.Phases[0].Parameters), s.Phases[0].From)
		// Values show six significant digits (a relative change of 0.9 x
		// 1.3 shows as 1.17, not 1.1700000000000002); the manifest keeps
		// every digit, and changes are found on every digit.
		for _, p := range s.Phases[0].Parameters {
			t.Rows = append(t.Rows, Row{Cells: []Cell{txt(p.Path), txt(p.Dist.Rounded()), txt(p.Source)}})
		}
		if len(s.Phases) > 1 {
			// Each change once, at the phase that makes it: against the
			// phase before (a parameter a parent's phase set stays set).
			before := map[string]scenarios.Dist{}
			for _, p := range s.Phases[0].Parameters {
				before[p.Path] = p.Dist
			}
			t.Head = []string{"parameter", "before", "from", "value", "source"}
			t.Rows = nil
			n := 0
			for _, ph := range s.Phases[1:] {
				for _, p := range ph.Parameters {
					prev, ok := before[p.Path]
					if ok && prev.String() == p.Dist.String() {
						continue
					}
					shown := "" // a parameter the first phase lacks
					if ok {
						shown = prev.Rounded()
					}
					n++
					t.Rows = append(t.Rows, Row{Cells: []Cell{txt(p.Path), txt(shown), txt(ph.From), txt(p.Dist.Rounded()), txt(p.Source)}})
					before[p.Path] = p.Dist
				}
			}
			by := "(the rest as in the scenario it extends)"
			if len(s.Files) > 2 {
				by = "(by it and the scenarios it extends; the rest as in its first phase)"
			}
			summary = fmt.Sprintf("%s: %d parameter%s changed from %s %s", s.Name, n, map[bool]string{true: "s"}[n != 1], strings.Join(laterStarts(&s), ", "), by)
		}
		h, err := renderTable(t)
		if err != nil {
			return err
		}
		v.Parameters = append(v.Parameters, detailsView{Summary: summary, Table: h})
	}
	return nil
}

// reproduce returns the command lines that rebuild the report's inputs and the report.
func (r *Report) reproduce() string {
	in, m := r.In, r.In.Manifest
	var b strings.Builder
	out := shellQuote(in.Out)
	if m != nil && m.Revision != "" {
		fmt.Fprintf(&b, "git checkout %s", m.Revision)
		if m.Modified {
			b.WriteString("   # the run was made with uncommitted changes on top of it")
		}
		b.WriteString("\n")
	}
	if m != nil && m.Revision == "" {
		b.WriteString("# the run's code revision is not recorded: check out the revision it was made with\n")
	}
	b.WriteString("make build   # bin/htsim, built to write the same bytes on every machine\n")
	if m != nil && len(m.Command) > 0 {
		b.WriteString(commandLine(m.Command) + "\n")
		b.WriteString("bin/htsim reproduce " + out + "   # or: rerun it from the manifest and compare the tables byte for byte\n")
	}
	b.WriteString("bin/htsim summarize " + out + "   # summary.parquet\n")
	if len(in.Compare) > 0 {
		b.WriteString("bin/htsim compare --against " + shellQuote(r.Against) + " " + out + "   # compare.parquet (also written by run --compare)\n")
	}
	if h := in.Hypotheses; h != nil {
		if len(h.Command) > 0 {
			b.WriteString(commandLine(h.Command) + "\n")
		} else {
			fmt.Fprintf(&b, "bin/htsim hypotheses -n %d --seed %d --from %s --to %s --period %s --threshold %g --out %s\n", h.Replicates, h.Seed, h.From, h.To, h.Period, h.Threshold, out)
		}
	}
	report := "bin/htsim report " + out
	if in.SensitivityPath != "" {
		dir := filepath.Dir(in.SensitivityPath)
		if filepath.Clean(dir) != filepath.Clean(in.Out) {
			b.WriteString("bin/htsim sweep SWEEP_FILE --out " + shellQuote(dir) + "   # a saltelli design; its manifest.json names the file\n")
			report += " --sensitivity " + shellQuote(dir)
		}
		b.WriteString("bin/htsim sensitivity " + shellQuote(dir) + "   # sensitivity.parquet\n")
	}
	b.WriteString(report + "\n")
	return b.String()
}

// renderTable renders a table as HTML. Every number read from a file is a
// span with data-src (its row) and data-field (its column), and data-scale
// when it is shown multiplied (100 for percentages).
func renderTable(t *Table) (template.HTML, error) {
	if t == nil {
		return "", nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="table-wrap"><table id="%s" class="%s">`, html.EscapeString("t-"+t.ID), html.EscapeString(t.Class))
	if t.Caption != "" {
		fmt.Fprintf(&b, "<caption>%s</caption>", html.EscapeString(t.Caption))
	}
	b.WriteString("<thead><tr>")
	for _, h := range t.Head {
		fmt.Fprintf(&b, `<th scope="col">%s</th>`, html.EscapeString(h))
	}
	b.WriteString("</tr></thead><tbody>")
	for _, r := range t.Rows {
		if r.Group {
			b.WriteString(`<tr class="group">`)
		} else {
			b.WriteString("<tr>")
		}
		for _, c := range r.Cells {
			tag, attrs := "td", ""
			if c.Head {
				tag, attrs = "th", ` scope="row"`
			}
			if c.Num {
				attrs += ` class="num"`
			}
			if c.RowSpan > 1 {
				attrs += fmt.Sprintf(` rowspan="%d"`, c.RowSpan)
			}
			fmt.Fprintf(&b, "<%s%s>", tag, attrs)
			for _, p := range c.Parts {
				cls := ""
				if p.Small {
					cls = ` class="iv"`
				}
				if p.Src == "" {
					if cls != "" {
						fmt.Fprintf(&b, "<span%s>%s</span>", cls, html.EscapeString(p.Text))
					} else {
						b.WriteString(html.EscapeString(p.Text))
					}
					continue
				}
				scale := ""
				if p.Scale != 0 && p.Scale != 1 {
					scale = fmt.Sprintf(` data-scale="%g"`, p.Scale)
				}
				fmt.Fprintf(&b, `<span%s data-src="%s" data-field="%s"%s>%s</span>`, cls, html.EscapeString(p.Src), html.EscapeString(p.Field), scale, html.EscapeString(p.Text))
			}
			fmt.Fprintf(&b, "</%s>", tag)
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table></div>")
	return template.HTML(b.String()), nil
}

// laterStarts lists the months (YYYY-MM) at which a scenario's phases after
// its first begin.
func laterStarts(s *output.ScenarioManifest) []string {
	var starts []string
	for _, ph := range s.Phases[1:] {
		starts = append(starts, ph.From)
	}
	return starts
}
