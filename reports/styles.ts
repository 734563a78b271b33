/** The report's stylesheet, inlined so the file needs nothing beside it. Prints cleanly too. */
export const STYLES =
  `
:root {
  --ink: #0f172a; --muted: #475569; --faint: #94a3b8; --line: #e2e8f0; --panel: #f8fafc; --page: #ffffff;
  --ok: #15803d; --ok-bg: #f0fdf4; --bad: #b91c1c; --bad-bg: #fef2f2; --accent: #0284c7;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--page); color: var(--ink);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
}
main { max-width: 1120px; margin: 0 auto; padding: 32px 24px 64px; }
h1 { font-size: 28px; line-height: 1.2; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 20px; margin: 0 0 6px; line-height: 1.3; }
h3 { font-size: 15px; margin: 20px 0 8px; }
p { margin: 0 0 10px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 13px; }
.subtitle { color: var(--muted); margin: 0 0 24px; font-size: 16px; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.muted { color: var(--muted); }
.noise { color: var(--faint); border-bottom: 1px dotted var(--faint); cursor: help; }

table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
th, td { padding: 7px 9px; border-bottom: 1px solid var(--line); vertical-align: top; }
th.num { white-space: normal; }
th { text-align: left; font-weight: 600; color: var(--muted); background: var(--panel); }
thead th { vertical-align: bottom; border-bottom: 2px solid var(--line); }
th.num { text-align: right; }
th[title] { cursor: help; text-decoration: underline dotted var(--faint); text-underline-offset: 3px; }
tbody tr:hover td { background: #f1f5f9; }
.table-wrap { overflow-x: auto; margin: 0 0 8px; border: 1px solid var(--line); border-radius: 10px; }
.table-wrap table { border: 0; }
.table-wrap tr:last-child td { border-bottom: 0; }
.group-start td { border-top: 2px solid var(--line); }
.reference-head td { background: var(--panel); color: var(--muted); font-size: 12px; font-weight: 600; border-top: 2px solid ` +
  `var(--faint); padding: 5px 9px; }
.reference-tag { margin-left: 8px; border-style: dashed; }

.meta { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; margin: 0 0 20px; }
.card { border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; background: var(--panel); }
.card h3 { margin: 0 0 8px; }
.card dl { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px 20px; margin: 0; font-size: 14px; }
.card dt { color: var(--muted); font-size: 11.5px; text-transform: uppercase; letter-spacing: .05em; }
.card dd { margin: 0; overflow-wrap: anywhere; }
.card dl div.wide { grid-column: 1 / -1; }

.banner { border-radius: 10px; padding: 12px 16px; margin: 0 0 24px; }
.banner.invalid { background: var(--bad-bg); border: 2px solid var(--bad); color: var(--bad); }
.banner.invalid strong { font-size: 16px; }
.banner.invalid ul { margin: 8px 0 0; padding-left: 20px; color: var(--ink); }
.banner.invalid li { margin: 4px 0; }
.banner.warn { background: #fffbeb; border: 1px solid #f59e0b; color: #92400e; }
.banner.warn ul { margin: 6px 0 0; padding-left: 20px; }
.banner.interrupted { background: #eff6ff; border: 1px solid #60a5fa; color: #1e3a8a; }
.banner.interrupted ul { margin: 6px 0 0; padding-left: 20px; color: var(--ink); }
.banner.valid { background: var(--ok-bg); border: 1px solid #bbf7d0; color: var(--ok); font-weight: 600; padding: 8px 14px; }
.problems { margin: 4px 0 0; padding-left: 18px; font-size: 13.5px; }

.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 3px; margin-right: 8px; vertical-align: -1px; }
.swatch.striped { background-image: repeating-linear-gradient(45deg, rgba(255,255,255,.7) 0 2px, transparent 2px 5px); }
.strategy { font-weight: 600; white-space: nowrap; }
.kind { font-size: 11.5px; color: var(--muted); white-space: nowrap; margin-top: 1px; }
.tag { display: inline-block; font-size: 11px; color: var(--muted); border: 1px solid var(--line); border-radius: 999px; padding: 0 7px; ` +
  `margin: 2px 4px 0 0; background: #fff; font-weight: 500; }
.run-tag { display: inline-block; font-size: 11px; font-weight: 700; color: #fff; background: var(--ink); border-radius: 4px; padding: 0 ` +
  `5px; margin-left: 6px; }
.bad { color: var(--bad); font-weight: 700; }

section.claim { margin: 40px 0 0; padding-top: 28px; border-top: 1px solid var(--line); }
.claim-id { display: inline-block; font-size: 11.5px; font-weight: 700; letter-spacing: .04em; color: #fff; background: var(--accent); ` +
  `border-radius: 5px; padding: 0 6px; margin-right: 6px; vertical-align: 1px; }
.article { color: var(--muted); font-size: 14px; margin: 0 0 10px; }
.verdict, .finding { margin: 0 0 12px; padding: 10px 14px; border-radius: 8px; border: 1px solid var(--line); background: var(--panel); }
.verdict-tag { display: inline-block; font-weight: 700; font-size: 13px; border-radius: 999px; padding: 0 9px; margin-right: 8px; color: ` +
  `#fff; background: var(--muted); }
.verdict.shown { border-color: #bbf7d0; background: var(--ok-bg); }
.verdict.shown .verdict-tag { background: var(--ok); }
.verdict.not-shown { border-color: #fde68a; background: #fffbeb; }
.verdict.not-shown .verdict-tag { background: #b45309; }
.verdict .run-tag, .finding .run-tag { margin: 0 8px 0 0; }

/* The verdict strip: the run's answer before its evidence. */
.verdict-strip { margin: 0 0 28px; }
.verdict-strip h3 { margin: 12px 0 8px; }
.findings { list-style: none; margin: 0 0 12px; padding: 0; display: grid; grid-template-columns: repeat(auto-fit, minmax(230px, 1fr)); gap: 12px; }
.findings a { display: block; height: 100%; padding: 12px 14px; border: 1px solid var(--line); border-radius: 10px; background: ` +
  `var(--panel); color: var(--ink); text-decoration: none; }
.findings a:hover, .findings a:focus-visible { border-color: var(--accent); }
.findings .figure { display: block; font-size: 30px; font-weight: 800; line-height: 1.1; color: var(--accent); font-variant-numeric: tabular-nums; }
.findings .sentence { display: block; font-size: 14px; margin-top: 4px; }
.claim-chips { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px 8px; font-size: 13.5px; }
.claim-chips a { display: inline-block; padding: 3px 10px; border-radius: 999px; border: 1px solid var(--line); color: var(--ink); ` +
  `text-decoration: none; background: #fff; }
.claim-chips .shown a { border-color: #86efac; background: var(--ok-bg); }
.claim-chips .not-shown a { border-color: #fcd34d; background: #fffbeb; }
figure { margin: 0; }
.figure-pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); gap: 14px 22px; margin: 8px 0 10px; }
.figure-pair .chart-box { margin: 0; }
.figure-pair > *, .panels > * { min-width: 0; }
/* The legend under a chart: HTML, so that a long item wraps instead of running off the canvas. */
.chart-legend { list-style: none; margin: -2px 0 12px; padding: 0; display: flex; flex-wrap: wrap; justify-content: center; gap: 2px ` +
  `18px; font-size: 12px; line-height: 1.35; color: #334155; }
.chart-legend li { display: flex; align-items: center; max-width: 100%; }
.chart-legend button { display: flex; align-items: center; max-width: 100%; padding: 2px 0; border: 0; background: none; font: inherit; ` +
  `color: inherit; text-align: left; cursor: pointer; }
.chart-legend button[aria-pressed="false"] { text-decoration: line-through; opacity: .5; }
.chart-legend .swatch { flex: none; width: 12px; height: 12px; }
.swatch.diamond { border-radius: 1px; transform: rotate(45deg) scale(.85); }
.swatch.circle { border-radius: 50%; }
/* Small multiples: a panel per run, the axes named once above them. */
.multiples-axes { margin: 0 0 4px; font-size: 12.5px; color: var(--muted); }
.panels { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 6px 18px; }
.panel .chart-box { margin: 0 0 4px; }
.panel-title { font-size: 13px; line-height: 1.3; }
details.columns { margin: 0 0 10px; padding: 6px 14px; font-size: 13.5px; }
details.columns dl { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 4px 18px; margin: 8px 0 4px; }
details.columns dt { font-weight: 600; }
details.columns dd { margin: 0; color: var(--muted); }
.kind.wrap { white-space: normal; max-width: 28em; }
.chart-box { position: relative; width: 100%; height: 340px; margin: 8px 0 10px; }
figcaption { font-size: 14px; color: #334155; background: var(--panel); border-left: 3px solid var(--accent); padding: 10px 14px; ` +
  `border-radius: 0 8px 8px 0; }
figcaption p:last-child { margin-bottom: 0; }
.how { font-weight: 600; color: var(--ink); }

details { margin: 40px 0 0; border: 1px solid var(--line); border-radius: 10px; padding: 10px 16px; }
details summary { cursor: pointer; font-weight: 600; }
details pre { max-height: 520px; overflow: auto; background: var(--panel); padding: 12px; border-radius: 8px; white-space: pre-wrap; ` +
  `overflow-wrap: anywhere; }
.definitions dt { font-weight: 600; margin-top: 8px; }
.definitions dd { margin: 0 0 0 0; color: #334155; }
footer { margin-top: 40px; color: var(--faint); font-size: 12.5px; }

/* A phone: tables of runs become one card per strategy; other wide tables keep their first column in view. */
@media (max-width: 640px) {
  main { padding: 20px 14px 48px; }
  h1 { font-size: 23px; }
  .findings .figure { font-size: 26px; }
  .table-wrap { position: relative; }
  .table-wrap th:first-child, .table-wrap td:first-child { position: sticky; left: 0; z-index: 1; background: var(--page); box-shadow: ` +
  `1px 0 0 var(--line); }
  .table-wrap th:first-child { background: var(--panel); }
  .table-wrap:has(table:not(.cards))::before { content: "Scroll sideways for more columns →"; display: block; padding: 4px 9px; font-size: 12px; ` +
  `color: var(--muted); background: var(--panel); border-bottom: 1px
solid var(--line); }
  table.cards thead { display: none; }
  table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; width: 100%; }
  table.cards tr { border-bottom: 2px solid var(--line); padding: 6px 0; }
  table.cards td { border: 0; padding: 3px 10px; position: static; box-shadow: none; }
  table.cards td:first-child { position: static; box-shadow: none; padding-bottom: 6px; }
  table.cards td[data-label] { display: flex; justify-content: space-between; gap: 12px; text-align: right; white-space: normal; }
  table.cards td[data-label]::before { content: attr(data-label); color: var(--muted); text-align: left; font-weight: 600; }
  table.cards tr.reference-head td { padding: 5px 10px; }
  .kind.wrap { text-align: left; }
  /* A table that scrolls sideways keeps its headings on one line: wrapped word by word they stood 99 px tall. */
  .table-wrap table:not(.cards) thead th { white-space: nowrap; }
  .panels { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 6px 12px; }
}

/* Print: the charts and tables stay, on the page width; interactive-only parts go. */
@media print {
  @page { margin: 14mm 12mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  .table-wrap { overflow: visible; border: 0; }
  table { font-size: 9pt; }
  th, td { padding: 4px 5px; }
  section.claim { break-before: auto; }
  figure, .verdict, .findings li, tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .chart-box { height: auto !important; break-inside: avoid; }
  .chart-box canvas { max-width: 100% !important; height: auto !important; }
  .findings a { border-color: #cbd5e1; }
  details.raw { display: none; }
  details.columns, details.columns[open] { display: block; }
  tbody tr:hover td { background: none; }
}
`;
