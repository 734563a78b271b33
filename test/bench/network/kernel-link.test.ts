import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import {
  hasNetworkAdmin,
  KernelLink,
  kernelLinkCommands,
  kernelLinkNames,
  kernelLinkOf,
  kernelNetworkMissing,
  listNamespaces,
  lossStatement,
  parseSnmpTcp,
  parseSsRtts,
  parseSsQueues,
  removeStaleNamespaces,
  tbfArgs,
  type KernelLinkOptions,
} from '../../../bench/network/kernel-link.js';
import { missing } from '../../requirements.js';

const PERFECT: KernelLinkOptions = { delayMs: 0, jitterMs: 0, bandwidthBytesPerSec: 0, lossPercent: 0, seed: 1 };

describe('the kernel network, as commands', () => {
  it('names each run’s two namespaces after the harness and the run, with a /30 of its own', () => {
    expect(kernelLinkNames(4321, 0)).toEqual({
      namespaces: { server: 'pb-4321-0-s', client: 'pb-4321-0-c' },
      devices: { server: 'pb-server', client: 'pb-client' },
      addresses: { server: '10.77.0.2', client: '10.77.0.1' },
    });
    expect(kernelLinkNames(4321, 65).addresses).toEqual({ server: '10.77.1.6', client: '10.77.1.5' });
  });

  it('drops a share of packets in hundredths of a percent, and every packet at 100 %', () => {
    expect(lossStatement(1)).toBe('numgen random mod 10000 < 100 drop');
    expect(lossStatement(0.5)).toBe('numgen random mod 10000 < 50 drop');
    expect(lossStatement(5)).toBe('numgen random mod 10000 < 500 drop');
    expect(lossStatement(100)).toBe('drop');
  });

  it('caps bandwidth with a tbf qdisc holding a few ms of the rate in its bucket and half a second in its queue', () => {
    expect(tbfArgs(1_000_000)).toEqual(['tbf', 'rate', '8000000bit', 'burst', '4000', 'limit', '500000']);
    // A slow link's bucket still holds two full packets, and its queue two buckets.
    expect(tbfArgs(10_000)).toEqual(['tbf', 'rate', '80000bit', 'burst', '3028', 'limit', '6056']);
  });

  it('makes a perfect link of namespaces, a veth pair and addresses only', () => {
    const commands = kernelLinkCommands(kernelLinkNames(7, 1), PERFECT).map((c) => c.args.join(' '));
    expect(commands.slice(0, 3)).toEqual([
      'ip netns add pb-7-1-s',
      'ip netns add pb-7-1-c',
      'ip link add pb-server netns pb-7-1-s type veth peer name pb-client netns pb-7-1-c',
    ]);
    expect(commands.filter((c) => /nft|iptables|tc qdisc/.test(c))).toEqual([]);
  });

  it('adds shaping, loss and the delay line’s queue at each end when asked', () => {
    const commands = kernelLinkCommands(kernelLinkNames(7, 1), { ...PERFECT, delayMs: 50, lossPercent: 1, bandwidthBytesPerSec: 125_000 });
    const lines = commands.map((c) => c.args.join(' '));
    for (const [ns, dev] of [
      ['pb-7-1-s', 'pb-server'],
      ['pb-7-1-c', 'pb-client'],
    ]) {
      expect(lines).toContain(`ip netns exec ${ns} tc qdisc add dev ${dev} root ${tbfArgs(125_000).join(' ')}`);
      expect(lines).toContain(`ip netns exec ${ns} iptables-nft -t mangle -A PREROUTING -i ${dev} -j NFQUEUE --queue-num 0`);
    }
    const nft = commands.filter((c) => c.args.includes('nft'));
    expect(nft).toHaveLength(2);
    expect(nft[0].input).toContain('iifname "pb-server" numgen random mod 10000 < 100 drop');
    expect(nft[0].input).toContain('type filter hook prerouting priority -300');
  });

  it('is asked for by the kernel model only', () => {
    expect(kernelLinkOf({ seed: 3, delayMs: 50 })).toBeNull();
    expect(kernelLinkOf({ seed: 3, network: 'kernel' })).toEqual({ ...PERFECT, seed: 3 });
    expect(kernelLinkOf({ seed: 3, network: 'kernel', delayMs: 50, lossPercent: 5 })).toEqual({ ...PERFECT, delayMs: 50, lossPercent: 5, seed: 3 });
  });

  it('names what is missing in one line', () => {
    expect(kernelNetworkMissing(true, () => true)).toBeNull();
    expect(kernelNetworkMissing(false, (program) => program !== 'iptables-nft')).toBe(
      '--network kernel needs root and ip, tc, ss, nft, iptables-nft, python3 (Debian: iproute2 nftables iptables python3): missing root, iptables-nft',
    );
  });

  it('takes root to be the capabilities to make namespaces and links in effect, not the uid', () => {
    const status = (capEff: string) => `Name:\tnode\nUid:\t0\t0\t0\t0\nCapPrm:\t000001ffffffffff\nCapEff:\t${capEff}\n`;
    expect(hasNetworkAdmin(status('000001ffffffffff'))).toBe(true);
    // CAP_NET_ADMIN (bit 12) and CAP_SYS_ADMIN (bit 21), nothing else.
    expect(hasNetworkAdmin(status('0000000000201000'))).toBe(true);
    expect(hasNetworkAdmin(status('0000000000001000'))).toBe(false);
    expect(hasNetworkAdmin(status('0000000000200000'))).toBe(false);
    expect(hasNetworkAdmin(status('0000000000000000'))).toBe(false);
    expect(hasNetworkAdmin('')).toBe(false);
  });

  it('reads TCP’s RTT from ss -ti and its counters from /proc/net/snmp', () => {
    const ss =
      '0 0 10.77.0.2:9000 10.77.0.1:38574\n\t bbr wscale:10,10 rto:312 rtt:106.523/15.987 ato:40 mss:1448 minrtt:100.878\n' +
      '0 0 10.77.0.2:9000 10.77.0.1:38576\n\t cubic rto:204 rtt:101.5/0.25 mss:1448 retrans:0/2 minrtt:100.9\n';
    expect(parseSsRtts(ss)).toEqual([
      { smoothedMs: 106.523, minMs: 100.878 },
      { smoothedMs: 101.5, minMs: 100.9 },
    ]);
    expect(parseSsQueues('0      0   10.77.0.2:9000 10.77.0.1:38574\n20 1448 10.77.0.2:9000 10.77.0.1:38576\n')).toEqual([
      { received: 0, sent: 0 },
      { received: 20, sent: 1448 },
    ]);
    const snmp =
      'Ip: Forwarding DefaultTTL\nIp: 1 64\n' +
      'Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs ' +
      'InErrs OutRsts InCsumErrors\n' +
      'Tcp: 1 200 120000 -1 0 20 0 0 20 800 812 7 0 0 0\n';
    expect(parseSnmpTcp(snmp)).toEqual({ retransmittedSegments: 7, segmentsSent: 812 });
  });
});

