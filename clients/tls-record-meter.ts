import { createDecipheriv, createHmac, type CipherGCMTypes } from 'node:crypto';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { emptyTlsSplit, type TlsByteSplit, type TlsSplit } from '../servers/contract/byte-counts.js';

/** TLS record content types (RFC 8446 §5.1): 20 ChangeCipherSpec and 21 alert are TLS's own, as 22 is. */
const HANDSHAKE = 22;
const APPLICATION_DATA = 23;
const HEADER_BYTES = 5;
const TAG_BYTES = 16;

/** The TLS 1.3 cipher suites node offers: the AEAD, its key length and the hash of its key schedule. */
const SUITES: Readonly<Record<number, { aead: CipherGCMTypes | 'chacha20-poly1305'; keyBytes: number; hash: 'sha256' | 'sha384' }>> = {
  0x1301: { aead: 'aes-128-gcm', keyBytes: 16, hash: 'sha256' },
  0x1302: { aead: 'aes-256-gcm', keyBytes: 32, hash: 'sha384' },
  0x1303: { aead: 'chacha20-poly1305', keyBytes: 32, hash: 'sha256' },
};
type Suite = (typeof SUITES)[number];

/**
 * Splits a TLS 1.3 connection's bytes, as they pass, into handshake, record overhead and application bytes
 * (TlsByteSplit), exactly. The client's TLS socket runs over this meter, which runs over the TCP socket, so it sees
 * every byte both ways, and reads the record layer: a 5-byte header gives each record's type and length.
 *
 * Under TLS 1.3 every record after the ServerHello says "application data" on the outside, the encrypted half of
 * the handshake and the session tickets included: the real type is the last non-zero byte of the plaintext. The
 * meter learns the connection's traffic secrets from its own TLS socket's 'keylog' events (the lines of an
 * SSLKEYLOGFILE), derives each key as RFC 8446 §7.3 does, and opens every encrypted record to read that byte. A
 * record that does not open under the current key opens under the next one (the handshake keys give way to the
 * application keys; a KeyUpdate derives the next), so no boundary has to be guessed. Records that arrive before
 * their key (the server's first flight, read before the client has processed the ServerHello) wait until it comes.
 *
 * This is the client's work, never the server's: the server keeps node's TLS on its sockets' own handles, and a
 * JavaScript stream in between would add to the CPU the bench measures there.
 */
export class TlsRecordMeter extends Duplex {
  private readonly outbound: RecordReader;
  private readonly inbound: RecordReader;
  private suite: Suite | undefined;

  constructor(private readonly raw: Socket) {
    super();
    this.outbound = new RecordReader('CLIENT', this);
    this.inbound = new RecordReader('SERVER', this);
    raw.on('data', (chunk: Buffer) => {
      this.inbound.feed(chunk);
      // Closed on our side: what the server still sends (its close_notify) is read and counted, not passed on.
      if (this.destroyed) return;
      if (!this.push(chunk)) raw.pause();
    });
    raw.on('end', () => this.push(null));
    raw.on('error', (error) => this.destroy(error));
    raw.on('close', () => this.destroy());
  }

  /** Listens to the TLS socket running over this meter for its secrets. Call before its handshake starts. */
  watch(socket: TLSSocket): void {
    socket.on('keylog', (line: Buffer) => this.onKeylog(line.toString('latin1').trim()));
  }

  /** The split so far. A record not yet complete (or whose key never came) counts as handshake until it is read. */
  split(): TlsSplit {
    const split = emptyTlsSplit();
    this.outbound.addTo(split.clientToServer);
    this.inbound.addTo(split.serverToClient);
    return split;
  }

  /** Encrypted records that opened under no key: 0 unless the meter misread the connection. */
  get undeciphered(): number {
    return this.outbound.undeciphered + this.inbound.undeciphered;
  }

  /** @internal for the readers: the cipher suite, once the ServerHello has named it. */
  cipherSuite(): Suite | undefined {
    return this.suite;
  }

  /** @internal for the inbound reader: the first handshake record from the server is the ServerHello. */
  serverHello(body: Buffer): void {
    if (this.suite || body[0] !== 2 || body.length < 40) return;
    const sessionIdEnd = 39 + body[38];
    if (body.length < sessionIdEnd + 2) return;
    this.suite = SUITES[body.readUInt16BE(sessionIdEnd)];
  }

