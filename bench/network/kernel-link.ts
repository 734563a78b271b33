import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readTree } from '../measure/process-tree.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { networkOf, type Scenario } from '../../results/scenario.js';
import { findProgram, SBIN } from '../plan/programs.js';

/**
 * The kernel network of one run (docs/network.md): two network namespaces of our own, the server's and the
 * clients', joined by a veth pair. Everything is made inside them, so deleting the two namespaces removes every
 * link, rule and qdisc at once, and nothing of ours ever touches the machine's own namespace:
 *
 * - bandwidth: a tbf qdisc on each end's egress (the sender's side of the wire);
 * - loss: an nftables rule at each end's ingress, `numgen random` against the share, before the delay;
 * - delay and jitter: an iptables NFQUEUE rule at each end's ingress, and the delay line (delay-line.py), which
 *   holds each packet for the one-way delay and accepts it, in arrival order.
 *
 * So a packet leaves its sender at the link's rate, may be lost on the way, and arrives one delay later: TCP sees a
 * round trip of twice the delay, and retransmits what was lost after that round trip, as on a real path.
 */

export interface KernelLinkOptions {
  delayMs: number;
  jitterMs: number;
  /** The link's rate each way, shared by every connection; 0: no cap. */
  bandwidthBytesPerSec: number;
  /** Share of packets dropped in each direction, percent. */
  lossPercent: number;
  seed: number;
}

export type LinkSide = 'server' | 'client';

export interface KernelLinkNames {
  namespaces: Record<LinkSide, string>;
  /** The veth end in each namespace (device names are per namespace, so they need not be unique). */
  devices: Record<LinkSide, string>;
  /** Each end's address, in a /30 of 10.77.0.0/16 that only these two namespaces see. */
  addresses: Record<LinkSide, string>;
}

/** One argv, and what goes to its stdin. */
export interface Command {
  args: string[];
  input?: string;
}

const PREFIX = 'pb-';
/** pb-<harness pid>-<run>-<s|c>: the pid says whose it is, so a later bench removes only what a dead one left. */
const NAME = /^pb-(\d+)-(\d+)-[sc]$/;
const DELAY_LINE = fileURLToPath(new URL('./delay-line.py', import.meta.url));
/** The nfnetlink queue of the delay line in each namespace (queues are per namespace). */
const QUEUE = 0;
/** How long the delay line may take to bind its queue. */
const READY_TIMEOUT_MS = 10_000;
/** A tbf queue holds this much time of the rate before it drops: a deep, but not unbounded, access-link buffer. */
const QUEUE_SECONDS = 0.5;
/** tbf's bucket: at least two full-sized packets, so one packet never waits for tokens it cannot have. */
const MIN_BURST_BYTES = 3_028;

const execFileAsync = promisify(execFile);

/** The environment of every program started here: `ip netns exec` finds tc, nft and the rest on PATH, sbin included. */
const ENV = { ...process.env, PATH: [process.env.PATH ?? '', ...SBIN].filter(Boolean).join(':') };

/** A program by its path: a user's PATH often lacks the sbin folders. */
function program(name: string): string {
  return findProgram(name) ?? name;
}

function run(name: string, args: readonly string[], options: { maxBuffer?: number } = {}) {
  return execFileAsync(program(name), args, { ...options, env: ENV, encoding: 'utf8' });
}

/** The programs the kernel network starts. */
export const KERNEL_PROGRAMS = ['ip', 'tc', 'ss', 'nft', 'iptables-nft', 'python3'] as const;

/**
 * Why the kernel network cannot run here, in one line naming what is missing ("root, iptables-nft"), or null.
 * Checked before any process starts; the rest of the bench needs none of it.
 */
export function kernelNetworkMissing(
  isRoot = hasNetworkAdmin(),
  installed: (program: string) => boolean = (program) => findProgram(program) !== null,
): string | null {
  const missing = [...(isRoot ? [] : ['root']), ...KERNEL_PROGRAMS.filter((program) => !installed(program))];
  if (missing.length === 0) return null;
  return (
    `--network kernel needs root and ${KERNEL_PROGRAMS.join(', ')} (Debian: iproute2 nftables iptables python3): ` + `missing ${missing.join(', ')}`
  );
}

/** CAP_NET_ADMIN and CAP_SYS_ADMIN (capabilities(7)): what making a namespace, a link and their rules takes. */
const NETWORK_ADMIN_CAPS = (1n << 12n) | (1n << 21n);

