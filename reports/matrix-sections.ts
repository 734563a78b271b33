import type { Scenario } from '../results/results.js';
import { describeFields, describeNetwork, scenarioKey, SCENARIO_FIELDS } from '../results/scenario.js';
import type { ChartSpec, DatasetSpec, LegendItem } from './charts.js';
import { fmtMs } from '../results/number-format.js';
import { escapeHtml as esc } from './format.js';
import { paint, withAlpha, type ReportRun, type RunSet } from './model.js';
import { hasNetworkDelay, latencyModel } from './network-model.js';
import { capacitySection, scaleSection, throughputSection } from './scale-section.js';
import { caption, chartBlock, figure, figureRow, NO_SECTION, section, type ExtraSections } from './section-html.js';
import { strategyCell } from './sections.js';
import { findSweeps, sweepCharts, sweepReading, type Sweep } from './sweeps.js';

/**
 * The sections of a results file that holds more than one scenario, a network or capacity probes: the
 * network model beside the measured latency, the sweeps as line charts, the scale tables and the capacity
 * probes. Each appears only when the results have what it draws, so a quick report is unchanged.
 */

export function matrixSections(sets: readonly RunSet[], runs: readonly ReportRun[]): ExtraSections {
  const parts: ExtraSections[] = [
    networkSection(runs),
    sweepsSection(runs),
    scaleSection(runs),
    throughputSection(runs),
    capacitySection(sets, runs),
  ];
  return { html: parts.map((p) => p.html).join('\n'), charts: parts.flatMap((p) => p.charts) };
}

/** For a results file of several scenarios, the claim charts show the runs of its first (base) scenario only. */
export function baseScenarioRuns(sets: readonly RunSet[], runs: readonly ReportRun[]): ReportRun[] {
  const bases = new Set(
    sets
      .map((set) => set.results.runs[0]?.scenario)
      .filter((s): s is Scenario => s !== undefined)
      .map((s) => scenarioKey(s)),
  );
  return runs.filter((r) => bases.has(scenarioKey(r.run.scenario)));
}

const MODEL_COLOR = '#0f172a';
const MODEL_P99_COLOR = '#64748b';