  private onKeylog(line: string): void {
    const [label, , secretHex] = line.split(' ');
    if (!label || !secretHex) return;
    const secret = Buffer.from(secretHex, 'hex');
    if (label === 'CLIENT_HANDSHAKE_TRAFFIC_SECRET') this.outbound.addSecret(0, secret);
    else if (label === 'CLIENT_TRAFFIC_SECRET_0') this.outbound.addSecret(1, secret);
    else if (label === 'SERVER_HANDSHAKE_TRAFFIC_SECRET') this.inbound.addSecret(0, secret);
    else if (label === 'SERVER_TRAFFIC_SECRET_0') this.inbound.addSecret(1, secret);
  }

  override _read(): void {
    this.raw.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.outbound.feed(chunk);
    this.raw.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.raw.end();
    callback();
  }

  /**
   * The TLS socket over the meter is gone: the TCP connection is closed in order, this side's FIN, then the server's
   * bytes until its FIN, so that its close_notify, sent as it saw the client go, is read and counted here as it was
   * at the server. (A cut connection is destroyed by whoever cuts it, WireCounter.destroyAll.)
   */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    lingerClose(this.raw);
    callback(error);
  }
}

/** How long a TCP connection closed in order waits for the server's side to close before it is destroyed, ms. */
export const LINGER_MS = 2_000;

/** Ends `raw` and reads it until the peer closes it too, or LINGER_MS has passed. */
export function lingerClose(raw: Socket): void {
  if (raw.destroyed) return;
  raw.end();
  raw.resume();
  const timer = setTimeout(() => raw.destroy(), LINGER_MS);
  timer.unref();
  raw.once('close', () => clearTimeout(timer));
}

interface EncryptedRecord {
  header: Buffer;
  body: Buffer;
}

/** One direction's records: their headers parsed, their bodies opened, their bytes added up. */
class RecordReader {
  readonly counts: TlsByteSplit = { handshake: 0, recordOverhead: 0, application: 0 };
  undeciphered = 0;
  /** The traffic secret of each key epoch: 0 the handshake's, 1 the first application one, then each KeyUpdate's. */
  private readonly secrets: Buffer[] = [];
  private epoch = 0;
  private sequence = 0n;
  private keys: { key: Buffer; iv: Buffer } | undefined;
  /** Encrypted records waiting for the secret they were sealed with, in order. */
  private readonly waiting: EncryptedRecord[] = [];
  private header = Buffer.alloc(0);
  private body: Buffer[] = [];
  private bodyBytes = 0;
  private bodyLength = -1;
  private sawServerHello = false;

  constructor(
    private readonly side: 'CLIENT' | 'SERVER',
    private readonly meter: TlsRecordMeter,
  ) {}

