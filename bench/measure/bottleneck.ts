import { cpuShare, type ProcessLoad } from './process-load.js';
import type { Bottleneck, LoadGeneratorCost } from '../../results/results.js';

/** A process this busy has no slack left: whatever it measures from here on includes its own queueing. */
export const HOT_CPU_SHARE = 0.9;
/** Timers this late (p99) in a client process add that much to the latency it records. */
export const LATE_LOOP_US = 50_000;

export interface LoadEvidence {
  /** The server while it published: CPU over the window, and how late its event loop ran (p99, µs). */
  server: { cpuMs: number; windowMs: number; eventLoopDelayP99Us: number };
  /** One entry per client process, then one per proxy process. */
  clients: readonly ProcessLoad[];
  proxies: readonly ProcessLoad[];
  cores: number;
}

/** Sums the loads of several processes of one kind for results.json. */
export function summarizeLoads(loads: readonly ProcessLoad[]): LoadGeneratorCost {
  return {
    count: loads.length,
    cpuMs: round1(loads.reduce((total, load) => total + load.cpuMs, 0)),
    busiestCpuShare: round3(Math.max(0, ...loads.map(cpuShare))),
    eventLoopDelayP99Us: Math.max(0, ...loads.map((load) => load.eventLoopDelayP99Us)),
  };
}

/**
 * Who limited the run, from CPU and event-loop delay. A load generator (client processes and proxies) that used
 * a whole core, or most of a full machine, is named first: a saturated generator makes any server look slow, so
 * its figures must not be read as the server's. Then whichever side ran its event loop later: a late loop is
 * latency added by that process, the server's fan-out or the clients' own parsing. The server is also the
 * bottleneck when it used nearly a whole core (it is one thread).
 */
export function judgeBottleneck(evidence: LoadEvidence): Bottleneck {
  const generators = [
    ...evidence.clients.map((load, i) => ({ name: `client process ${i + 1}`, load })),
    ...evidence.proxies.map((load, i) => ({ name: `proxy process ${i + 1}`, load })),
  ];
  const hot = generators.filter((g) => cpuShare(g.load) >= HOT_CPU_SHARE);
  if (hot.length > 0) {
    const list = hot.map((g) => `${g.name} ${percent(cpuShare(g.load))} of a core`).join(', ');
    return { verdict: 'load-generator', reason: `the load generator was saturated (${list}): its latencies and rates include its own queueing` };
  }
  const serverShare = cpuShare(evidence.server);
  const generatorCpuMs = generators.reduce((total, g) => total + g.load.cpuMs, 0);
  const windowMs = evidence.server.windowMs;
  const machineShare = windowMs > 0 ? (evidence.server.cpuMs + generatorCpuMs) / (windowMs * evidence.cores) : 0;
  if (machineShare >= HOT_CPU_SHARE && generatorCpuMs > evidence.server.cpuMs) {
    return {
      verdict: 'load-generator',
      reason: `the machine's ${evidence.cores} cores were ${percent(machineShare)} busy and the load generator used more of them than the server did`,
    };
  }
  const serverLateUs = evidence.server.eventLoopDelayP99Us;
  const late = generators.filter((g) => g.load.eventLoopDelayP99Us >= LATE_LOOP_US);
  const latestGeneratorUs = Math.max(0, ...late.map((g) => g.load.eventLoopDelayP99Us));
  if ((serverShare >= HOT_CPU_SHARE || serverLateUs >= LATE_LOOP_US) && serverLateUs >= latestGeneratorUs) {
    const cpu = `${percent(serverShare)} of a core`;
    return {
      verdict: 'server',
      reason:
        serverLateUs >= LATE_LOOP_US
          ? `the server's event loop ran ${millis(serverLateUs)} late (p99) while publishing, using ${cpu}: its own work per message set the pace`
          : `the server process used ${cpu}, all one event loop can give`,
    };
  }
  if (late.length > 0) {
    const list = late.map((g) => `${g.name} ${millis(g.load.eventLoopDelayP99Us)}`).join(', ');
    return { verdict: 'load-generator', reason: `the load generator ran its timers late (event-loop delay p99: ${list}), which adds to the latencies it measured` };
  }
  return { verdict: 'none', reason: `neither was saturated (server ${percent(serverShare)} of a core, machine ${percent(machineShare)} busy)` };
}

function millis(us: number): string {
  return `${Math.round(us / 1000)} ms`;
}

function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
