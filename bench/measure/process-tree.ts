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