/**
 * Whether this process may make namespaces and links: root's capabilities in effect, read from /proc, rather than its
 * uid (a root whose capabilities were dropped, as in many containers, may not).
 */
export function hasNetworkAdmin(status = readProcStatus()): boolean {
  const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  return hex !== undefined && (BigInt(`0x${hex}`) & NETWORK_ADMIN_CAPS) === NETWORK_ADMIN_CAPS;
}

function readProcStatus(): string {
  try {
    return readFileSync('/proc/self/status', 'utf8');
  } catch {
    return '';
  }
}

/** The kernel link a scenario asks for, or null when it runs over loopback or through the proxy. */
export function kernelLinkOf(
  scenario: Pick<Scenario, 'delayMs' | 'jitterMs' | 'bandwidthBytesPerSec' | 'lossPercent' | 'network' | 'seed'>,
): KernelLinkOptions | null {
  const network = networkOf(scenario);
  if (network === null || network.network !== 'kernel') return null;
  const { delayMs, jitterMs, bandwidthBytesPerSec, lossPercent } = network;
  return { delayMs, jitterMs, bandwidthBytesPerSec, lossPercent, seed: scenario.seed };
}

/** The names of run `index` of the harness `pid`. */
export function kernelLinkNames(pid: number, index: number): KernelLinkNames {
  const subnet = index % 16_384;
  const base = `10.77.${subnet >> 6}.${(subnet & 63) * 4}`.split('.').map(Number);
  const at = (host: number) => [...base.slice(0, 3), base[3] + host].join('.');
  return {
    namespaces: { server: `${PREFIX}${pid}-${index}-s`, client: `${PREFIX}${pid}-${index}-c` },
    devices: { server: 'pb-server', client: 'pb-client' },
    addresses: { server: at(2), client: at(1) },
  };
}

/**
 * The nftables expression that drops `percent` of packets: a random number per packet against a threshold, in
 * hundredths of a percent so that 0.5 % is exact; every packet at 100 %.
 */
export function lossStatement(percent: number): string {
  if (percent >= 100) return 'drop';
  return `numgen random mod 10000 < ${Math.round(percent * 100)} drop`;
}

/** The tbf qdisc of a rate (bytes/s): the bucket holds a few milliseconds of it, the queue half a second. */
export function tbfArgs(bytesPerSec: number): string[] {
  const burst = Math.max(MIN_BURST_BYTES, Math.ceil(bytesPerSec / 250));
  const limit = Math.max(2 * burst, Math.ceil(bytesPerSec * QUEUE_SECONDS));
  return ['tbf', 'rate', `${bytesPerSec * 8}bit`, 'burst', String(burst), 'limit', String(limit)];
}

/** Pure: every command that makes the link, in order (the delay lines are started apart: they are processes). */
export function kernelLinkCommands(names: KernelLinkNames, options: KernelLinkOptions): Command[] {
  const { namespaces: ns, devices: dev, addresses: addr } = names;
  const sides: LinkSide[] = ['server', 'client'];
  const inNs = (side: LinkSide, ...args: string[]) => ['ip', 'netns', 'exec', ns[side], ...args];
  const commands: Command[] = [
    ...sides.map((side) => ({ args: ['ip', 'netns', 'add', ns[side]] })),
    { args: ['ip', 'link', 'add', dev.server, 'netns', ns.server, 'type', 'veth', 'peer', 'name', dev.client, 'netns', ns.client] },
  ];
  for (const side of sides) {
    commands.push(
      { args: ['ip', '-n', ns[side], 'addr', 'add', `${addr[side]}/30`, 'dev', dev[side]] },
      // One wire packet per skb: a packet lost or delayed is one segment, not a 64 KB burst the stack coalesced.
      { args: ['ip', '-n', ns[side], 'link', 'set', dev[side], 'gso_max_segs', '1', 'gso_max_size', '1500'] },
      { args: ['ip', '-n', ns[side], 'link', 'set', 'lo', 'up'] },
      { args: ['ip', '-n', ns[side], 'link', 'set', dev[side], 'up'] },
    );
    if (options.bandwidthBytesPerSec > 0) {
      commands.push({ args: inNs(side, 'tc', 'qdisc', 'add', 'dev', dev[side], 'root', ...tbfArgs(options.bandwidthBytesPerSec)) });
    }
    if (options.lossPercent > 0) {
      // Priority -300: before the mangle table's NFQUEUE rule (-150), so a lost packet never waits in the delay line.
      commands.push({
        args: inNs(side, 'nft', '-f', '-'),
        input:
          `table inet pushbench {\n  chain loss {\n    type filter hook prerouting priority -300; policy accept;\n` +
          `    iifname "${dev[side]}" ${lossStatement(options.lossPercent)}\n  }\n}\n`,
      });
    }
    if (hasDelay(options)) {
      commands.push({
        args: inNs(side, 'iptables-nft', '-t', 'mangle', '-A', 'PREROUTING', '-i', dev[side], '-j', 'NFQUEUE', '--queue-num', String(QUEUE)),
      });
    }
  }
  return commands;
}

