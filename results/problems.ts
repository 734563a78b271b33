/**
 * What went wrong in a bench, as codes with their data: the harness records a code, and each audience (the
 * terminal summary, the HTML report) words it in its own renderer. A renderer switches over every code, so a new
 * code without a sentence fails to compile. results.json written before codes holds plain sentences instead; the
 * readers accept both (`Legacy`).
 */
import type { ByteCounts } from '../servers/contract/byte-counts.js';

/** A sentence, as results files written before problems were codes hold them: rendered as it is. */
export type Legacy = string;

/** How many examples of one kind of fault a run keeps: enough to look into, few enough to read. */
export const FAULT_EXAMPLES = 3;
/** How many missed seqs one example names. */
export const MISSED_SEQS_SHOWN = 5;

/** A client that missed messages: how many, and the first few seqs it never got. */
export interface MissedExample {
  /** The client's index in the whole run (the same across client processes). */
  client: number;
  missed: number;
  /** The first MISSED_SEQS_SHOWN seqs it missed, ascending. */
  firstSeqs: number[];
}

/** A client and how many times something happened to it (duplicates, reorderings, gap signals). */
export interface CountExample {
  client: number;
  count: number;
}

/** What makes a run invalid. */
export type RunProblem =
  /** A child process died or a step timed out: `reason` is the error's own message. */
  | { code: 'not-measured'; reason: string }
  /** Not every client connected within the connect budget, so the schedule never ran. */
  | { code: 'never-connected'; connected: number; clients: number; timeoutMs: number }
  /** The schedule's seed, rate and duration gave no publish at all. */
  | { code: 'nothing-published'; ratePerSec: number; durationSec: number; seed: number }
  /** `clients` clients missed `missed` messages in all; `examples` are the first few clients. */
  | { code: 'messages-missed'; clients: number; missed: number; examples: MissedExample[] }
  | { code: 'messages-duplicated'; clients: number; duplicated: number; examples: CountExample[] }
  | { code: 'messages-out-of-order'; clients: number; outOfOrder: number; examples: CountExample[] }
  /** Clients still lacking the last message `timeoutMs` after the schedule ended. */
  | { code: 'not-drained'; clients: number; lastSeq: number; timeoutMs: number }
  /** The byte counts at the clients' sockets and at the server's differ, with no connection cut on purpose. */
  | { code: 'bytes-disagree'; clientSide: ByteCounts; serverSide: ByteCounts }
  /**
   * Over TLS: the application bytes the clients' record meters read out of the records differ from the plaintext the
   * server's TLS sockets counted (no connection cut on purpose): the split of the bytes cannot be trusted.
   */
  | { code: 'tls-application-disagree'; clientSide: ByteCounts; serverSide: ByteCounts }
  /** A blocked-upgrade run: not as many clients fell back to long polling as were refused at the upgrade. */
  | { code: 'fallback-mismatch'; blocked: number; fellBack: number };

/** What makes a run's figures less trustworthy without making it invalid. */
export type RunWarning =
  /** Clients told that their cursor was older than the log (what they really lost is counted as missed). */
  | { code: 'gaps-signalled'; clients: number; gaps: number; examples: CountExample[] }
  /**
   * Publishes that went out more than `lateMs` after their planned time; the worst by `worstMs`. `publisher`: a
   * publisher process sent them (its latency counts from the planned time all the same); absent: the server process.
   */
  | { code: 'late-publishes'; late: number; of: number; lateMs: number; worstMs: number; publisher?: 'http' | 'redis' }
  /** A fault run: the killed process took its counters with it (server-side bytes, CPU and memory are partial). */
  | { code: 'server-replaced'; atSec: number; serverProcesses: number }
  /** Byte counts disagree because churn cut `churned` connections with bytes in flight: expected. */
  | { code: 'bytes-cut-by-churn'; clientSide: ByteCounts; serverSide: ByteCounts; churned: number }
  /** The load generator limited the run (run.bottleneck says why): its figures are the machine's limit. */
  | { code: 'load-generator-bound'; reason: BottleneckReason }
  /**
   * A publisher process gave up `failed` of its `of` publishes (no seq: those messages were never part of the
   * run); `byCause` counts every failed attempt, retried or not, by what came back.
   */
  | { code: 'publishes-failed'; failed: number; of: number; byCause: Record<string, number> };

/** Why a capacity probe, or its node:http floor, has no figures. */
export type CapacityProblem = { code: 'probe-not-measured'; reason: string } | { code: 'floor-not-measured'; reason: string };

/**
 * A load-generating process: client process 1, proxy process 2 (numbered from 1, as the progress line does), delay
 * line 1 (the kernel network's, in the server's namespace; 2 in the clients').
 */
export interface LoadProcess {
  kind: 'client' | 'proxy' | 'delay-line';
  number: number;
}

/** "client process 2", "delay line 1": a load-generating process as every audience names it. */
export function loadProcessName(p: LoadProcess): string {
  return p.kind === 'delay-line' ? `delay line ${p.number}` : `${p.kind} process ${p.number}`;
}

/** Why a run's bottleneck verdict is what it is (bench/measure/bottleneck.ts), with the figures it rests on. */
export type BottleneckReason =
  /** Load-generating processes at HOT_CPU_SHARE of a core or more. */
  | { code: 'generator-saturated'; processes: { process: LoadProcess; cpuShare: number }[] }
  /** The machine's cores nearly full, more of them used by the load generator than by the server. */
  | { code: 'machine-busy'; cores: number; machineShare: number }
  /** The server's event loop ran late (p99) while publishing. */
  | { code: 'server-loop-late'; eventLoopDelayP99Us: number; cpuShare: number }
  /** The server used nearly a whole core. */
  | { code: 'server-saturated'; cpuShare: number }
  /** Load-generating processes whose timers ran late. */
  | { code: 'generator-loop-late'; processes: { process: LoadProcess; eventLoopDelayP99Us: number }[] }
  | { code: 'neither'; serverCpuShare: number; machineShare: number };

/** Every code a run or a probe records: what each audience's notice renderer must word. */
export type Notice = RunProblem | RunWarning | CapacityProblem;
