import { fmtInt, fmtNumber, fmtSetting } from '../results/number-format.js';
import type { RecoveryTimes, RunResult, Scenario } from '../results/results.js';
import { brokerBytesPerMessage, redisCpuMsPerThousand } from '../results/scale-out-metrics.js';

/** The scale-out settings of a scenario, for its heading line; nothing for the defaults (memory, 1, full jitter). */
export function scaleOutParts(s: Scenario): string[] {
  const parts: string[] = [];
  if (s.source === 'redis') parts.push('Redis source');
  if ((s.serverProcesses ?? 1) > 1) parts.push(`${fmtSetting(s.serverProcesses!)} server processes`);
  if (s.restartAtSec !== undefined) parts.push(`a server process killed at ${fmtSetting(s.restartAtSec)} s`);
  if (s.backoff !== undefined) parts.push(`backoff ${s.backoff}`);
  return parts;
}

/** One line per fault run (how the clients came back) and per Redis run (what the broker cost). */
export function scaleOutLines(runs: readonly RunResult[]): string[] {
  const lines: string[] = [];
  for (const run of runs) {
    const o = run.recovery;
    if (!o) continue;
    const overflows = o.listenOverflows === null ? 'listen-queue overflows not exposed' : `${fmtInt(o.listenOverflows)} listen-queue overflow(s)`;
    lines.push(
      `RECOVERY ${run.strategy.name}${tag(run.scenario)}: ${fmtInt(o.affectedClients)} of ${fmtInt(run.scenario.clients)} clients affected; ` +
        `attached again 50/95/100 % ${times(o.reattachMs)} ms, a message again ${times(o.firstMessageMs)} ms after the kill; ` +
        `${fmtInt(o.reconnectAttempts)} reconnect attempts, peak ${fmtInt(o.peakAcceptPerSec)} accepts/s, ${overflows}`,
    );
  }
  for (const run of runs) {
    if (!run.broker) continue;
    const bytes = brokerBytesPerMessage(run.broker);
    lines.push(
      `REDIS ${run.strategy.name}${tag(run.scenario)}: Redis CPU ${fmtNumber(redisCpuMsPerThousand(run.broker), 1)} ms per 1,000 messages, ` +
        `${fmtInt(bytes.toRedis)} B to and ${fmtInt(bytes.fromRedis)} B from Redis per message (${fmtInt(run.broker.published)} published)`,
    );
  }
  return lines.length === 0 ? [] : [...lines, ''];
}

function tag(s: Scenario): string {
  const parts = [(s.serverProcesses ?? 1) > 1 ? `${s.serverProcesses} processes` : '', s.backoff ? `backoff ${s.backoff}` : ''].filter(Boolean);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

function times(t: RecoveryTimes): string {
  return [t.p50, t.p95, t.p100].map((ms) => (ms === null ? 'never' : fmtInt(ms))).join('/');
}
