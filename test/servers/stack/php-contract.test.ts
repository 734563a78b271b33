import { afterEach, describe, expect, it } from 'vitest';
import { PushServer } from '../../../servers/app.js';
import type { ServerLimits } from '../../../servers/constants.js';
import { ROUTES } from '../../../servers/contract/wire.js';
import type { MessageLog } from '../../../servers/log/message-log.js';
import { connectRedis } from '../../../servers/log/redis/redis-connection.js';
import { logKeys, parseEntries, RedisLog } from '../../../servers/log/redis/redis-log.js';
import { RedisMessageSource } from '../../../servers/log/redis/redis-message-source.js';
import type { RunningStack } from '../../../servers/stack/stack-process.js';
import { waitFor } from '../../helpers.js';
import { phpStackFixture, phpStackMissing, publishThroughPhp } from './php-stack-host.js';

/**
 * The PHP strategies speak our server's contract: the same refusals in the same words, the same stored message for
 * the same body, the same poll answer, byte for byte, for the same log. Each is asked of both, for real: our server
 * in this process, the PHP stack on Debian's nginx and php-fpm.
 */
const php = phpStackFixture();
const closing: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(closing.splice(0).map((item) => item.close()));
  await php.stopAll();
});

async function nodeServer(limits: Partial<ServerLimits> = {}, source?: RedisMessageSource): Promise<PushServer<MessageLog>> {
  const server = new PushServer<MessageLog>({ limits, ...(source && { source }) });
  await server.listen(0, '127.0.0.1');
  closing.push(server);
  return server;
}

interface Answer {
  status: number;
  type: string | null;
  allow: string | null;
  body: string;
}

