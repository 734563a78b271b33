import http2 from 'node:http2';
import net from 'node:net';
import { HTTP2_PREFACE } from '../../../servers/http2/front.js';

export interface Http2Answer {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: string;
}

/** One request as a stream of `session`; resolves with the whole answer. */
export function h2request(
  session: http2.ClientHttp2Session,
  path: string,
  headers: http2.OutgoingHttpHeaders = {},
  body?: string,
): Promise<Http2Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':path': path, ...headers }, { endStream: body === undefined });
    let status = 0;
    let received: http2.IncomingHttpHeaders = {};
    let text = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => {
      received = h;
      status = Number(h[':status']);
    });
    stream.on('data', (chunk: string) => (text += chunk));
    stream.on('end', () => resolve({ status, headers: received, body: text }));
    stream.on('error', reject);
    if (body !== undefined) stream.end(body);
  });
}

/** A TCP pass-through that keeps every byte each way: what the wire carried between a client and the server. */
export class Tap {
  readonly up: Buffer[] = [];
  readonly down: Buffer[] = [];
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(targetPort: number) {
    this.server = net.createServer((client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      this.sockets.add(client).add(upstream);
      client.on('data', (chunk: Buffer) => {
        this.up.push(chunk);
        upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => {
        this.down.push(chunk);
        client.write(chunk);
      });
      client.on('close', () => upstream.end());
      upstream.on('close', () => client.end());
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
  }

  static async to(serverUrl: string): Promise<Tap> {
    const tap = new Tap(Number(new URL(serverUrl).port));
    await new Promise<void>((resolve) => tap.server.listen(0, '127.0.0.1', resolve));
    return tap;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  get upBytes(): Buffer {
    return Buffer.concat(this.up);
  }

  get downBytes(): Buffer {
    return Buffer.concat(this.down);
  }

  close(): void {
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
  }
}

export interface Frame {
  type: number;
  flags: number;
  stream: number;
  payload: Buffer;
}

/**
 * HTTP/2 frames (RFC 9113 §4.1) in `bytes`, after `skip` bytes (24 for the client's preface). `sofar`: bytes
 * still arriving, whose last frame may be incomplete (left out); otherwise an incomplete frame is an error.
 */
export function frames(bytes: Buffer, skip = 0, sofar = false): Frame[] {
  const out: Frame[] = [];
  let offset = skip;
  while (offset + 9 <= bytes.length) {
    const length = bytes.readUIntBE(offset, 3);
    if (sofar && offset + 9 + length > bytes.length) return out;
    out.push({
      type: bytes[offset + 3],
      flags: bytes[offset + 4],
      stream: bytes.readUInt32BE(offset + 5) & 0x7fffffff,
      payload: bytes.subarray(offset + 9, offset + 9 + length),
    });
    offset += 9 + length;
  }
  if (offset !== bytes.length) throw new Error(`${bytes.length - offset} bytes do not make a whole frame`);
  return out;
}

export const FRAME = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, WINDOW_UPDATE: 8 } as const;

/** One header field representation of an HPACK block (RFC 7541 §6), with its size in the block. */
export interface Representation {
  kind: 'indexed' | 'incremental' | 'without-indexing' | 'never-indexed' | 'table-size';
  /** The index (indexed), or the name's index (0: a literal name). */
  index: number;
  bytes: number;
}

/** Splits an HPACK block into its representations, without decoding strings (their length prefix is enough). */
export function representations(block: Buffer): Representation[] {
  const out: Representation[] = [];
  let offset = 0;
  const integer = (prefixBits: number): number => {
    const max = (1 << prefixBits) - 1;
    let value = block[offset++] & max;
    if (value < max) return value;
    let shift = 0;
    let byte: number;
    do {
      byte = block[offset++]!;
      value += (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  const string = () => {
    const length = integer(7);
    offset += length;
  };
  while (offset < block.length) {
    const start = offset;
    const first = block[offset];
    let kind: Representation['kind'];
    let index: number;
    if (first & 0x80) {
      kind = 'indexed';
      index = integer(7);
    } else if (first & 0x40) {
      kind = 'incremental';
      index = integer(6);
    } else if (first & 0x20) {
      kind = 'table-size';
      index = integer(5);
    } else {
      kind = first & 0x10 ? 'never-indexed' : 'without-indexing';
      index = integer(4);
    }
    if (kind !== 'indexed' && kind !== 'table-size') {
      if (index === 0) string();
      string();
    }
    out.push({ kind, index, bytes: offset - start });
  }
  return out;
}

/** Flags of the frames built below (RFC 9113 §6). */
export const FLAG = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4 } as const;

/** SETTINGS parameters (RFC 9113 §6.5.2). */
export const SETTING = { MAX_CONCURRENT_STREAMS: 0x3, INITIAL_WINDOW_SIZE: 0x4 } as const;

/** One frame (RFC 9113 §4.1): a 9-byte header, then the payload. */
export function frame(type: number, flags: number, stream: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(stream, 5);
  return Buffer.concat([header, payload]);
}

export function settingsFrame(settings: readonly (readonly [id: number, value: number])[] = []): Buffer {
  const payload = Buffer.alloc(6 * settings.length);
  settings.forEach(([id, value], i) => {
    payload.writeUInt16BE(id, 6 * i);
    payload.writeUInt32BE(value, 6 * i + 2);
  });
  return frame(FRAME.SETTINGS, 0, 0, payload);
}

export function windowUpdateFrame(stream: number, increment: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(increment);
  return frame(FRAME.WINDOW_UPDATE, 0, stream, payload);
}

export function dataFrame(stream: number, data: Buffer | string, endStream = false): Buffer {
  return frame(FRAME.DATA, endStream ? FLAG.END_STREAM : 0, stream, Buffer.from(data));
}

/**
 * A HEADERS frame with the whole block: every field a literal without indexing and with a literal name, no
 * Huffman coding (RFC 7541 §6.2.2), the simplest block any decoder must take.
 */
export function headersFrame(stream: number, fields: readonly (readonly [name: string, value: string])[], endStream: boolean): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    parts.push(Buffer.from([0]), hpackString(name), hpackString(value));
  }
  return frame(FRAME.HEADERS, FLAG.END_HEADERS | (endStream ? FLAG.END_STREAM : 0), stream, Buffer.concat(parts));
}

/** The request pseudo-header fields of a request to `authority` (host:port). */
export function requestFields(method: string, path: string, authority: string): [string, string][] {
  return [
    [':method', method],
    [':scheme', 'http'],
    [':path', path],
    [':authority', authority],
  ];
}

/** A string literal without Huffman coding: its length as a 7-bit-prefix integer (RFC 7541 §5.1), then its bytes. */
function hpackString(text: string): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  const length: number[] = [];
  let rest = bytes.length;
  if (rest < 127) length.push(rest);
  else {
    length.push(127);
    rest -= 127;
    while (rest >= 128) {
      length.push((rest % 128) + 128);
      rest = Math.floor(rest / 128);
    }
    length.push(rest);
  }
  return Buffer.concat([Buffer.from(length), bytes]);
}

/**
 * A raw HTTP/2 client connection on a TCP socket: the preface and a SETTINGS frame sent at once, the rest as the
 * caller writes it. `read: false` never reads a byte (the kernel buffers fill up, as with a peer that stalls).
 */
export function rawHttp2(port: number, settings: readonly (readonly [number, number])[] = [], read = true): RawHttp2 {
  const socket = net.createConnection({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  const chunks: Buffer[] = [];
  if (read) socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  else socket.pause();
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(Buffer.concat([HTTP2_PREFACE, settingsFrame(settings)]));
  return { socket, received: () => Buffer.concat(chunks), closed };
}

export interface RawHttp2 {
  socket: net.Socket;
  /** Every byte received so far. */
  received(): Buffer;
  closed: Promise<void>;
}
