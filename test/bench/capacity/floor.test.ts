import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { announcedKeepAliveMs, captureAnswer, FloorServer } from '../../../bench/capacity/floor.js';
import { PushServer } from '../../../servers/app.js';
import { ROUTES } from '../../../servers/contract/wire.js';

/** Sends one raw keep-alive GET and resolves with the answer's bytes once its Content-Length is in. */
function rawGet(baseUrl: string, target: string): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host: hostname, port: Number(port) });
    let text = '';
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const length = end < 0 ? null : /content-length: (\d+)/i.exec(text.slice(0, end));
      if (length && Buffer.byteLength(text, 'latin1') >= end + 4 + Number(length[1])) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: keep-alive\r\n\r\n`);
  });
}

/** The one part of an answer that changes from second to second. */
const withoutDate = (answer: string) => answer.replace(/^(Date: ).*$/im, '$1<date>');

let server: PushServer | undefined;
let floor: FloorServer | undefined;

afterEach(async () => {
  await floor?.close();
  await server?.close();
  floor = server = undefined;
});

async function floorOf(path: string): Promise<{ ours: string; floor: string; floorUrl: string }> {
  const answer = await captureAnswer({ url: server!.url + path, method: 'GET', headers: {} }, 5_000);
  floor = new FloorServer({ method: 'GET', path, answer });
  const floorUrl = await floor.listen();
  return { ours: await rawGet(server!.url, path), floor: await rawGet(floorUrl, path), floorUrl };
}

describe('the node:http floor of a capacity probe', () => {
  it('answers byte for byte what the short poll answers empty, the Date value aside', async () => {
    server = new PushServer({ strategies: ['short-polling'] });
    await server.listen(0, '127.0.0.1');
    const path = `${ROUTES.poll}?since=0`;
    const answers = await floorOf(path);
    expect(answers.ours).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answers.ours.endsWith('\r\n\r\n{"messages":[],"cursor":0}')).toBe(true);
    expect(answers.ours).toMatch(/^Date: .+ GMT$/im);
    expect(answers.floor).toMatch(/^Date: .+ GMT$/im);
    expect(withoutDate(answers.floor)).toBe(withoutDate(answers.ours));
    expect(Buffer.byteLength(answers.floor, 'latin1')).toBe(Buffer.byteLength(answers.ours, 'latin1'));
  });

  it('answers byte for byte what a long poll with a message ready answers', async () => {
    server = new PushServer({ strategies: ['long-polling'] });
    await server.listen(0, '127.0.0.1');
    server.source.publish('x'.repeat(100));
    const path = `${ROUTES.longPoll}?since=0`;
    const answers = await floorOf(path);
    const message = JSON.stringify(server.source.since(0).messages[0]);
    expect(answers.ours.endsWith(`\r\n\r\n{"messages":[${message}],"cursor":1}`)).toBe(true);
    expect(withoutDate(answers.floor)).toBe(withoutDate(answers.ours));
  });

  it('answers anything but the probed request with an empty 404', async () => {
    server = new PushServer({ strategies: ['short-polling'] });
    await server.listen(0, '127.0.0.1');
    const { floor: answer, floorUrl } = await floorOf(`${ROUTES.poll}?since=0`);
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK/);
    const other = await rawGet(floorUrl, `${ROUTES.poll}?since=1`);
    expect(other).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
    expect(other).toMatch(/^Content-Length: 0$/im);
  });

  it('answers a publish only once its body has arrived, as a server that uses the message must', async () => {
    const answer = {
      statusCode: 202,
      statusMessage: 'Accepted',
      rawHeaders: ['Content-Length', '2'],
      bodyBase64: Buffer.from('{}').toString('base64'),
    };
    floor = new FloorServer({ method: 'POST', path: '/api/publish', answer });
    const { hostname, port } = new URL(await floor.listen());
    const socket = net.createConnection({ host: hostname, port: Number(port) });
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`POST /api/publish HTTP/1.1\r\nHost: ${hostname}\r\nContent-Length: 10\r\n\r\n12345`);
    // Half the body is in; a round trip of our own on another connection shows the floor has had its turn.
    await rawGet(`http://${hostname}:${port}`, '/elsewhere');
    expect(received).toBe('');
    socket.write('67890');
    await new Promise<void>((resolve) => socket.on('data', () => received.endsWith('{}') && resolve()));
    expect(received).toMatch(/^HTTP\/1\.1 202 Accepted\r\n/);
    socket.destroy();
  });

  it('keeps an idle connection as long as the answer announces', () => {
    expect(announcedKeepAliveMs(['Content-Length', '2', 'Keep-Alive', 'timeout=65'])).toBe(65_000);
    expect(announcedKeepAliveMs(['keep-alive', 'max=100, timeout=7'])).toBe(7_000);
    expect(announcedKeepAliveMs(['Connection', 'close'])).toBeUndefined();
  });
});
