import { readFileSync } from 'node:fs';

/** The kernel's count of connections refused at a full listen queue, machine-wide, since boot. */
export interface ListenCounters {
  /** TcpExt ListenOverflows: a completed handshake found the accept queue full. */
  overflows: number;
  /** TcpExt ListenDrops: SYNs and handshakes dropped at a listening socket, overflows included. */
  drops: number;
}

/**
 * Reads ListenOverflows and ListenDrops from /proc/net/netstat (what `nstat` reports as TcpExtListenOverflows);
 * null where the machine does not expose them (not Linux, no /proc, a sandbox hiding it).
 */
export function readListenCounters(path = '/proc/net/netstat'): ListenCounters | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  return parseListenCounters(text);
}

/** The TcpExt header line names the fields, the next TcpExt line holds their values. */
export function parseListenCounters(netstat: string): ListenCounters | null {
  const lines = netstat.split('\n').filter((line) => line.startsWith('TcpExt:'));
  if (lines.length < 2) return null;
  const names = lines[0].trim().split(/\s+/);
  const values = lines[1].trim().split(/\s+/);
  const field = (name: string) => {
    const at = names.indexOf(name);
    return at < 1 ? NaN : Number(values[at]);
  };
  const overflows = field('ListenOverflows');
  const drops = field('ListenDrops');
  if (!Number.isFinite(overflows) || !Number.isFinite(drops)) return null;
  return { overflows, drops };
}