function networkSection(runs: readonly ReportRun[]): ExtraSections {
  const delayed = runs.filter((r) => hasNetworkDelay(r.run) && r.run.latencyUs.count > 0);
  if (delayed.length === 0) return NO_SECTION;
  const models = delayed.map((r) => latencyModel(r.run.strategy.connection, r.run.scenario));
  const color = (alpha: number) => delayed.map((r) => paint(r, withAlpha(r.color, alpha)));
  const datasets: DatasetSpec[] = [
    { label: 'measured p50', type: 'bar', data: delayed.map((r) => r.run.latencyUs.p50 / 1000), color: color(1) },
    { label: 'measured p99', type: 'bar', data: delayed.map((r) => r.run.latencyUs.p99 / 1000), color: color(0.35) },
    { label: 'model p50', type: 'line', data: models.map((m) => m.p50Ms), color: MODEL_COLOR, pointsOnly: true, stack: 'model-p50' },
    { label: 'model p99', type: 'line', data: models.map((m) => m.p99Ms), color: MODEL_P99_COLOR, pointsOnly: true, stack: 'model-p99' },
  ];
  const legend: LegendItem[] = [
    { text: 'measured p50', color: '#64748b' },
    { text: 'measured p99', color: withAlpha('#64748b', 0.35) },
    { text: 'model p50', color: MODEL_COLOR, line: true },
    { text: 'model p99', color: MODEL_P99_COLOR, line: true },
  ];
  const chart: ChartSpec = {
    id: 'chart-network-model',
    labels: delayed.map((r) => r.label),
    datasets,
    stacked: false,
    logY: true,
    // The power of ten below the smallest value, so that no bar starts at the bottom edge.
    yMin: 10 ** Math.floor(Math.log10(Math.max(0.001, Math.min(...datasets.flatMap((d) => d.data).filter((v): v is number => v !== null && v > 0))))),
    yTitle: 'latency, ms (log scale)',
    unit: 'ms',
    decimals: 1,
    legend,
    valueLabels: 'none',
    height: 380,
  };
  const rows = delayed.map((r, i) => {
    const m = models[i];
    const lat = r.run.latencyUs;
    const note = m.note === null ? '' : `<div class="kind">${esc(m.note)}</div>`;
    return (
      `<tr><td>${strategyCell(r)}<div ` +
      `class="kind">${esc(r.scenarioTag || describeNetwork(r.run.scenario)!)}</div></td><td>${esc(m.formula)}${note}</td>
<td class="num">${fmtMs(m.p50Ms * 1000)}</td><td class="num">${fmtMs(lat.p50)}</td><td class="num">${fmtMs(m.meanMs * 1000)}</td><td ` +
      `class="num">${fmtMs(lat.mean)}</td>
<td class="num">${fmtMs(m.p99Ms * 1000)}</td><td class="num">${fmtMs(lat.p99)}</td><td class="num">${fmtMs(m.maxMs * 1000)}</td><td ` +
      `class="num">${fmtMs(lat.max)}</td></tr>`
    );
  });
  const table = `<div class="table-wrap"><table><thead><tr><th>Run</th><th>Model (d = one-way delay)</th>
<th class="num">p50 model</th><th class="num">p50 measured</th><th class="num">mean model</th><th class="num">mean measured</th>
<th class="num">p99 model</th><th class="num">p99 measured</th><th class="num">max model</th><th class="num">max measured</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>`;
  const body =
    figure(
      chart,
      caption(
        'latency from publish to receipt through the delaying proxy (bars), and what the model of each strategy predicts for the same ' +
          'scenario with no time spent in the server or the clients (diamonds). All values in ms, log scale.',
        'a bar just above its diamond is the network doing what the model says; the distance between them is the processes’ own time ' +
          '(parsing, fan-out, queueing). WebSocket should sit just above one delay; short polling near half an interval plus one delay; ' +
          'long polling at one delay when its poll is held, and up to three in the re-request gap, which a burst of messages exposes.',
      ),
    ) + table;
  return {
    html: section(
      'network-model',
      'Over a network: measured latency against the model',
      'A delaying TCP proxy between the clients and the server adds a one-way delay to every byte in each direction (and to the TCP ' +
        'handshake of every new connection), without reordering bytes. Claims C1, C3 and C5 predict what each strategy’s latency becomes; ' +
        'here is each prediction next to its measurement.',
      body,
    ),
    charts: [chart],
  };
}

/** The base scenario in the factors the sweeps vary, but for the one this sweep varies. */
function describeBase(sweep: Sweep): string {
  const swept = SCENARIO_FIELDS.filter((f) => typeof f.sweep === 'object' && f.key !== sweep.field).map((f) => f.key);
  return describeFields(sweep.base, swept);
}

function sweepsSection(runs: readonly ReportRun[]): ExtraSections {
  const sweeps = findSweeps(runs);
  if (sweeps.length === 0) return NO_SECTION;
  const charts: ChartSpec[] = [];
  const blocks = sweeps.map((sweep) => {
    const specs = sweepCharts(sweep);
    charts.push(...specs);
    const reading = sweepReading(sweep.field);
    // Small multiples: the sweep's charts side by side, one caption for all of them.
    const figures = figureRow(
      specs.map(chartBlock),
      caption(
        `${specs.map((spec) => esc(spec.yTitle)).join('; ')} — against ${esc(specs[0].x!.title)}, one line per strategy. The other factors ` +
          `are those of the base scenario (${esc(describeBase(sweep))}). Rates are taken from the start of publishing until the clients stopped.`,
        reading.reading,
      ),
    );
    return `<h3>With ${esc(reading.heading)}</h3>\n${figures}`;
  });
  return {
    html: section(
      'sweeps',
      'Sweeps: how each strategy scales',
      'Each sweep changes one factor of the scenario and keeps the others; the lines show how a strategy’s cost and latency follow it.',
      blocks.join('\n'),
    ),
    charts,
  };
}
