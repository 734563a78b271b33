import { isValidRun, type Results, type RunResult } from '../results/results.js';
import { describeStep } from '../results/scenario.js';
import { strategyColour } from '../servers/contract/palette.js';
import { deriveMetrics, type DerivedMetrics } from './derive.js';

/** One results.json as the report shows it: alone (label null) or as run A or B of a comparison. */
export interface RunSet {
  label: string | null;
  results: Results;
}

/** One strategy's run, with everything the sections need to draw it the same way everywhere. */
export interface ReportRun {
  run: RunResult;
  derived: DerivedMetrics;
  setLabel: string | null;
  /** "Short polling", or "Short polling · A" in a comparison. */
  label: string;
  /** The strategy's colour: the same in every table and chart, and in A and B. */
  color: string;
  /** Run B of a comparison is drawn hatched, so A and B can be told apart without a legend. */
  striped: boolean;
  /** A peer measured for comparison (Socket.IO, the bare ws loop): greys, after a gap, tagged in every table. */
  reference: boolean;
  /** What sets this run's scenario apart in a results file of several (e.g. "1,000 clients"); empty when there is one. */
  scenarioTag: string;
  valid: boolean;
}

/** "#rrggbb" at the given opacity, for the pale parts of stacked bars. */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => parseInt(h, 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** The colour spec the browser script understands: "stripe:" asks for a hatched pattern. */
export function paint(run: ReportRun, color: string): string {
  return run.striped ? `stripe:${color}` : color;
}

/**
 * Runs grouped by strategy (in order of first appearance, references last), A before B within a strategy, so
 * that the two runs of a comparison sit next to each other in every table and chart.
 */
export function buildRuns(sets: readonly RunSet[]): ReportRun[] {
  const seen: string[] = [];
  const references = new Set<string>();
  // A strategy's first run names its colour, so that A and B of a comparison are drawn alike.
  const colors = new Map<string, string>();
  for (const set of sets) {
    for (const run of set.results.runs) {
      if (!seen.includes(run.strategy.name)) seen.push(run.strategy.name);
      if (!colors.has(run.strategy.name)) colors.set(run.strategy.name, strategyColour(run.strategy));
      if (run.strategy.reference === true) references.add(run.strategy.name);
    }
  }
  // pushbench's own strategies first, the references after them, each group in order of appearance.
  const order = [...seen.filter((name) => !references.has(name)), ...seen.filter((name) => references.has(name))];
  const scenariosOf = new Map(sets.map((set) => [set, set.results.runs.map((run) => run.scenario)]));
  const runs: ReportRun[] = [];
  for (const name of order) {
    sets.forEach((set, setIndex) => {
      for (const run of set.results.runs) {
        if (run.strategy.name !== name) continue;
        const reference = references.has(name);
        const scenarioTag = describeStep(run.scenario, scenariosOf.get(set)!, run.strategy);
        const title = (reference ? `${run.strategy.title} (reference)` : run.strategy.title) + (scenarioTag ? ` · ${scenarioTag}` : '');
        runs.push({
          run,
          derived: deriveMetrics(run),
          setLabel: set.label,
          label: set.label === null ? title : `${title} · ${set.label}`,
          color: colors.get(name)!,
          striped: setIndex > 0,
          reference,
          scenarioTag,
          valid: isValidRun(run),
        });
      }
    });
  }
  return runs;
}

/** Short polling, or any strategy added later that also asks once per interval. */
export function isIntervalPolling(run: RunResult): boolean {
  return run.strategy.connection === 'request-per-poll';
}