function hasDelay(options: KernelLinkOptions): boolean {
  return options.delayMs > 0 || options.jitterMs > 0;
}

/** The argv that runs a command in one side's namespace: `ip netns exec <ns>` execs it, keeping its fds (the IPC channel). */
export function inNamespace(namespace: string): string[] {
  return [program('ip'), 'netns', 'exec', namespace];
}

/** Every link a harness opened and has not closed, removed on its way out, whatever way that is. */
const open = new Set<KernelLink>();
process.on('exit', () => {
  for (const link of open) link.closeSync();
});

/** One run's kernel network: made by `open`, removed by `close` (or at exit, or by the next bench if we crash). */
export class KernelLink {
  private readonly delayLines: ChildProcess[] = [];
  private closed = false;

  private constructor(
    readonly names: KernelLinkNames,
    readonly options: KernelLinkOptions,
  ) {}

  static async open(names: KernelLinkNames, options: KernelLinkOptions): Promise<KernelLink> {
    const link = new KernelLink(names, options);
    open.add(link);
    try {
      for (const command of kernelLinkCommands(names, options)) await exec(command);
      if (hasDelay(options)) {
        await Promise.all((['server', 'client'] as const).map((side, i) => link.startDelayLine(names.namespaces[side], options.seed * 2 + i)));
      }
      return link;
    } catch (error) {
      await link.close();
      throw error;
    }
  }

  /** The prefix that starts a program in one side's namespace. */
  prefix(side: LinkSide): string[] {
    return inNamespace(this.names.namespaces[side]);
  }

  get serverAddress(): string {
    return this.names.addresses.server;
  }

  /** The model's round trip, ms: one delay each way. */
  get modelRttMs(): number {
    return 2 * this.options.delayMs;
  }

