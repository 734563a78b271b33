import { readFileSync, rmSync } from 'node:fs';
import { nowMs } from '../../servers/contract/message.js';
import type { RunBudgets } from '../plan/budgets.js';
import { delay, type RpcChild } from '../ipc/rpc.js';
import type { ScheduleReport, ServerProtocol } from '../ipc/protocol.js';
import type { CertificatePem } from '../../servers/wire/certificate.js';

/** Seqs of the restarted server start here: far above anything the killed one can have used in a run. */
export const RESTART_FIRST_SEQ = 1_000_001;

export interface RestartOutcome {
  /** The schedule as both servers together carried it out. */
  schedule: ScheduleReport;
  /** Every seq either server published: what each client should have received. */
  expectedSeqs: number[];
  /** Seqs the killed server had published when it died. */
  publishedBeforeKill: number[];
  /** When it was killed, wall clock (nowMs()). */
  killedAtMs: number;
  /** The server now running; the harness talks to it from here on. */
  server: RpcChild<ServerProtocol>;
}

export interface RestartPlan {
  strategy: string;
  longPollTimeoutMs: number;
  port: number;
  offsetsMs: number[];
  durationMs: number;
  payloadBytes: number;
  restartAtMs: number;
  budgets: Pick<RunBudgets, 'startMs' | 'callMs' | 'scheduleMs'>;
  /** Starts a new server process (registered with the harness so it dies with it). */
  spawnServer: () => RpcChild<ServerProtocol>;
  /** The first server, already started with `publishLog`. */
  first: RpcChild<ServerProtocol>;
  /** The file the first server appends each seq to before publishing it. */
  publishLog: string;
  /** A run over TLS: the new server speaks it with the same certificate, so the clients trust it as they did. */
  tls?: CertificatePem;
}

/**
 * The fault run: the server process is SIGKILLed in the middle of the schedule and a new one takes
 * its port. The killed process wrote each seq to a log before publishing it, so the harness knows exactly
 * what it published; the messages still unread in it are lost, and the clients' missed counts name them.
 */
export async function publishAcrossRestart(plan: RestartPlan): Promise<RestartOutcome> {
  const { publishLog, first, budgets } = plan;
  try {
    const startAtMs = nowMs();
    const firstRun = first
      .call('runSchedule', { offsetsMs: plan.offsetsMs, durationMs: plan.durationMs, payloadBytes: plan.payloadBytes, startAtMs }, budgets.scheduleMs)
      .catch(() => null);
    await delay(plan.restartAtMs);
    const killedAtMs = nowMs();
    first.kill();
    await firstRun;
    const publishedBeforeKill = readPublished(publishLog);

    const second = plan.spawnServer();
    await second.call(
      'start',
      {
        strategy: plan.strategy,
        longPollTimeoutMs: plan.longPollTimeoutMs,
        port: plan.port,
        firstSeq: RESTART_FIRST_SEQ,
        ...(plan.tls && { tls: plan.tls }),
      },
      budgets.startMs,
    );
    await second.call('openWindow', undefined, budgets.callMs);
    const remaining = plan.offsetsMs.slice(publishedBeforeKill.length);
    const secondRun = await second.call(
      'runSchedule',
      { offsetsMs: remaining, durationMs: plan.durationMs, payloadBytes: plan.payloadBytes, startAtMs },
      budgets.scheduleMs,
    );
    const publishedAfter = Array.from({ length: secondRun.published }, (_, i) => RESTART_FIRST_SEQ + i);
    return {
      schedule: {
        published: publishedBeforeKill.length + secondRun.published,
        lastSeq: secondRun.published > 0 ? secondRun.lastSeq : (publishedBeforeKill.at(-1) ?? 0),
        latePublishes: secondRun.latePublishes,
        maxLagMs: secondRun.maxLagMs,
      },
      expectedSeqs: [...publishedBeforeKill, ...publishedAfter],
      publishedBeforeKill,
      killedAtMs,
      server: second,
    };
  } finally {
    rmSync(publishLog, { force: true });
  }
}

function readPublished(path: string): number[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map(Number);
}