const isRoot = process.getuid?.() === 0;
const KERNEL_PROGRAMS = ['ip', 'tc', 'ss', 'nft', 'iptables-nft', 'python3'];

/** A program in one side's namespace, started with `ip netns exec`; its stdout is collected. */
function inSide(link: KernelLink, side: 'server' | 'client', script: string): ChildProcess & { output: Promise<string> } {
  const [ip, ...args] = link.prefix(side);
  const child = spawn(ip, [...args, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const output = new Promise<string>((resolve) => child.once('exit', () => resolve(out)));
  return Object.assign(child, { output });
}

/** A TCP server in the server's namespace that sends `bytes` to each client, or echoes when bytes is 0. */
function serverScript(address: string, bytes: number): string {
  return `const net=require('net');net.createServer(s=>{s.on('error',()=>{});${bytes > 0 ? `s.end(Buffer.alloc(${bytes}))` : 's.pipe(s)'}})
    .listen(9000,'${address}',()=>console.log('listening'));setTimeout(()=>process.exit(),60000)`;
}

async function listening(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
}

describe.skipIf(missing(KERNEL_PROGRAMS, 'the kernel network'))('the kernel network, made', () => {
  const started: ChildProcess[] = [];
  const links: KernelLink[] = [];
  let index = 1_000;
  const open = async (options: Partial<KernelLinkOptions>) => {
    const link = await KernelLink.open(kernelLinkNames(process.pid, index++), { ...PERFECT, ...options });
    links.push(link);
    return link;
  };
  afterEach(async () => {
    for (const child of started.splice(0)) child.kill('SIGKILL');
    for (const link of links.splice(0)) await link.close();
  });

  it.skipIf(!isRoot)('delays every packet one delay each way: TCP measures a round trip of about twice the delay', { timeout: 30_000 }, async () => {
    const link = await open({ delayMs: 50 });
    const server = inSide(link, 'server', serverScript(link.serverAddress, 0));
    started.push(server);
    await listening(server);
    // Ten exchanges a tenth of a second apart: TCP's smoothed RTT settles on the path's.
    const client = inSide(
      link,
      'client',
      `const s=require('net').connect(9000,'${link.serverAddress}');let n=0;const go=()=>{s.write('x');s.once('data',()=>{if(++n<10)setTimeout(go,100);` +
        `else console.log('done')})};s.on('connect',go);setTimeout(()=>process.exit(),20000)`,
    );
    started.push(client);
    await new Promise<void>((resolve) => client.stdout!.on('data', (d: Buffer) => d.toString().includes('done') && resolve()));
    const rtts = await link.tcpRtts(9000);
    expect(rtts).toHaveLength(1);
    // Never below the model; above it by the processes' scheduling on a shared machine, bounded generously.
    expect(rtts[0].minMs).toBeGreaterThanOrEqual(99);
    expect(rtts[0].minMs).toBeLessThan(150);
    expect(rtts[0].smoothedMs).toBeGreaterThanOrEqual(99);
    expect(rtts[0].smoothedMs).toBeLessThan(200);
  });

  it.skipIf(!isRoot)('loses nothing at 0 %, everything at 100 %, and makes TCP retransmit in between', { timeout: 120_000 }, async () => {
    // `patienceMs`: how long the client waits for the whole transfer. At 10 % loss each way a lost SYN alone costs
    // 1 s and a lost retransmission doubles its timeout, so the lossy transfer is given far more than it needs.
    const fetchOver = async (link: KernelLink, bytes: number, patienceMs: number) => {
      const server = inSide(link, 'server', serverScript(link.serverAddress, bytes));
      started.push(server);
      await listening(server);
      const client = inSide(
        link,
        'client',
        `let n=0;const s=require('net').connect(9000,'${link.serverAddress}');s.on('data',d=>n+=d.length);s.on('end',()=>{console.log(n);process.exit()});` +
          `s.on('error',()=>{console.log(-1);process.exit()});setTimeout(()=>{console.log(n);process.exit()},${patienceMs})`,
      );
      started.push(client);
      return Number((await client.output).trim());
    };
    expect(await fetchOver(await open({}), 300_000, 30_000)).toBe(300_000);
    // A clean link may still see a spurious retransmission or two on a loaded machine (a tail loss probe fires when an
    // acknowledgement is late): the lossy link's retransmissions are counted above it.
    const clean = (await links.at(-1)!.tcpCounters('server')).retransmittedSegments;
    // Nothing passes: not even the SYN is answered within the client's patience.
    expect(await fetchOver(await open({ lossPercent: 100 }), 1_000, 4_000)).toBe(0);
    const lossy = await open({ lossPercent: 10 });
    expect(await fetchOver(lossy, 300_000, 60_000)).toBe(300_000);
    const counters = await lossy.tcpCounters('server');
    // About 200 data segments at 10 %: some twenty lost and sent again (fewer than 8 has a chance under 1 in 1,000).
    expect(counters.segmentsSent).toBeGreaterThan(200);
    expect(counters.retransmittedSegments - clean).toBeGreaterThanOrEqual(8);
  });

  it.skipIf(!isRoot)('caps a transfer at the link’s rate', { timeout: 30_000 }, async () => {
    const rate = 250_000;
    const link = await open({ bandwidthBytesPerSec: rate });
    const server = inSide(link, 'server', serverScript(link.serverAddress, 500_000));
    started.push(server);
    await listening(server);
    // The transfer's own clock: from its first byte to its last, so the handshake and start-up do not count.
    const client = inSide(
      link,
      'client',
      `let n=0,t0=0;const s=require('net').connect(9000,'${link.serverAddress}');s.on('data',d=>{if(!t0)t0=performance.now();n+=d.length});` +
        `s.on('end',()=>{console.log(JSON.stringify({n,ms:performance.now()-t0}));process.exit()})`,
    );
    started.push(client);
    const { n, ms } = JSON.parse(await client.output) as { n: number; ms: number };
    expect(n).toBe(500_000);
    const measured = n / (ms / 1000);
    // The bucket lets the first few KB through at once; a loaded machine only slows the transfer down.
    expect(measured).toBeLessThan(rate * 1.3);
    expect(measured).toBeGreaterThan(rate * 0.5);
  });

  it.skipIf(!isRoot)('leaves no namespace, link, rule, qdisc or delay line behind when closed', { timeout: 30_000 }, async () => {
    const link = await open({ delayMs: 10, lossPercent: 1, bandwidthBytesPerSec: 1_000_000 });
    const names = Object.values(link.names.namespaces);
    expect(listNamespaces()).toEqual(expect.arrayContaining(names));
    const delayLines = spawnSync('pgrep', ['-f', `delay-line.py`], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
    expect(delayLines.length).toBeGreaterThanOrEqual(2);
    await link.close();
    links.pop();
    expect(listNamespaces().filter((name) => names.includes(name))).toEqual([]);
    // Our own namespace never held anything of the link's.
    expect(spawnSync('ip', ['link'], { encoding: 'utf8' }).stdout).not.toContain('pb-server');
    expect(spawnSync('nft', ['list', 'ruleset'], { encoding: 'utf8' }).stdout).not.toContain('pushbench');
    expect(spawnSync('iptables-nft', ['-t', 'mangle', '-S'], { encoding: 'utf8' }).stdout).not.toContain('NFQUEUE');
    expect(spawnSync('tc', ['qdisc'], { encoding: 'utf8' }).stdout).not.toContain('tbf');
  });

  it.skipIf(!isRoot)('removes what a dead bench left behind, and never a running bench’s', () => {
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout.trim());
    const stale = `pb-${deadPid}-0-s`;
    const live = `pb-${process.pid}-999-s`;
    for (const name of [stale, live]) spawnSync('ip', ['netns', 'add', name]);
    try {
      const removed = removeStaleNamespaces();
      expect(removed).toContain(stale);
      expect(removed).not.toContain(live);
      expect(listNamespaces()).not.toContain(stale);
      expect(listNamespaces()).toContain(live);
    } finally {
      for (const name of [stale, live]) spawnSync('ip', ['netns', 'del', name]);
    }
  });
});