  /**
   * TCP's RTTs (ss -ti) of every established connection to the server's `port`, ms, from the server's side: the
   * smoothed RTT, and the least it saw (the path's, without delayed acknowledgements or queueing).
   */
  async tcpRtts(port: number): Promise<ConnectionRtt[]> {
    const [ip, ...args] = this.prefix('server');
    const { stdout } = await run(ip, [...args, 'ss', '-tinH', 'state', 'established', `( sport = :${port} )`], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return parseSsRtts(stdout);
  }

  /**
   * Bytes on their way between the server and its clients: written but not acknowledged (Send-Q), or arrived but
   * not yet read by the process (Recv-Q), on every connection to the server's `port`, both sides. Under loss a
   * retransmission can hold them for a while, and a client that hangs up before reading them never counts them.
   */
  async bytesInFlight(port: number): Promise<number> {
    const queued = await Promise.all(
      (['server', 'client'] as const).map(async (side) => {
        const [ip, ...args] = this.prefix(side);
        const filter = side === 'server' ? `( sport = :${port} )` : `( dport = :${port} )`;
        const { stdout } = await run(ip, [...args, 'ss', '-tnH', 'state', 'established', filter], { maxBuffer: 64 * 1024 * 1024 });
        return parseSsQueues(stdout).reduce((total, { received, sent }) => total + received + sent, 0);
      }),
    );
    return queued[0] + queued[1];
  }

  /** One side's TCP counters since its namespace was made (RetransSegs, OutSegs of /proc/net/snmp). */
  async tcpCounters(side: LinkSide): Promise<TcpCounters> {
    const [ip, ...args] = this.prefix(side);
    const { stdout } = await run(ip, [...args, 'cat', '/proc/net/snmp']);
    return parseSnmpTcp(stdout);
  }

  private async startDelayLine(namespace: string, seed: number): Promise<void> {
    const { delayMs, jitterMs } = this.options;
    // stdin is a pipe we never write: when the harness dies, it closes and the delay line exits by itself.
    const [ip, ...args] = inNamespace(namespace);
    const child = spawn(ip, [...args, 'python3', DELAY_LINE, String(QUEUE), String(delayMs), String(jitterMs), String(seed)], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: ENV,
    });
    this.delayLines.push(child);
    await new Promise<void>((resolve, reject) => {
      let stderr = '';
      const timer = setTimeout(
        () => reject(new Error(`the delay line in ${namespace} did not start within ${READY_TIMEOUT_MS} ms`)),
        READY_TIMEOUT_MS,
      );
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.once('data', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the delay line in ${namespace} exited (code ${code}): ${stderr.trim().split('\n').at(-1) ?? ''}`));
      });
    });
  }

  /**
   * CPU (user + system, ms) each delay line has spent so far, the server's namespace's first: python processes that
   * touch every packet, as much a part of the load generator as a delaying proxy is. Empty without a delay.
   */
  delayLineCpuMs(): number[] {
    return this.delayLines.map((child) => (child.pid === undefined ? 0 : readTree([child.pid]).cpuMs));
  }

  /** Kills the delay lines and deletes both namespaces, and with them the veth pair, rules and qdiscs. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    open.delete(this);
    await Promise.all(
      this.delayLines.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    for (const namespace of Object.values(this.names.namespaces)) await run('ip', ['netns', 'del', namespace]).catch(() => {});
  }

  /** The same, synchronously: at exit, where nothing asynchronous runs any more. */
  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    open.delete(this);
    for (const child of this.delayLines) child.kill('SIGKILL');
    for (const namespace of Object.values(this.names.namespaces)) removeNamespaceSync(namespace);
  }
}

async function exec({ args, input }: Command): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = execFile(program(args[0]), args.slice(1), { env: ENV }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve();
    });
    // A command that fails before reading its input closes the pipe: its exit status says why, not EPIPE.
    child.stdin!.on('error', () => {});
    child.stdin!.end(input ?? '');
  });
}

function removeNamespaceSync(namespace: string): void {
  try {
    execFileSync(program('ip'), ['netns', 'del', namespace], { stdio: 'ignore', env: ENV });
  } catch {
    // Already gone.
  }
}

/**
 * Removes what a bench that died without cleaning up left behind: namespaces named for a harness pid no longer
 * running (never another running bench's). Returns the names removed.
 */
export function removeStaleNamespaces(listed = listNamespaces(), alive: (pid: number) => boolean = isAlive): string[] {
  const stale = listed.filter((name) => {
    const match = NAME.exec(name);
    return match !== null && !alive(Number(match[1]));
  });
  for (const namespace of stale) removeNamespaceSync(namespace);
  return stale;
}

/** The names of the machine's named network namespaces (`ip netns list`). */
export function listNamespaces(): string[] {
  try {
    return execFileSync(program('ip'), ['netns', 'list'], { encoding: 'utf8', env: ENV, stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .map((line) => line.split(' ')[0])
      .filter(Boolean);
  } catch {
    return [];
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface ConnectionRtt {
  /** The smoothed RTT, ms. */
  smoothedMs: number;
  /** The least RTT the connection measured, ms. */
  minMs: number;
}

/** The `rtt:<srtt>/<rttvar>` and `minrtt:<ms>` of every connection `ss -ti` lists. */
export function parseSsRtts(output: string): ConnectionRtt[] {
  return [...output.matchAll(/\brtt:([\d.]+)\/[\d.]+.*?\bminrtt:([\d.]+)/g)].map((match) => ({
    smoothedMs: Number(match[1]),
    minMs: Number(match[2]),
  }));
}

/** The Recv-Q and Send-Q of every connection `ss -tnH state …` lists (its columns: Recv-Q, Send-Q, local, peer). */
export function parseSsQueues(output: string): { received: number; sent: number }[] {
  return output
    .split('\n')
    .filter((line) => /^\d/.test(line))
    .map((line) => {
      const [received, sent] = line.split(/\s+/).map(Number);
      return { received, sent };
    });
}

export interface TcpCounters {
  retransmittedSegments: number;
  segmentsSent: number;
}

/** The Tcp: lines of /proc/net/snmp (a header line, then a value line): RetransSegs and OutSegs. */
export function parseSnmpTcp(snmp: string): TcpCounters {
  const [header, values] = snmp.split('\n').filter((line) => line.startsWith('Tcp:'));
  if (!header || !values) throw new Error('no Tcp: lines in /proc/net/snmp');
  const names = header.split(/\s+/);
  const numbers = values.split(/\s+/).map(Number);
  const value = (name: string) => {
    const i = names.indexOf(name);
    if (i < 0) throw new Error(`no ${name} in /proc/net/snmp`);
    return numbers[i];
  };
  return { retransmittedSegments: value('RetransSegs'), segmentsSent: value('OutSegs') };
}
