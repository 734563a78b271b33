import http2 from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import { captureHttp2Answer, Http2FloorServer } from '../../../bench/capacity/http2-floor.js';
import { PushServer } from '../../../servers/app.js';
import { ROUTES } from '../../../servers/contract/wire.js';

interface Http2Answer {
  status: number;
  /** Every header field as received, in order, pseudo-headers aside. */
  fields: [string, string][];
  body: string;
}

/** One request over a session of its own (prior knowledge), the answer as the client decoded it. */
function ask(baseUrl: string, path: string, method = 'GET', body?: string): Promise<Http2Answer> {
  const session = http2.connect(baseUrl);
  return new Promise<Http2Answer>((resolve, reject) => {
    session.on('error', reject);
    const stream = session.request({ ':method': method, ':path': path }, { endStream: body === undefined });
    let status = 0;
    const fields: [string, string][] = [];
    let text = '';
    stream.on('response', (headers) => {
      status = Number(headers[':status']);
      for (const [name, value] of Object.entries(headers)) if (!name.startsWith(':')) fields.push([name, String(value)]);
    });
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (text += chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve({ status, fields, body: text }));
    if (body !== undefined) stream.end(body);
  }).finally(() => session.destroy());
}

/** The one field that changes from second to second. */
const withoutDateValue = (answer: Http2Answer) => ({
  ...answer,
  fields: answer.fields.map(([name, value]) => [name, name === 'date' ? '<date>' : value]),
});

let server: PushServer | undefined;
let floor: Http2FloorServer | undefined;

afterEach(async () => {
  await floor?.close();
  await server?.close();
  floor = server = undefined;
});

async function floorOf(path: string): Promise<{ ours: Http2Answer; floor: Http2Answer; floorUrl: string }> {
  const answer = await captureHttp2Answer({ url: server!.url + path, method: 'GET', headers: {} }, 5_000);
  floor = new Http2FloorServer({ httpVersion: '2', method: 'GET', path, answer });
  const floorUrl = await floor.listen();
  return { ours: await ask(server!.url, path), floor: await ask(floorUrl, path), floorUrl };
}

describe('the node:http2 floor of an HTTP/2 capacity probe', () => {
  it('answers what the short poll answers empty over HTTP/2: status, header fields in order, body, a fresh Date', async () => {
    server = new PushServer({ strategies: ['short-polling'] });
    await server.listen(0, '127.0.0.1');
    const answers = await floorOf(`${ROUTES.poll}?since=0`);
    expect(answers.ours.status).toBe(200);
    expect(answers.ours.body).toBe('{"messages":[],"cursor":0}');
    expect(answers.ours.fields.map(([name]) => name)).toEqual(['content-type', 'x-content-type-options', 'cache-control', 'content-length', 'date']);
    expect(answers.floor.fields.find(([name]) => name === 'date')?.[1]).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(withoutDateValue(answers.floor)).toEqual(withoutDateValue(answers.ours));
  });

  it('answers what a long poll with a message ready answers over HTTP/2', async () => {
    server = new PushServer({ strategies: ['long-polling'] });
    await server.listen(0, '127.0.0.1');
    server.source.publish('x'.repeat(100));
    const answers = await floorOf(`${ROUTES.longPoll}?since=0`);
    const message = JSON.stringify(server.source.since(0).messages[0]);
    expect(answers.ours.body).toBe(`{"messages":[${message}],"cursor":1}`);
    expect(withoutDateValue(answers.floor)).toEqual(withoutDateValue(answers.ours));
  });

  it('answers a publish the way the endpoint did, reading the body it is sent', async () => {
    server = new PushServer({ strategies: ['short-polling'] });
    await server.listen(0, '127.0.0.1');
    const headers = { 'content-type': 'application/json' };
    const body = JSON.stringify({ payload: 'hello' });
    const answer = await captureHttp2Answer({ url: server.url + ROUTES.publish, method: 'POST', headers, body }, 5_000);
    expect(answer.statusCode).toBe(202);
    floor = new Http2FloorServer({ httpVersion: '2', method: 'POST', path: ROUTES.publish, answer });
    const floorUrl = await floor.listen();
    const replayed = await ask(floorUrl, ROUTES.publish, 'POST', body);
    expect(replayed.status).toBe(202);
    expect(replayed.body).toBe('{"seq":1}');
    expect(replayed.fields.map(([name]) => name)).toEqual([...answer.rawHeaders.filter((_, i) => i % 2 === 0), 'date']);
  });

  it('answers anything but the probed request with an empty 404', async () => {
    server = new PushServer({ strategies: ['short-polling'] });
    await server.listen(0, '127.0.0.1');
    const { floorUrl } = await floorOf(`${ROUTES.poll}?since=0`);
    const other = await ask(floorUrl, `${ROUTES.poll}?since=1`);
    expect(other.status).toBe(404);
    expect(other.body).toBe('');
    expect(other.fields.find(([name]) => name === 'content-length')).toEqual(['content-length', '0']);
  });

  it('survives a client that resets its stream with an error, and answers the next one', async () => {
    server = new PushServer({ strategies: ['short-polling'] });
    await server.listen(0, '127.0.0.1');
    const path = `${ROUTES.poll}?since=0`;
    const { floorUrl } = await floorOf(path);
    const session = http2.connect(floorUrl);
    const reset = session.request({ ':method': 'GET', ':path': path });
    reset.on('error', () => {});
    reset.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    await new Promise((resolve) => reset.on('close', resolve));
    session.destroy();
    expect((await ask(floorUrl, path)).status).toBe(200);
  });
});
