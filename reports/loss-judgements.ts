import { ratio } from '../results/metrics.js';
import { totalRetransmissions } from '../results/kernel-network.js';
import { fmtInt, fmtMs, fmtNumber, fmtPercent, fmtSetting } from '../results/number-format.js';
import { isValidRun, type RunResult } from '../results/results.js';
import { scenarioKey, scenarioValue } from '../results/scenario.js';
import { nameOf, type Verdict } from './judgements.js';

/**
 * What the runs over the kernel network show, judged from their figures alone: how each strategy's tail grows with
 * packet loss, whether long polling beats WebSocket at the tail under loss, whether every message still arrived
 * exactly once, and how far TCP's own round trip is from the model's. Pure functions of the runs, so fixtures can
 * drive them to opposite verdicts.
 */

export interface LossFinding {
  verdict: Verdict;
  /** Plain text (escape before printing), naming the measured numbers. */
  finding: string;
}

/** Runs of one scenario but for the loss, one strategy each per loss: a table of the section. */
export interface LossSeries {
  /** The loss percents, ascending. */
  losses: number[];
  /** Per strategy, in the order the runs came: its run at each loss (undefined where none ran). */
  strategies: { name: string; runs: (RunResult | undefined)[] }[];
}

/** The kernel network's runs grouped into series: same scenario but for the loss (a TLS field would split them). */
export function lossSeries(runs: readonly RunResult[]): LossSeries[] {
  const kernel = runs.filter((run) => run.kernelNetwork !== undefined);
  const groups = new Map<string, RunResult[]>();
  for (const run of kernel) {
    const key = scenarioKey(run.scenario, ['lossPercent']);
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()].map((group) => {
    const losses = [...new Set(group.map((run) => scenarioValue(run.scenario, 'lossPercent')))].sort((a, b) => a - b);
    const names = [...new Set(group.map((run) => run.strategy.name))];
    return {
      losses,
      strategies: names.map((name) => ({
        name,
        runs: losses.map((loss) => group.find((run) => run.strategy.name === name && scenarioValue(run.scenario, 'lossPercent') === loss)),
      })),
    };
  });
}

const ms = (us: number) => `${fmtMs(us)} ms`;
const usable = (run: RunResult | undefined): run is RunResult => run !== undefined && isValidRun(run) && run.messages.delivered > 0;

/** Long polling against WebSocket at the tail (p99, and p99.9 where known) at the highest loss both ran. */
export function judgeTailUnderLoss(series: LossSeries): LossFinding {
  const of = (name: string) => series.strategies.find((s) => s.name === name)?.runs ?? [];
  const long = of('long-polling');
  const ws = of('websocket');
  const at = series.losses.map((_, i) => i).filter((i) => usable(long[i]) && usable(ws[i]) && series.losses[i] > 0);
  if (at.length === 0) {
    return { verdict: 'not-measured', finding: 'Long polling and WebSocket did not both run valid under loss in these results.' };
  }
  const i = at.at(-1)!;
  const loss = fmtSetting(series.losses[i]);
  const [lp, w] = [long[i]!.latencyUs, ws[i]!.latencyUs];
  const tail = (l: RunResult['latencyUs']) => `p99 ${ms(l.p99)}${l.p999 !== undefined ? `, p99.9 ${ms(l.p999)}` : ''}`;
  if (lp.p99 < w.p99) {
    return {
      verdict: 'shown',
      finding:
        `Long polling beats WebSocket at the tail under ${loss} % loss: ${tail(lp)} against WebSocket’s ${tail(w)}. ` +
        'One lost segment on a WebSocket holds every message behind it until TCP resends it; a poll’s loss delays only that poll.',
    };
  }
  return {
    verdict: 'not-shown',
    finding:
      `WebSocket keeps the shorter tail under ${loss} % loss: ${tail(w)} against long polling’s ${tail(lp)}; ` +
      'head-of-line blocking on its one connection costs less than long polling’s extra round trips.',
  };
}

