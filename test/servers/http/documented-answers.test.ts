import { readFileSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PushServer } from '../../../servers/app.js';
import { waitFor } from '../../helpers.js';

/**
 * docs/server.md's contract section shows the answers byte for byte (`curl -i`). Each block is replayed here on a
 * raw socket and must come back identical: status line, every header in order, body. Only `Date` may differ.
 */
interface Example {
  method: string;
  path: string;
  stream: boolean;
  head: string;
  body: string;
}

const DOC = readFileSync(new URL('../../../docs/server.md', import.meta.url), 'utf8');

function examples(): Example[] {
  const section = DOC.slice(DOC.indexOf('**The answers, byte for byte**'), DOC.indexOf('**Messages** are'));
  return [...section.matchAll(/```http\n([\s\S]*?)\n```/g)].map(([, block]) => {
    const [command, ...answer] = block.split('\n');
    const { groups } = /^\$ curl -i(?<stream> -N)?(?: -X (?<method>[A-Z]+))? 'http:\/\/127\.0\.0\.1:8080(?<path>[^']+)'$/.exec(command)!;
    const text = answer.join('\n');
    const end = text.indexOf('\n\n');
    const stream = groups!.stream !== undefined;
    return {
      method: groups!.method ?? 'GET',
      path: groups!.path,
      stream,
      head: `${text.slice(0, end).split('\n').join('\r\n')}\r\n\r\n`,
      // A stream's block ends with the blank line that ends its event.
      body: text.slice(end + 2) + (stream ? '\n' : ''),
    };
  });
}

/** Sends one request on a raw socket; returns the answer's head and body (a stream's chunks joined). */
async function exchange(example: Example): Promise<{ head: string; body: string }> {
  const socket = net.createConnection({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
  let raw = '';
  socket.on('data', (chunk) => (raw += chunk.toString('utf8')));
  socket.write(`${example.method} ${example.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  const split = () => {
    const end = raw.indexOf('\r\n\r\n');
    return end < 0 ? undefined : { head: raw.slice(0, end + 4), rest: raw.slice(end + 4) };
  };
  const body = () => {
    const parts = split();
    if (!parts) return undefined;
    if (!example.stream) {
      const length = Number(/\r\nContent-Length: (\d+)\r\n/.exec(parts.head)?.[1]);
      return Buffer.byteLength(parts.rest) === length ? parts.rest : undefined;
    }
    let events = '';
    let rest = parts.rest;
    for (let match; (match = /^([0-9a-f]+)\r\n/.exec(rest));) {
      const size = parseInt(match[1], 16);
      events += rest.slice(match[0].length, match[0].length + size);
      rest = rest.slice(match[0].length + size + 2);
    }
    return events.endsWith('\n\n') ? events : undefined;
  };
  await waitFor(() => body() !== undefined, `the answer to ${example.method} ${example.path}`);
  socket.destroy();
  return { head: split()!.head, body: body()! };
}

const DATE = /\r\nDate: ([A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT)\r\n/;

let server: PushServer;

beforeAll(async () => {
  server = new PushServer({ limits: { longPollTimeoutMs: 1_000 } });
  await server.listen(0, '127.0.0.1');
});
afterAll(async () => {
  await server.close();
});

describe('the answers documented in docs/server.md', () => {
  it('are six, and each comes back byte for byte (the Date value aside)', async () => {
    const documented = examples();
    expect(documented.map((e) => `${e.method} ${e.path}`)).toEqual([
      'GET /api/poll?since=0',
      'GET /api/poll?since=0',
      'GET /api/long-poll?since=1&timeout=100',
      'GET /api/events?since=0',
      'GET /api/poll?since=abc',
      'POST /api/poll?since=0',
    ]);
    for (const [index, example] of documented.entries()) {
      if (index === 1) {
        // The documented "hello", published at the time it shows.
        vi.spyOn(performance, 'timeOrigin', 'get').mockReturnValue(1_767_225_600_000);
        vi.spyOn(performance, 'now').mockReturnValue(0.25);
        server.source.publish('hello');
        vi.restoreAllMocks();
      }
      const answer = await exchange(example);
      const date = DATE.exec(answer.head)?.[1];
      expect(date, `a Date header in ${answer.head}`).toBeDefined();
      expect(answer.head.replace(date!, 'Thu, 01 Jan 2026 00:00:00 GMT')).toBe(example.head);
      expect(answer.body).toBe(example.body);
    }
  });
});
