import { cpuShare, type ProcessLoad } from './process-load.js';
import type { Bottleneck, LoadGeneratorCost, LoadProcess } from '../../results/results.js';

/** A process this busy has no slack left: whatever it measures from here on includes its own queueing. */
export const HOT_CPU_SHARE = 0.9;
/** Timers this late (p99) in a client process add that much to the latency it records. */
export const LATE_LOOP_US = 50_000;

export interface LoadEvidence {
  /** The server while it published: CPU over the window, and how late its event loop ran (p99, µs). */
  server: { cpuMs: number; windowMs: number; eventLoopDelayP99Us: number };
  /** One entry per client process, then one per proxy process, then one per delay line (the kernel network). */
  clients: readonly ProcessLoad[];
  proxies: readonly ProcessLoad[];
  delayLines?: readonly ProcessLoad[];
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
    ...evidence.clients.map((load, i): Generator => ({ process: { kind: 'client', number: i + 1 }, load })),
    ...evidence.proxies.map((load, i): Generator => ({ process: { kind: 'proxy', number: i + 1 }, load })),
    ...(evidence.delayLines ?? []).map((load, i): Generator => ({ process: { kind: 'delay-line', number: i + 1 }, load })),
  ];
  const hot = generators.filter((g) => cpuShare(g.load) >= HOT_CPU_SHARE);
  if (hot.length > 0) {
    return {
      verdict: 'load-generator',
      reason: { code: 'generator-saturated', processes: hot.map((g) => ({ process: g.process, cpuShare: round3(cpuShare(g.load)) })) },
    };
  }
  const serverShare = cpuShare(evidence.server);
  const generatorCpuMs = generators.reduce((total, g) => total + g.load.cpuMs, 0);
  const windowMs = evidence.server.windowMs;
  const machineShare = windowMs > 0 ? (evidence.server.cpuMs + generatorCpuMs) / (windowMs * evidence.cores) : 0;
  if (machineShare >= HOT_CPU_SHARE && generatorCpuMs > evidence.server.cpuMs) {
    return { verdict: 'load-generator', reason: { code: 'machine-busy', cores: evidence.cores, machineShare: round3(machineShare) } };
  }
  const serverLateUs = evidence.server.eventLoopDelayP99Us;
  const late = generators.filter((g) => g.load.eventLoopDelayP99Us >= LATE_LOOP_US);
  const latestGeneratorUs = Math.max(0, ...late.map((g) => g.load.eventLoopDelayP99Us));
  if ((serverShare >= HOT_CPU_SHARE || serverLateUs >= LATE_LOOP_US) && serverLateUs >= latestGeneratorUs) {
    return {
      verdict: 'server',
      reason:
        serverLateUs >= LATE_LOOP_US
          ? { code: 'server-loop-late', eventLoopDelayP99Us: serverLateUs, cpuShare: round3(serverShare) }
          : { code: 'server-saturated', cpuShare: round3(serverShare) },
    };
  }
  if (late.length > 0) {
    return {
      verdict: 'load-generator',
      reason: { code: 'generator-loop-late', processes: late.map((g) => ({ process: g.process, eventLoopDelayP99Us: g.load.eventLoopDelayP99Us })) },
    };
  }
  return { verdict: 'none', reason: { code: 'neither', serverCpuShare: round3(serverShare), machineShare: round3(machineShare) } };
}

interface Generator {
  process: LoadProcess;
  load: ProcessLoad;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
