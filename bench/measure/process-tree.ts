import { readdirSync, readFileSync } from 'node:fs';

/** The kernel's clock ticks per second for /proc's CPU times (USER_HZ): 100 on every Linux the bench runs on. */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime: the process's CPU and its reaped children's, in ticks. */
  ticks: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // After the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    return { pid, ppid: Number(fields[1]), ticks };
  } catch {
    return undefined;
  }
}

/**
 * CPU time, ms, of every process descending from `rootPid` (not counting the root itself): for a browser the bench
 * launched, the browser and its renderer, GPU and network processes, and what the renderers that already exited
 * spent (reaped into their parent's cutime). Linux only; 0 where /proc cannot be read.
 */
export function descendantsCpuMs(rootPid: number = process.pid): number {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return 0;
  }
  const stats = entries.filter((name) => /^\d+$/.test(name)).flatMap((name) => readStat(Number(name)) ?? []);
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  let ticks = 0;
  const pending = [...(children.get(rootPid) ?? [])];
  while (pending.length > 0) {
    const next = pending.pop()!;
    ticks += next.ticks;
    pending.push(...(children.get(next.pid) ?? []));
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** The page size of /proc/<pid>/statm: Linux's usual. */
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
    reading.cpuMs += (ticks * 1000) / TICKS_PER_SECOND;
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
