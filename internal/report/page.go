package report

import "html/template"

// pageCSS styles the page: one column up to 1180px, charts in a grid that
// falls back to one column on narrow screens, wide tables scrolling in
// their own box, greyscale only.
const pageCSS = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#fff;color:#111;font:15px/1.5 "Liberation Sans",Arial,Helvetica,sans-serif}
main{max-width:1180px;margin:0 auto;padding:24px 20px 64px}
h1{font-size:1.7rem;margin:0 0 .4rem;line-height:1.2}
h2{font-size:1.3rem;margin:2.6rem 0 .7rem;padding-bottom:.2rem;border-bottom:2px solid #111}
h3{font-size:1.05rem;margin:1.8rem 0 .5rem}
p{max-width:60rem}
.lead{color:#444}
.note{border-left:4px solid #888;padding:.3rem .8rem;background:#f3f3f3}
nav ol{margin:.4rem 0;padding-left:1.4rem;columns:2 16rem}
a{color:#111}
dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 16px;margin:.6rem 0}
dl.facts dt{font-weight:bold}
dl.facts dd{margin:0;overflow-wrap:anywhere}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,460px),1fr));gap:18px 22px;align-items:start}
figure.chart{margin:0;padding:10px;border:1px solid #ccc;background:#fff;min-width:0}
figure.chart svg{display:block;width:100%;height:auto}
figcaption{font-size:.85rem;color:#444;margin-top:6px}
figcaption .files{white-space:nowrap}
.table-wrap{max-width:100%;overflow-x:auto;margin:.6rem 0 1.2rem}
table{border-collapse:collapse;font-size:.85rem}
caption{caption-side:top;text-align:left;color:#444;padding:0 0 5px}
th,td{padding:3px 8px;border-bottom:1px solid #e2e2e2;text-align:left;vertical-align:top}
thead th{border-bottom:2px solid #111;vertical-align:bottom}
tbody th{font-weight:bold}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.group>*{border-top:1.5px solid #888}
.iv{color:#555;font-size:.92em}
table.meta td{overflow-wrap:anywhere;max-width:38rem}
pre,code{font-family:"Liberation Mono","DejaVu Sans Mono",monospace;font-size:.84rem}
pre{background:#f4f4f4;border:1px solid #ddd;padding:10px 12px;white-space:pre-wrap;overflow-wrap:anywhere}
details{margin:.35rem 0}
summary{cursor:pointer;font-weight:bold}
@media print{main{max-width:none;padding:0}nav{display:none}figure.chart,tr{break-inside:avoid}.table-wrap{overflow:visible}}
`

// layoutScript measures the page once it is laid out and writes the result
// into body's data-layout attribute (JSON): the page width, every chart's
// rendered size, chart texts that fall outside their chart, texts of a chart
// that overlap each other or that a dashed vertical line (a policy marker)
// crosses (a text's box is its line box cut to the font size, about the
// height of its glyphs: line boxes of stacked legend rows overlap by design),
// charts that overlap, and elements that reach beyond the page
// width (the contents of a table's scrolling box excepted). The tests read
// it with headless Chromium's --dump-dom; it changes nothing on the page.
const layoutScript = `
(function(){
var doc=document.documentElement,W=doc.clientWidth,charts=[],clipped=[],collisions=[],overlaps=[],overflow=[];
function cross(a,b){return Math.min(a.right,b.right)-Math.max(a.left,b.left)>1&&Math.min(a.bottom,b.bottom)-Math.max(a.top,b.top)>1;}
var figs=document.querySelectorAll('figure.chart');
for(var i=0;i<figs.length;i++){
 var f=figs[i],svg=f.querySelector('svg'),r=svg?svg.getBoundingClientRect():null;
 charts.push({id:f.id,kind:f.getAttribute('data-kind'),w:r?Math.round(r.width):0,h:r?Math.round(r.height):0,
  left:r?Math.round(r.left):0,right:r?Math.round(r.right):0,marks:svg?svg.querySelectorAll('path,text').length:0,
  texts:svg?svg.querySelectorAll('text').length:0});
 if(svg){var ts=svg.querySelectorAll('text');for(var j=0;j<ts.length;j++){var t=ts[j].getBoundingClientRect();
  if(t.width>0&&(t.left<r.left-1||t.right>r.right+1||t.top<r.top-1||t.bottom>r.bottom+1))clipped.push(f.id+': '+ts[j].textContent);}
  var boxes=[];for(j=0;j<ts.length;j++){var b=ts[j].getBoundingClientRect(),fs=parseFloat(getComputedStyle(ts[j]).fontSize)||b.height,d=Math.max(0,(b.height-fs)/2);
   if(b.width>0&&ts[j].textContent.trim())boxes.push([ts[j].textContent,{left:b.left,right:b.right,top:b.top+d,bottom:b.bottom-d}]);}
  for(j=0;j<boxes.length;j++)for(var m=j+1;m<boxes.length;m++)if(cross(boxes[j][1],boxes[m][1]))collisions.push(f.id+': "'+boxes[j][0]+'" and "'+boxes[m][0]+'"');
  var ps=svg.querySelectorAll('path');for(j=0;j<ps.length;j++){var st=ps[j].getAttribute('style')||'',q=ps[j].getBoundingClientRect();
   if(st.indexOf('dasharray')<0||q.width>1||q.height<20)continue;var line={left:q.left-1,right:q.right+1,top:q.top,bottom:q.bottom};
   for(m=0;m<boxes.length;m++)if(cross(line,boxes[m][1]))collisions.push(f.id+': a dashed line crosses "'+boxes[m][0]+'"');}}
}
for(i=0;i<figs.length;i++){var a=figs[i].getBoundingClientRect();for(var k=i+1;k<figs.length;k++){var b=figs[k].getBoundingClientRect();
 if(Math.min(a.right,b.right)-Math.max(a.left,b.left)>1&&Math.min(a.bottom,b.bottom)-Math.max(a.top,b.top)>1)overlaps.push(figs[i].id+' / '+figs[k].id);}}
var all=document.body.querySelectorAll('*');
for(i=0;i<all.length;i++){var e=all[i],p=e.parentElement;
 if(p&&p.closest('.table-wrap,svg'))continue;
 var q=e.getBoundingClientRect();
 if(q.width>0&&(q.right>W+1||q.left<-1))overflow.push(e.tagName.toLowerCase()+(e.id?'#'+e.id:'')+(e.className&&e.className.baseVal===undefined?'.'+e.className:'')+' '+Math.round(q.left)+'..'+Math.round(q.right));}
document.body.setAttribute('data-layout',JSON.stringify({width:W,scrollWidth:doc.scrollWidth,
 expected:+document.body.getAttribute('data-charts'),charts:charts,clipped:clipped.slice(0,50),collisions:collisions.slice(0,50),overlaps:overlaps,overflow:overflow.slice(0,50)}));
})();
`

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>` + pageCSS + `</style>
</head>
<body data-charts="{{.ChartCount}}">
<main>
<header>
<h1>{{.Title}}</h1>
<p class="lead">Simulated human-trafficking victims in Kazakhstan and what the institutions record of them.
"True" numbers are the model's; "recorded" numbers are what each institution would count. Every number on this page
is read from the run folder's files (summary.parquet, compare.parquet, hypotheses.json, sensitivity.parquet, manifest.json).</p>
<dl class="facts">{{range .Facts}}<dt>{{.Key}}</dt><dd>{{.Value}}</dd>{{end}}</dl>
{{range .Notes}}<p class="note">{{.}}</p>{{end}}
</header>
<nav aria-label="contents"><ol>
<li><a href="#key-results">Key results</a></li>
<li><a href="#true-recorded">True against recorded, by scenario</a></li>
<li><a href="#effects">Scenario effects</a></li>
<li><a href="#hypotheses">The study's hypotheses</a></li>
<li><a href="#sensitivity">Sensitivity (Sobol indices)</a></li>
<li><a href="#summary">Summary tables</a></li>
<li><a href="#manifest">Manifest</a></li>
<li><a href="#reproduce">How to reproduce</a></li>
</ol></nav>

<section id="key-results">
<h2>Key results</h2>
{{.KeyResults}}
</section>

<section id="true-recorded">
<h2>True against recorded, by scenario</h2>
<p>For each scenario: the true new victims and the victims identified by the state each year (left), and the attrition
from the true number to convictions over the whole horizon (right).</p>
{{range .Scenarios}}
<h3 id="scenario-{{.Name}}">{{.Name}}{{if .Policy}} ({{.Policy}}){{end}}</h3>
{{if .Description}}<p>{{.Description}}</p>{{end}}
<div class="grid">
{{if .HasTrend}}{{template "figure" .Trend}}{{else}}<p class="note">No chart by year: the horizon covers no whole year (the summaries count a year only when it is simulated from January to December).</p>{{end}}
{{template "figure" .Funnel}}
</div>
{{end}}
</section>

<section id="effects">
<h2>Scenario effects</h2>
{{if .Effects}}
<div class="grid">
{{range .Effects}}{{template "figure" .}}{{end}}
</div>
<h3>Comparison table</h3>
{{.Compare}}
{{range .CompareAll}}<details><summary>{{.Summary}}: every key measure</summary>{{.Table}}</details>{{end}}
{{else}}
<p class="note">No comparison: the run folder holds no compare.parquet and no baseline with other scenarios to compare
(run several scenarios with <code>htsim run baseline palermo ... --compare</code>).</p>
{{end}}
</section>

<section id="hypotheses">
<h2>The study's hypotheses</h2>
{{if .HasHyp}}
<dl class="facts">{{range .HypFacts}}<dt>{{.Key}}</dt><dd>{{.Value}}</dd>{{end}}</dl>
{{.Hypotheses}}
<p class="note">The model's mechanisms were built from the study's own findings, so these experiments do not test the
hypotheses against independent data: they show how large each effect is under the model's mechanisms and parameter
ranges. A verdict that agrees with the study is a consistency check, not a confirmation (see docs/hypotheses.md).</p>
{{else}}
<p class="note">No hypotheses.json in the run folder: run <code>htsim hypotheses --out {{.ReportFolder}}</code> and rebuild the report.</p>
{{end}}
</section>

<section id="sensitivity">
<h2>Sensitivity (Sobol indices)</h2>
{{if .Sobol}}
<p>From {{.SobolPath}}.</p>
<div class="grid">
{{range .Sobol}}{{template "figure" .}}{{end}}
</div>
{{.SobolTable}}
{{else}}
<p class="note">No sensitivity.parquet: run a Saltelli sweep (<code>htsim sweep scenarios/sweeps/sobol.yaml --out SWEEP</code>,
then <code>htsim sensitivity SWEEP</code>) and give it to the report with <code>htsim report OUT --sensitivity SWEEP</code>.</p>
{{end}}
</section>

<section id="summary">
<h2>Summary tables</h2>
<p>Per scenario, from summary.parquet: mean, median and quantiles across replicates (quantile p: the smallest replicate
value with at least a fraction p of the replicates at or below it), for the last year and the whole horizon.</p>
{{range .Summaries}}<details><summary>{{.Summary}}</summary>{{.Table}}</details>{{end}}
</section>

<section id="manifest">
<h2>Manifest</h2>
<dl class="facts">{{range .Manifest}}<dt>{{.Key}}</dt><dd>{{.Value}}</dd>{{end}}</dl>
{{.Files}}
<h3>Parameters</h3>
{{range .Parameters}}<details><summary>{{.Summary}}</summary>{{.Table}}</details>{{end}}
</section>

<section id="reproduce">
<h2>How to reproduce</h2>
<p>From the repository root, with Go installed (the same code, scenario files, seed and replicates give the same Parquet
files byte for byte, whatever the number of workers):</p>
<pre>{{.Reproduce}}</pre>
<p>The charts are also in this folder as SVG and PNG files, one per chart, named as the figure.</p>
</section>
</main>
<script>` + layoutScript + `</script>
</body>
</html>
{{define "figure"}}<figure class="chart" id="{{.ID}}" data-kind="{{.Kind}}" data-points="{{.Points}}">
{{.SVG}}
<figcaption>{{.Caption}} <span class="files">Files: <a href="{{.ID}}.svg">{{.ID}}.svg</a>, <a href="{{.ID}}.png">{{.ID}}.png</a>.</span></figcaption>
</figure>{{end}}`))
