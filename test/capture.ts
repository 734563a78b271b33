import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ByteCounts, TlsSplit } from '../servers/contract/byte-counts.js';
import { emptyTlsSplit } from '../servers/contract/byte-counts.js';
import { sleep } from './helpers.js';

/** TLS 1.3: a record's header, and what an encrypted record adds to its plaintext (inner content type + AEAD tag). */
const RECORD_HEADER = 5;
const SEALED_EXTRA = 17;
/** The content type of application data (RFC 8446 §5.1). */
const APPLICATION_DATA = 23;
/** How often a sentinel connection is made while waiting for the capture to see one, and for how long at most. */
const SENTINEL_EVERY_MS = 100;
const SENTINEL_TIMEOUT_MS = 15_000;

/**
 * A tshark capture of one server port on loopback, for a test to compare our byte counts with what the wire
 * carried: the TCP payload bytes each way and, with the clients' TLS secrets (`keylog`), every TLS record opened.
 * Needs tshark and the right to capture (root, or the wireshark group).
 *
 * tshark says it is capturing before the kernel hands it packets, and holds the last ones a while: neither its
 * words nor a sleep says the capture is complete. A sentinel port is captured too, and tshark prints each packet
 * it sees: `start` connects to the sentinel until tshark prints one of its packets (the capture is live), `stop`
 * once more and waits for it (loopback delivers in order, so everything before it is in the capture).
 */
export class PortCapture {
  private readonly dir = mkdtempSync(join(tmpdir(), 'pushbench-capture-'));
  private readonly pcap = join(this.dir, 'capture.pcapng');
  readonly keylogPath = join(this.dir, 'keys.log');
  private tshark: ChildProcess | undefined;
  private sentinel: net.Server | undefined;
  private sentinelPort = 0;
  private sentinelsSeen = 0;
  private exited: string | undefined;

  constructor(readonly port: number) {
    writeFileSync(this.keylogPath, '');
  }

  /** For ClientTls.keylog: each line of the clients' secrets is appended to the capture's key log. */
  readonly keylog = (line: Buffer): void => appendFileSync(this.keylogPath, line);

  async start(): Promise<void> {
    this.sentinel = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => this.sentinel!.listen(0, '127.0.0.1', resolve));
    const sentinelPort = (this.sentinel.address() as net.AddressInfo).port;
    const filter = `tcp port ${this.port} or tcp port ${sentinelPort}`;
    const tshark = spawn('tshark', ['-i', 'lo', '-f', filter, '-w', this.pcap, '-P', '-l', '-T', 'fields', '-e', 'tcp.dstport'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.tshark = tshark;
    let said = '';
    tshark.stderr.on('data', (chunk: Buffer) => (said += String(chunk)));
    tshark.stdout.on('data', (chunk: Buffer) => {
      for (const line of String(chunk).split('\n')) if (line.trim() === String(sentinelPort)) this.sentinelsSeen++;
    });
    tshark.once('exit', (code) => (this.exited = `tshark exited (${code}): ${said.trim()}`));
    this.sentinelPort = sentinelPort;
    await this.sentinelSeen();
  }

  /** Connects to the sentinel until tshark has printed one more of its packets. */
  private async sentinelSeen(): Promise<void> {
    const before = this.sentinelsSeen;
    const deadline = performance.now() + SENTINEL_TIMEOUT_MS;
    while (this.sentinelsSeen === before) {
      if (this.exited) throw new Error(this.exited);
      if (performance.now() > deadline) throw new Error('tshark saw no sentinel packet: the capture is not running');
      const socket = net.connect(this.sentinelPort, '127.0.0.1');
      socket.on('error', () => {});
      socket.resume();
      await sleep(SENTINEL_EVERY_MS);
    }
  }

  /** Stops the capture once it holds everything sent so far. */
  async stop(): Promise<void> {
    const tshark = this.tshark;
    if (!tshark || tshark.exitCode !== null) return;
    await this.sentinelSeen();
    const exited = new Promise((resolve) => tshark.once('exit', resolve));
    tshark.kill('SIGINT');
    await exited;
    this.sentinel?.close();
  }

  /**
   * The TCP payload bytes each way (to the port is client→server): each connection's byte stream, from its sequence
   * numbers. A segment sent again (a retransmission, which loopback makes too when a loaded machine delays an ACK
   * past the tail-loss probe) carries bytes already counted: both ends count the stream once, and so does this.
   */
  tcpPayload(): ByteCounts {
    const total = { clientToServer: 0, serverToClient: 0 };
    // Per connection and direction, the highest relative sequence number reached: the first payload byte is 1.
    const reached = new Map<string, { direction: keyof ByteCounts; end: number }>();
    for (const [stream, srcport, dstport, seq, length] of this.fields(['tcp.stream', 'tcp.srcport', 'tcp.dstport', 'tcp.seq', 'tcp.len'])) {
      const direction = Number(dstport) === this.port ? 'clientToServer' : Number(srcport) === this.port ? 'serverToClient' : undefined;
      if (!direction || Number(length) === 0) continue;
      const key = `${stream} ${direction}`;
      const end = Number(seq) + Number(length) - 1;
      const known = reached.get(key);
      if (!known || end > known.end) reached.set(key, { direction, end });
    }
    for (const { direction, end } of reached.values()) total[direction] += end;
    return total;
  }

  /**
   * Every TLS record each way, opened with the key log and split as the clients' record meter splits them: a
   * record in the clear (ClientHello, ServerHello, ChangeCipherSpec) or an encrypted one whose inner type is not
   * application data is handshake, header and all; an application record is its plaintext plus 22 bytes of
   * overhead. In TLS 1.3 the records in the clear come before any encrypted one, so in a packet's list the last
   * ones, as many as tshark found encrypted (its opaque types), are the encrypted ones. Also the sum of the records'
   * sizes, which must be the TCP payload: no byte outside a record.
   */
  tlsRecords(): { split: TlsSplit; recordBytes: ByteCounts } {
    const split = emptyTlsSplit();
    const recordBytes = { clientToServer: 0, serverToClient: 0 };
    const names = ['tcp.dstport', 'tls.record.content_type', 'tls.record.opaque_type', 'tls.record.length'];
    const rows = this.fields(names, ['-o', `tls.keylog_file:${this.keylogPath}`]);
    for (const [dstport, types, opaque, lengths] of rows) {
      if (!lengths) continue;
      const direction = Number(dstport) === this.port ? 'clientToServer' : 'serverToClient';
      const typeList = types.split(',').map(Number);
      const lengthList = lengths.split(',').map(Number);
      const sealed = opaque ? opaque.split(',').length : 0;
      if (typeList.length !== lengthList.length) throw new Error(`tshark listed ${typeList.length} types for ${lengthList.length} records`);
      lengthList.forEach((length, i) => {
        recordBytes[direction] += RECORD_HEADER + length;
        const encrypted = i >= lengthList.length - sealed;
        if (encrypted && typeList[i] === APPLICATION_DATA) {
          split[direction].application += length - SEALED_EXTRA;
          split[direction].recordOverhead += RECORD_HEADER + SEALED_EXTRA;
        } else split[direction].handshake += RECORD_HEADER + length;
      });
    }
    return { split, recordBytes };
  }

  /** Removes the capture and the key log. */
  remove(): void {
    this.tshark?.kill('SIGKILL');
    this.sentinel?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private fields(names: readonly string[], options: readonly string[] = []): string[][] {
    const out = execFileSync('tshark', ['-r', this.pcap, ...options, '-T', 'fields', ...names.flatMap((name) => ['-e', name])], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    });
    return out
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => line.split('\t'));
  }
}
