import { fmtInt, fmtNumber } from '../results/number-format.js';
import type { RecoveryTimes, RunResult } from '../results/results.js';
import { describeStep, type Scenario } from '../results/scenario.js';
import { brokerBytesPerMessage, redisCpuMsPerThousand } from '../results/scale-out-metrics.js';

/** One line per fault run (how the clients came back) and per Redis run (what the broker cost). */
export function scaleOutLines(runs: readonly RunResult[]): string[] {
  const scenarios = runs.map((run) => run.scenario);
  const lines: string[] = [];
  for (const run of runs) {
    const o = run.recovery;
    if (!o) continue;
    const overflows = o.listenOverflows === null ? 'listen-queue overflows not exposed' : `${fmtInt(o.listenOverflows)} listen-queue overflow(s)`;
    lines.push(
      `RECOVERY ${run.strategy.name}${tag(run, scenarios)}: ${fmtInt(o.affectedClients)} of ${fmtInt(run.scenario.clients)} ` +
        `clients affected; ` +
        `attached again 50/95/100 % ${times(o.reattachMs)} ms, a message again ${times(o.firstMessageMs)} ms after the kill; ` +
        `${fmtInt(o.reconnectAttempts)} reconnect attempts, peak ${fmtInt(o.peakAcceptPerSec)} accepts/s, ${overflows}`,
    );
  }
  for (const run of runs) {
    if (!run.broker) continue;
    const bytes = brokerBytesPerMessage(run.broker);
    lines.push(
      `REDIS ${run.strategy.name}${tag(run, scenarios)}: Redis CPU ${fmtNumber(redisCpuMsPerThousand(run.broker), 1)} ms per 1,000 ` +
        `messages, ` +
        `${fmtInt(bytes.toRedis)} B to and ${fmtInt(bytes.fromRedis)} B from Redis per message (${fmtInt(run.broker.published)} published)`,
    );
  }
  return lines.length === 0 ? [] : [...lines, ''];
}

/** What sets a run's scenario apart from the others' ("2 server processes · backoff none"), in brackets; nothing for one scenario. */
function tag(run: RunResult, all: readonly Scenario[]): string {
  const step = describeStep(run.scenario, all, run.strategy);
  return step === '' ? '' : ` (${step})`;
}

function times(t: RecoveryTimes): string {
  return [t.p50, t.p95, t.p100].map((ms) => (ms === null ? 'never' : fmtInt(ms))).join('/');
}