/** How one strategy's p99 grows from the lowest loss to the highest. */
export function judgeTailGrowth(strategy: LossSeries['strategies'][number], losses: readonly number[]): string | null {
  const pairs = strategy.runs.map((run, i) => [run, losses[i]] as const).filter(([run]) => usable(run));
  if (pairs.length < 2) return null;
  const [[first, low], [last, high]] = [pairs[0], pairs.at(-1)!];
  const times = ratio(last!.latencyUs.p99, first!.latencyUs.p99);
  const name = nameOf(first!);
  return (
    `${name[0].toUpperCase()}${name.slice(1)}: p99 ${ms(first!.latencyUs.p99)} at ${fmtSetting(low)} % loss, ` +
    `${ms(last!.latencyUs.p99)} at ${fmtSetting(high)} %` +
    `${times !== null ? ` (${fmtNumber(times, 1)}×)` : ''}; ${fmtInt(totalRetransmissions(last!.kernelNetwork!))} segments retransmitted at ` +
    `${fmtSetting(high)} %.`
  );
}

/** Whether every client of every kernel-network run received every message exactly once, in order. */
export function judgeExactlyOnce(runs: readonly RunResult[]): LossFinding {
  const kernel = runs.filter((run) => run.kernelNetwork !== undefined);
  if (kernel.length === 0) return { verdict: 'not-measured', finding: 'No run over the kernel network.' };
  const broken = kernel.filter((run) => !isValidRun(run) || run.messages.missed + run.messages.duplicated + run.messages.outOfOrder > 0);
  if (broken.length === 0) {
    const delivered = kernel.reduce((total, run) => total + run.messages.delivered, 0);
    return {
      verdict: 'shown',
      finding: `Every client of all ${fmtInt(kernel.length)} runs received every message exactly once, in order: ${fmtInt(delivered)} deliveries.`,
    };
  }
  const names = broken.map((run) => `${nameOf(run)} at ${fmtSetting(scenarioValue(run.scenario, 'lossPercent'))} % loss`);
  return { verdict: 'not-shown', finding: `Not every message arrived exactly once, in order: ${names.join('; ')} (see the problems above).` };
}

/**
 * TCP's own round trip (ss -ti) against the model's, over the runs without loss (with loss, retransmissions inflate
 * the smoothed RTT). The least RTT of each connection is the path's and judges the model; the smoothed RTT adds
 * what the receivers' delayed acknowledgements and the processes' queues add, and is said beside it.
 */
export function judgeModelRtt(runs: readonly RunResult[]): LossFinding {
  const measured = runs.filter(
    (run) => run.kernelNetwork?.tcpRttMs && run.kernelNetwork.modelRttMs > 0 && scenarioValue(run.scenario, 'lossPercent') === 0,
  );
  if (measured.length === 0) return { verdict: 'not-measured', finding: 'No run without loss had a round trip to measure against the model.' };
  const model = measured[0].kernelNetwork!.modelRttMs;
  const range = (medians: number[]) => {
    const sorted = [...medians].sort((a, b) => a - b);
    return { low: sorted[0], high: sorted.at(-1)!, text: `${fmtNumber(sorted[0], 1)}–${fmtNumber(sorted.at(-1), 1)} ms` };
  };
  const smoothed = range(measured.map((run) => run.kernelNetwork!.tcpRttMs!.median));
  const withMin = measured.filter((run) => run.kernelNetwork!.tcpMinRttMs);
  const least = withMin.length > 0 ? range(withMin.map((run) => run.kernelNetwork!.tcpMinRttMs!.median)) : null;
  const judged = least ?? smoothed;
  const error = (judged.high - model) / model;
  const runsText = `median per run, ${fmtInt(measured.length)} runs without loss`;
  const finding =
    least === null
      ? `TCP measured a smoothed round trip of ${smoothed.text} (${runsText}) against the model’s ${fmtNumber(model, 0)} ms: at most ` +
        `${fmtPercent(Math.max(0, error))} above it.`
      : `TCP’s least round trip per connection was ${least.text} (${runsText}) against the model’s ${fmtNumber(model, 0)} ms: at most ` +
        `${fmtPercent(Math.max(0, error))} above it; its smoothed round trip, which adds the receivers’ delayed acknowledgements and the ` +
        `processes’ queues, ${smoothed.text}.`;
  return {
    // Within a tenth of the model: the delay line, not the processes' scheduling, sets the round trip.
    verdict: Math.abs((judged.low - model) / model) <= 0.1 && Math.abs(error) <= 0.1 ? 'shown' : 'not-shown',
    finding,
  };
}
