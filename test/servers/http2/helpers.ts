import http2 from 'node:http2';
import net from 'node:net';

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

/** HTTP/2 frames (RFC 9113 §4.1) in `bytes`, after `skip` bytes (24 for the client's preface). */
export function frames(bytes: Buffer, skip = 0): Frame[] {
  const out: Frame[] = [];
  let offset = skip;
  while (offset + 9 <= bytes.length) {
    const length = bytes.readUIntBE(offset, 3);
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
