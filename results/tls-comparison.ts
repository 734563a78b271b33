import { perDeliveredMessage, ratio } from './metrics.js';
import type { RunResult } from './results.js';
import { scenarioKey, scenarioValue } from './scenario.js';

/**
 * One strategy's run over TLS and, when the results hold it, the same run in cleartext (the same scenario but for
 * `tls`): what TLS adds per delivered message, in bytes and in server CPU. Null where a figure cannot be had.
 */
export interface TlsComparison {
  tls: RunResult;
  cleartext: RunResult | undefined;
  /** TCP bytes both ways per delivered message: cleartext, over TLS, and the difference. */
  bytesPerDelivered: { cleartext: number | null; tls: number | null; added: number | null };
  /** Of the TLS run's bytes per delivered message: its handshakes' and its records' overhead (header, type, tag). */
  handshakeBytesPerDelivered: number | null;
  recordOverheadPerDelivered: number | null;
  /** Server CPU per delivered message above the idle baseline, µs: cleartext, over TLS, the difference. */
  cpuUsPerDelivered: { cleartext: number | null; tls: number | null; added: number | null };
}

/** Every run over TLS in `runs`, with its cleartext twin when there is one (first of each), in the order of `runs`. */
export function compareTls(runs: readonly RunResult[]): TlsComparison[] {
  const key = (run: RunResult) => JSON.stringify([run.strategy.name, scenarioKey(run.scenario, ['tls'])]);
  const cleartext = new Map<string, RunResult>();
  for (const run of runs) if (scenarioValue(run.scenario, 'tls') === 'off' && !cleartext.has(key(run))) cleartext.set(key(run), run);
  return runs
    .filter((run) => run.tls !== undefined)
    .map((tls) => {
      const clear = cleartext.get(key(tls));
      const perTls = perDeliveredMessage(tls);
      const perClear = clear && perDeliveredMessage(clear);
      const minus = (a: number | null | undefined, b: number | null | undefined) =>
        a === null || a === undefined || b === null || b === undefined ? null : a - b;
      const split = tls.tls!.split;
      return {
        tls,
        cleartext: clear,
        bytesPerDelivered: {
          cleartext: perClear?.bytesTotalPerDelivered ?? null,
          tls: perTls.bytesTotalPerDelivered,
          added: minus(perTls.bytesTotalPerDelivered, perClear?.bytesTotalPerDelivered),
        },
        handshakeBytesPerDelivered: split ? ratio(split.clientToServer.handshake + split.serverToClient.handshake, tls.messages.delivered) : null,
        recordOverheadPerDelivered: split
          ? ratio(split.clientToServer.recordOverhead + split.serverToClient.recordOverhead, tls.messages.delivered)
          : null,
        cpuUsPerDelivered: {
          cleartext: perClear?.cpuMsPerThousand ?? null,
          tls: perTls.cpuMsPerThousand,
          added: minus(perTls.cpuMsPerThousand, perClear?.cpuMsPerThousand),
        },
      };
    });
}