  feed(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.bodyLength < 0) {
        const take = Math.min(HEADER_BYTES - this.header.length, chunk.length - offset);
        this.header = Buffer.concat([this.header, chunk.subarray(offset, offset + take)]);
        offset += take;
        if (this.header.length < HEADER_BYTES) return;
        this.bodyLength = this.header.readUInt16BE(3);
      }
      const take = Math.min(this.bodyLength - this.bodyBytes, chunk.length - offset);
      if (take > 0) this.body.push(chunk.subarray(offset, offset + take));
      this.bodyBytes += take;
      offset += take;
      if (this.bodyBytes < this.bodyLength) return;
      this.record(this.header, this.body.length === 1 ? this.body[0] : Buffer.concat(this.body));
      this.header = Buffer.alloc(0);
      this.body = [];
      this.bodyBytes = 0;
      this.bodyLength = -1;
    }
  }

  addSecret(epoch: number, secret: Buffer): void {
    this.secrets[epoch] = secret;
    this.drain();
  }

  /** Counts the bytes read so far: a record still arriving, or waiting for its key, as handshake. */
  addTo(split: TlsByteSplit): void {
    split.handshake += this.counts.handshake;
    split.recordOverhead += this.counts.recordOverhead;
    split.application += this.counts.application;
    const partial = this.header.length + this.bodyBytes;
    const waiting = this.waiting.reduce((total, record) => total + HEADER_BYTES + record.body.length, 0);
    split.handshake += partial + waiting;
  }

  private record(header: Buffer, body: Buffer): void {
    const type = header[0];
    if (type !== APPLICATION_DATA) {
      if (type === HANDSHAKE && this.side === 'SERVER' && !this.sawServerHello) {
        this.sawServerHello = true;
        this.meter.serverHello(body);
      }
      // ChangeCipherSpec, a plaintext alert or handshake message (or a type TLS 1.3 does not have): TLS's own, whole.
      this.counts.handshake += HEADER_BYTES + body.length;
      return;
    }
    this.waiting.push({ header, body });
    this.drain();
  }

  /** Opens the waiting records in order, as far as the secrets known so far allow. */
  private drain(): void {
    while (this.waiting.length > 0) {
      const record = this.waiting[0];
      const opened = this.open(record);
      if (opened === 'wait') return;
      this.waiting.shift();
      if (opened === null) {
        this.undeciphered++;
        this.counts.handshake += HEADER_BYTES + record.body.length;
      } else if (opened.type === APPLICATION_DATA) {
        this.counts.application += opened.length;
        this.counts.recordOverhead += HEADER_BYTES + record.body.length - opened.length;
      } else {
        this.counts.handshake += HEADER_BYTES + record.body.length;
      }
    }
  }

  /** The record's inner type and content length, 'wait' for a secret not known yet, null if no key opens it. */
  private open(record: EncryptedRecord): { type: number; length: number } | 'wait' | null {
    const suite = this.meter.cipherSuite();
    if (!suite) return this.secrets.length > 0 ? null : 'wait';
    for (let tries = 0; tries < 2; tries++) {
      if (!this.keys) {
        const secret = this.secretOf(this.epoch, suite);
        if (!secret) return 'wait';
        this.keys = {
          key: expandLabel(suite.hash, secret, 'key', suite.keyBytes),
          iv: expandLabel(suite.hash, secret, 'iv', 12),
        };
        this.sequence = 0n;
      }
      const plaintext = decrypt(suite, this.keys, this.sequence, record);
      if (plaintext) {
        this.sequence++;
        return innerType(plaintext);
      }
      // Not this key's: the next epoch's, or nobody's.
      this.epoch++;
      this.keys = undefined;
    }
    // Neither key opened it: back to the epoch it was tried under first, for the records after it.
    this.epoch -= 2;
    this.keys = undefined;
    return null;
  }

  /** The epoch's secret: logged (the handshake's, the first application one), or derived from the one before. */
  private secretOf(epoch: number, suite: Suite): Buffer | undefined {
    if (this.secrets[epoch]) return this.secrets[epoch];
    if (epoch < 2 || !this.secrets[epoch - 1]) return undefined;
    this.secrets[epoch] = expandLabel(suite.hash, this.secrets[epoch - 1], 'traffic upd', this.secrets[epoch - 1].length);
    return this.secrets[epoch];
  }
}

/** HKDF-Expand-Label with an empty context (RFC 8446 §7.1); every length asked for fits one HMAC block. */
function expandLabel(hash: Suite['hash'], secret: Buffer, label: string, length: number): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, fullLabel.length]), fullLabel, Buffer.from([0, 1])]);
  return createHmac(hash, secret).update(info).digest().subarray(0, length);
}

/** The record's plaintext, or null when the key and sequence number given are not the ones it was sealed with. */
function decrypt(suite: Suite, keys: { key: Buffer; iv: Buffer }, sequence: bigint, record: EncryptedRecord): Buffer | null {
  if (record.body.length < TAG_BYTES + 1) return null;
  const nonce = Buffer.from(keys.iv);
  const seq = Buffer.alloc(8);
  seq.writeBigUInt64BE(sequence);
  for (let i = 0; i < 8; i++) nonce[4 + i] ^= seq[i];
  const sealed = record.body.subarray(0, record.body.length - TAG_BYTES);
  const tag = record.body.subarray(record.body.length - TAG_BYTES);
  try {
    const decipher =
      suite.aead === 'chacha20-poly1305'
        ? createDecipheriv('chacha20-poly1305', keys.key, nonce, { authTagLength: TAG_BYTES })
        : createDecipheriv(suite.aead, keys.key, nonce);
    decipher.setAAD(record.header, { plaintextLength: sealed.length });
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed), decipher.final()]);
  } catch {
    return null;
  }
}

/** TLSInnerPlaintext: content, then the real content type, then zeros (RFC 8446 §5.2). */
function innerType(plaintext: Buffer): { type: number; length: number } {
  let end = plaintext.length - 1;
  while (end >= 0 && plaintext[end] === 0) end--;
  return end < 0 ? { type: 0, length: 0 } : { type: plaintext[end], length: end };
}