async function ask(base: string, path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${base}${path}`, init);
  return { status: response.status, type: response.headers.get('content-type'), allow: response.headers.get('allow'), body: await response.text() };
}

const json = { 'content-type': 'application/json' };
const deep = (levels: number): unknown => (levels === 0 ? 1 : [deep(levels - 1)]);

/** Requests our server refuses, each with what makes it wrong. */
const BAD_REQUESTS: [string, string, RequestInit?][] = [
  ['a cursor that is not a number', `${ROUTES.poll}?since=abc`],
  ['a negative cursor', `${ROUTES.longPoll}?since=-1`],
  ['a cursor given twice', `${ROUTES.poll}?since=1&since=2`],
  ['a cursor past 15 digits', `${ROUTES.poll}?since=1234567890123456`],
  ['a user id with a space', `${ROUTES.poll}?since=0&user=bad%20id`],
  ['an empty user id', `${ROUTES.longPoll}?since=0&user=`],
  ['a user id too long', `${ROUTES.poll}?since=0&user=${'u'.repeat(65)}`],
  ['a client tag that is no id', `${ROUTES.poll}?since=0&client=a/b`],
  ['a hold below the least', `${ROUTES.longPoll}?since=0&timeout=5`],
  ['a hold above the most', `${ROUTES.longPoll}?since=0&timeout=99999999`],
  ['a hold that is no number', `${ROUTES.longPoll}?since=0&timeout=soon`],
  ['a poll POSTed', ROUTES.poll, { method: 'POST' }],
  ['a publish asked with GET', ROUTES.publish],
  ['a path nobody serves', '/nothing/here?x=1'],
  ['a publish without a JSON type', ROUTES.publish, { method: 'POST', body: '{"payload":1}' }],
  ['a publish in another charset', ROUTES.publish, { method: 'POST', headers: { 'content-type': 'application/json; charset=latin1' }, body: '{}' }],
  ['a compressed publish', ROUTES.publish, { method: 'POST', headers: { ...json, 'content-encoding': 'gzip' }, body: '{}' }],
  ['a publish over the size limit', ROUTES.publish, { method: 'POST', headers: json, body: `{"payload":"${'x'.repeat(70_000)}"}` }],
  ['a publish that is not UTF-8', ROUTES.publish, { method: 'POST', headers: json, body: new Uint8Array([0x7b, 0xff, 0x7d]) }],
  ['a publish that is not JSON', ROUTES.publish, { method: 'POST', headers: json, body: '{"payload":' }],
  ['a publish with a number out of range', ROUTES.publish, { method: 'POST', headers: json, body: '{"payload":1e309}' }],
  ['an empty publish', ROUTES.publish, { method: 'POST', headers: json, body: '' }],
  ['a publish that is a list', ROUTES.publish, { method: 'POST', headers: json, body: '[1]' }],
  ['a publish without a payload', ROUTES.publish, { method: 'POST', headers: json, body: '{"to":"bob"}' }],
  ['a recipient that is not a string', ROUTES.publish, { method: 'POST', headers: json, body: '{"payload":1,"to":5}' }],
  ['a recipient that is no id', ROUTES.publish, { method: 'POST', headers: json, body: '{"payload":1,"to":"b b"}' }],
  ['a payload nested too deep', ROUTES.publish, { method: 'POST', headers: json, body: JSON.stringify({ payload: deep(65) }) }],
  ['a publish from a foreign page', ROUTES.publish, { method: 'POST', headers: { ...json, origin: 'http://evil.example' }, body: '{"payload":1}' }],
];

describe.skipIf(phpStackMissing('the PHP strategies against our server'))('the PHP strategies against our server', () => {
  it('refuse every bad request with the same status, type, headers and sentence', async () => {
    const server = await nodeServer();
    const stack = await php.start();
    for (const [what, path, init] of BAD_REQUESTS) {
      const ours = await ask(server.url, path, init);
      const theirs = await ask(stack.url, path, init);
      expect(ours.status, what).toBeGreaterThanOrEqual(400);
      expect(theirs, what).toEqual(ours);
    }
  });

  it('store the same message for the same body, byte for byte but for seq and time', async () => {
    const stack = await php.start();
    const client = await connectRedis(php.redis().url);
    closing.push({ close: () => client.close() });
    const node = new RedisLog(client, `${php.prefix()}-node`);
    const bodies = [
      '{"payload":"héllo, wörld ✓ 🎉"}',
      '{"payload":"quotes \\" back\\\\slash / slash \\u2028 \\u0000 \\t \\u001f \\u007f"}',
      '{"payload":[0,-0,1.0,1.5,0.1,1e21,1E-7,1e-6,123456789012345680000,1e300,5e-324,-1.7976931348623157e308]}',
      '{"payload":[9007199254740993,12345678901234567890,100,1e2,0.000001,-0.0]}',
      '{"payload":{"b":1,"a":2,"10":3,"2":4,"-1":5,"01":6,"4294967295":7,"4294967294":8,"":9}}',
      '{"payload":{"same":1,"other":2,"same":3}}',
      '{"payload":{},"to":"bob"}',
      '{"payload":[[],{},null,true,false,{"n":{"m":[1,{"o":[]}]}}]}',
      '{ "payload" : [ 1 , 2 ] , "to" : "eve" }',
      '\ufeff{"payload":"after a byte order mark"}',
    ];
    const stored = async (prefix: string) => {
      const reply = await client.sendCommand(['XRANGE', logKeys(prefix).log, '-', '+']);
      return parseEntries(reply).map((entry) => entry.json.replace(/^\{"seq":\d+,"t":[^,]+,/, ''));
    };
    for (const body of bodies) {
      const answer = await ask(stack.url, ROUTES.publish, { method: 'POST', headers: json, body });
      expect(answer.status, body).toBe(202);
      const parsed = JSON.parse(body.replace(/^\ufeff/, '')) as { payload: unknown; to?: string };
      await node.publish(parsed.payload, parsed.to, { ringSize: 100, payloadDepth: 64, floor: 0 });
    }
    const phpTexts = await stored(php.prefix());
    expect(phpTexts).toHaveLength(bodies.length);
    expect(phpTexts).toEqual(await stored(`${php.prefix()}-node`));
  });

  it('answer every poll byte for byte as our server does from the same log: cursors, users, gaps, and cut answers', async () => {
    const limits = { ringSize: 8, maxMessagesPerResponse: 3, maxPollAnswerBytes: 300 };
    const stack = await php.start({ limits });
    const source = await RedisMessageSource.open({ url: php.redis().url, keyPrefix: php.prefix(), ringSize: limits.ringSize });
    closing.push(source);
    const server = await nodeServer(limits, source);
    const seqs: number[] = [];
    for (let i = 1; i <= 14; i++) {
      const to = i % 3 === 0 ? 'bob' : i % 5 === 0 ? 'eve' : undefined;
      seqs.push(await publishThroughPhp(stack, i === 7 ? 'x'.repeat(250) : `m${i}`, to));
    }
    await waitFor(() => source.head === seqs.at(-1), 'our server to read the log');
    const cursors = [0, seqs[0] - 1, seqs[1], seqs[5], seqs[6], seqs[10], seqs[13], seqs[13] + 5];
    let compared = 0;
    for (const cursor of cursors) {
      for (const user of [undefined, 'bob', 'eve']) {
        const query = `?since=${cursor}${user === undefined ? '' : `&user=${user}`}`;
        const ours = await ask(server.url, `${ROUTES.poll}${query}`);
        expect(await ask(stack.url, `${ROUTES.poll}${query}`), query).toEqual(ours);
        expect(await ask(stack.url, `${ROUTES.longPoll}${query}&timeout=100`), `long ${query}`).toEqual(
          await ask(server.url, `${ROUTES.longPoll}${query}&timeout=100`),
        );
        compared++;
      }
    }
    expect(compared).toBe(24);
    // Not vacuous: the answers compared include a gap, a cut by bytes and a cut by count.
    const answers = await Promise.all(cursors.map(async (cursor) => (await ask(stack.url, `${ROUTES.poll}?since=${cursor}`)).body));
    expect(answers.some((body) => body.includes('"gap"'))).toBe(true);
    expect(answers.some((body) => (JSON.parse(body) as { messages: unknown[] }).messages.length === 3)).toBe(true);
  });

  it('hold a long poll until a message for its reader arrives, passing over messages for others', async () => {
    const stack: RunningStack = await php.start();
    const head = (JSON.parse((await ask(stack.url, `${ROUTES.poll}?since=0`)).body) as { cursor: number }).cursor;
    const held = ask(stack.url, `${ROUTES.longPoll}?since=${head}&user=bob&timeout=5000`);
    let answered = false;
    void held.then(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await publishThroughPhp(stack, 'for eve', 'eve');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    const seq = await publishThroughPhp(stack, 'for bob', 'bob');
    const body = JSON.parse((await held).body) as { messages: { seq: number; payload: unknown }[]; cursor: number };
    expect(body.messages.map((m) => [m.seq, m.payload])).toEqual([[seq, 'for bob']]);
    expect(body.cursor).toBe(seq);
  });
});
