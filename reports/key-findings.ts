import { perDeliveredMessage, ratio } from '../results/metrics.js';
import { fmtBytes, fmtInt, fmtMs, fmtNumber } from '../results/number-format.js';
import { isValidRun, type Results, type RunResult } from '../results/results.js';
import { articleRuns } from './article-runs.js';
import { heldFigures, heldMeanText } from './held.js';
import { nameOf, timesText } from './judgements.js';

/**
 * The verdict strip that opens the report: the few ratios between strategies that answer the article, computed
 * from this run and said in plain words, each linking to the section that shows it. A pure function of a Results.
 */
export interface KeyFinding {
  /** The figure in large type: "20×", "≈", "100". */
  figure: string;
  /** The finding as a sentence, with both measured values (plain text). */
  sentence: string;
  /** The section that shows it. */
  href: string;
}

/** Within this share of each other, two figures read as "about the same". */
const SAME_WITHIN = 0.1;

interface Measure {
  href: string;
  /** "requests per delivered message" */
  what: string;
  /** Comparative for the smaller side: "fewer", "lower" */
  less: string;
  more: string;
  value: (run: RunResult) => number | null;
  format: (value: number) => string;
}

const MEASURES: readonly Measure[] = [
  {
    href: '#c2',
    what: 'requests per delivered message',
    less: 'fewer',
    more: 'more',
    value: (run) => perDeliveredMessage(run).requestsPerDelivered,
    format: (v) => fmtNumber(v, 2),
  },
  {
    href: '#c4',
    what: 'bytes on the wire per delivered message',
    less: 'fewer',
    more: 'more',
    value: (run) => perDeliveredMessage(run).bytesTotalPerDelivered,
    format: (v) => `${fmtBytes(v)} B`,
  },
  {
    href: '#c1',
    what: 'median latency',
    less: 'lower',
    more: 'higher',
    value: (run) => (run.latencyUs.count > 0 ? run.latencyUs.p50 : null),
    format: (v) => `${fmtMs(v)} ms`,
  },
];

/** How `subject` compares with `other` on one measure, as a finding; null when either value is missing. */
function compare(measure: Measure, subject: RunResult, other: RunResult): KeyFinding | null {
  const a = measure.value(subject);
  const b = measure.value(other);
  if (a === null || b === null || a <= 0 || b <= 0) return null;
  const values = `(${measure.format(a)} against ${measure.format(b)})`;
  const subjectName = capitalise(nameOf(subject));
  if (Math.abs(a - b) / Math.max(a, b) <= SAME_WITHIN) {
    return { figure: '≈', sentence: `${subjectName} and ${nameOf(other)} were about the same in ${measure.what} ${values}.`, href: measure.href };
  }
  const times = a < b ? ratio(b, a)! : ratio(a, b)!;
  const word = a < b ? measure.less : measure.more;
  return {
    figure: timesText(times),
    sentence: `${subjectName} had ${timesText(times)} ${word} ${measure.what} than ${nameOf(other)} ${values}.`,
    href: measure.href,
  };
}

function capitalise(text: string): string {
  return text[0].toUpperCase() + text.slice(1);
}

/**
 * The article's own comparison: its push strategy (WebSocket) against short polling; with one of them missing,
 * long polling stands in. Only valid runs of pushbench's own strategies count.
 */
export function keyFindings(results: Results): KeyFinding[] {
  const a = articleRuns(results);
  const valid = (run: RunResult | undefined) => (run !== undefined && isValidRun(run) && run.messages.delivered > 0 ? run : undefined);
  const [short, long, push] = [valid(a.short), valid(a.long), valid(a.push)];
  const subject = push ?? long;
  const other = short ?? (subject === long ? undefined : long);
  const findings: KeyFinding[] = [];
  if (subject !== undefined && other !== undefined) {
    for (const measure of MEASURES) {
      const finding = compare(measure, subject, other);
      if (finding !== null) findings.push(finding);
    }
  }
  const held = long === undefined ? null : heldFigures(long);
  if (long !== undefined && held !== null) {
    const shortHeld = short === undefined ? null : heldFigures(short);
    const contrast =
      shortHeld === null
        ? ''
        : `; short polling ${shortHeld.peak === 0 ? 'none' : `at most ${fmtInt(shortHeld.peak)}`}, with ${fmtInt(short!.connections.peak)} ` +
          `TCP connections open all the same`;
    findings.push({
      figure: heldMeanText(held.mean),
      sentence:
        `requests parked on the server by long polling on average, for ${fmtInt(long.scenario.clients)} clients (peak ` +
        `${fmtInt(held.peak)}${contrast}).`,
      href: '#c3',
    });
  }
  return findings;
}
