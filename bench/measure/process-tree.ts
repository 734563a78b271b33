import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ), and the page size of /proc/<pid>/statm: Linux's usual. */
const CLOCK_TICKS_PER_SEC = 100;
const PAGE_BYTES = 4096;

/** What a set of processes holds and has spent, read from /proc. */
export interface TreeReading {
  /** User + system CPU of the live processes, and what they collected of their children that exited (ms). */
  cpuMs: number;
  rssBytes: number;
  /** null when no process's smaps_rollup could be read. */
  pssBytes: number | null;
  processes: number;
}

/**
 * CPU and memory of `pids` now. A worker that exited took its CPU to its master (cutime + cstime, once reaped), so
 * reading the masters' children's time keeps it in the sum. Processes gone meanwhile are skipped.
 */
export function readTree(pids: readonly number[]): TreeReading {
  const reading: TreeReading = { cpuMs: 0, rssBytes: 0, pssBytes: null, processes: 0 };
  for (const pid of pids) {
    const stat = readProc(pid, 'stat');
    const statm = readProc(pid, 'statm');
    if (stat === null || statm === null) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime are fields 14-17 of stat; here counted from the state (field 3).
    const ticks = [11, 12, 13, 14].reduce((total, at) => total + Number(fields[at]), 0);
    reading.cpuMs += (ticks * 1000) / CLOCK_TICKS_PER_SEC;
    reading.rssBytes += Number(statm.split(' ')[1]) * PAGE_BYTES;
    reading.processes++;
    const pss = pssBytes(pid);
    if (pss !== null) reading.pssBytes = (reading.pssBytes ?? 0) + pss;
  }
  return reading;
}

/** Proportional set size from smaps_rollup: shared pages split between the processes that map them. */
function pssBytes(pid: number): number | null {
  const rollup = readProc(pid, 'smaps_rollup');
  const kib = rollup === null ? undefined : /^Pss:\s+(\d+) kB/m.exec(rollup)?.[1];
  return kib === undefined ? null : Number(kib) * 1024;
}

function readProc(pid: number, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}
