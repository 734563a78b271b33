import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import { PUBLISH_TIMEOUT_MS } from '../../servers/log/redis/redis-log.js';
import { startRedisServer, type RedisServer } from '../../servers/log/redis/redis-server.js';
import { FRAME, frames, headersFrame, rawHttp2, requestFields } from '../../test/servers/http2/helpers.js';
import { count, eventually, fillRing, SERVE, statusCounts, type Attack } from './attack.js';
import type { Target } from './target.js';

const run = promisify(execFile);
/** The script's own requests close their connections, so that the server's open descriptors count only the attack's. */
const CLOSE = { connection: 'close' };

/** Sends `bytes` on a raw HTTP/1.1 connection; resolves with the answer's status line and how long it took. */
function rawAnswer(target: Target, bytes: string, keepSending?: (socket: net.Socket) => void): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.createConnection({ host: '127.0.0.1', port: Number(new URL(target.url).port) });
    const started = performance.now();
    let text = '';
    const timer = setTimeout(() => finish('no answer in 25 s'), 25_000);
    const finish = (what: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(what);
    };
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (text.includes('\r\n')) finish(`${text.slice(9, 12)} after ${Math.round(performance.now() - started)} ms`);
    });
    socket.on('close', () => finish(`closed without an answer after ${Math.round(performance.now() - started)} ms`));
    socket.write(bytes);
    keepSending?.(socket);
  });
}

/** A publish on a serve process of the Redis at `redis`; resolves with its status and how long it took, ms. */
async function timedPublish(target: Target, payload: string): Promise<[number, number]> {
  const started = performance.now();
  const status = await target.publish(payload);
  return [status, performance.now() - started];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** The Redis of the two Redis attacks: started by the script, so that it can be frozen and killed. */
let redis: RedisServer | undefined;

/** Starts (once) the redis-server the Redis attacks' servers use, and returns the serve flags that point at it. */
export async function redisForAttacks(): Promise<RedisServer> {
  redis ??= await startRedisServer();
  return redis;
}

export async function stopRedisForAttacks(): Promise<void> {
  await redis?.stop();
  redis = undefined;
}

function redisAttack(name: string, title: string, before: string, body: (target: Target, redis: RedisServer) => Promise<string>): Attack {
  return {
    name,
    issue: 'finding',
    title: () => title,
    before,
    // Filled in by the runner with --redis-url of redisForAttacks().
    target: { program: 'serve', args: ['--redis-url', 'REDIS'] },
    run: async (target) => body(target, await redisForAttacks()),
  };
}

const frozenRedis = redisAttack(
  'redis-frozen',
  'redis-server frozen (SIGSTOP) for 10 s, a publish every 100 ms',
  'every publish waited for the resume (median 5.0 s)',
  async (target, server) => {
    const before = (await target.stats()).source.head;
    process.kill(server.pid, 'SIGSTOP');
    const publishes: Promise<[number, number]>[] = [];
    try {
      for (let i = 0; i < 100; i++) {
        publishes.push(timedPublish(target, `frozen ${i}`));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      process.kill(server.pid, 'SIGCONT');
    }
    const results = await Promise.all(publishes);
    // What Redis had received while frozen runs now, each past its deadline: nothing of it is stored.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const stored = (await target.stats()).source.head - before;
    const waits = results.map(([, ms]) => ms);
    const late = results.filter(([status]) => status === 202).length;
    return (
      `${statusCounts(results.map(([status]) => status))} (a 202: sent in the freeze's last second, answered after the resume), ` +
      `median wait ${count(Math.round(median(waits)))} ms (timeout ${count(PUBLISH_TIMEOUT_MS)}); ${stored} stored after the resume ` +
      `(${stored === late ? 'exactly those' : `expected ${late}`}); ${target.stderr.trim().split('\n').filter(Boolean).length} lines on stderr`
    );
  },
);

const deadRedis = redisAttack(
  'redis-dead',
  'redis-server killed for good (SIGKILL), then 20 publishes',
  'publishes got 503; nothing said once and clearly',
  async (target, server) => {
    process.kill(server.pid, 'SIGKILL');
    await stopRedisForAttacks();
    const statuses = [];
    for (let i = 0; i < 20; i++) statuses.push(await target.publish(`after ${i}`));
    await eventually(() => target.stderr.includes('\n'), 5_000);
    const lines = target.stderr.trim().split('\n').filter(Boolean);
    return `${statusCounts(statuses)}; ${lines.length} line on stderr: "${lines[0]}"`;
  },
);

const slowDeclared: Attack = {
  name: 'slow-body-declared',
  issue: 'finding',
  title: () => 'HTTP/1.1 publish, Content-Length: 10,000,000 declared, 1 KB sent',
  before: 'no 413 until the 20 s request timeout, which closed silently',
  target: SERVE,
  run: (target) =>
    rawAnswer(
      target,
      `POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n${'x'.repeat(1_000)}`,
    ),
};

const slowChunked: Attack = {
  name: 'slow-body-chunked',
  issue: 'finding',
  title: () => 'HTTP/1.1 publish, chunked body past the limit, never ended',
  before: 'no 413 until the 20 s request timeout, which closed silently',
  target: SERVE,
  run: (target) =>
    rawAnswer(
      target,
      `POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
      (socket) => {
        const chunk = `${(8_000).toString(16)}\r\n${'x'.repeat(8_000)}\r\n`;
        const timer = setInterval(() => (socket.destroyed ? clearInterval(timer) : socket.write(chunk)), 20);
      },
    ),
};

const curlHttp2: Attack = {
  name: 'curl-http2',
  issue: 'finding',
  title: () => 'curl --http2 http://… (h2c by Upgrade): a poll, the stats, a publish',
  before: '404 on every route',
  target: SERVE,
  async run(target) {
    const curl = async (path: string, ...args: string[]) =>
      (await run('curl', ['-s', '-o', '/dev/null', '--http2', '-w', '%{http_code} over %{http_version}', ...args, `${target.url}${path}`])).stdout;
    const answers = [
      await curl('/api/poll?since=0'),
      await curl('/api/stats'),
      await curl('/api/publish', '-H', 'Content-Type: application/json', '-d', '{"payload":"curl"}'),
    ];
    return answers.join(', ');
  },
};

const authority: Attack = {
  name: 'h2-authority',
  issue: 'finding',
  title: () => 'HTTP/2 request, :authority evil.example, Host our own',
  before: 'the Host check read host: served',
  target: SERVE,
  async run(target) {
    const port = Number(new URL(target.url).port);
    const client = rawHttp2(port);
    client.socket.write(headersFrame(1, [...requestFields('GET', '/api/poll?since=0', 'evil.example'), ['host', `127.0.0.1:${port}`]], true));
    await eventually(() => frames(client.received(), 0, true).some((f) => f.type === FRAME.DATA && (f.flags & 1) === 1), 5_000);
    client.socket.destroy();
    const refused = (await target.stats()).control.failedByStatus;
    return `answered ${Object.keys(refused).join(', ') || 'not refused'}`;
  },
};

const nosniff: Attack = {
  name: 'nosniff',
  issue: 'finding',
  title: () => 'JSON and event-stream answers: X-Content-Type-Options',
  before: 'none carried nosniff (only the HTML page)',
  target: SERVE,
  async run(target) {
    const answers = await Promise.all(
      [
        ['/api/poll?since=0', { headers: CLOSE }],
        ['/api/long-poll?since=0&timeout=100', { headers: CLOSE }],
        ['/api/stats', { headers: CLOSE }],
        ['/api/publish', { method: 'POST', headers: { ...CLOSE, 'content-type': 'application/json' }, body: '{"payload":1}' }],
        ['/no/such/route', { headers: CLOSE }],
      ].map(async ([path, init]) => {
        const res = await fetch(`${target.url}${path as string}`, init as RequestInit);
        await res.arrayBuffer();
        return res.headers.get('x-content-type-options') === 'nosniff';
      }),
    );
    const controller = new AbortController();
    const events = await fetch(`${target.url}/api/events?since=0`, { signal: controller.signal, headers: CLOSE });
    answers.push(events.headers.get('x-content-type-options') === 'nosniff');
    controller.abort();
    return `${answers.filter(Boolean).length} of ${answers.length} carry nosniff (poll, long poll, stats, publish, 404, events)`;
  },
};

const numbers: Attack = {
  name: 'numbers',
  issue: 'finding',
  title: () => 'publish 1e309, and a 23-digit integer',
  before: '1e309 stored as null; the integer lost precision silently',
  target: SERVE,
  async run(target) {
    const post = async (body: string) =>
      (await fetch(`${target.url}/api/publish`, { method: 'POST', headers: { ...CLOSE, 'content-type': 'application/json' }, body })).status;
    const infinity = await post('{"payload":1e309}');
    const big = await post('{"payload":12345678901234567890123}');
    const stored = ((await (await fetch(`${target.url}/api/poll?since=0`, { headers: CLOSE })).json()) as { messages: { payload: unknown }[] })
      .messages;
    return `1e309: ${infinity}; 23 digits: ${big}, read back as ${JSON.stringify(stored.at(-1)?.payload)} (payloads are JSON as JavaScript reads it)`;
  },
};

const pipelinedClose: Attack = {
  name: 'pipelined-close',
  issue: 'finding',
  title: () => 'HTTP/1.1: a held long poll, 500 pipelined long polls over the send budget, never read, then closed',
  before: 'the poll and its fd stayed held for 25 s',
  target: SERVE,
  async run(target) {
    await fillRing(target, 40, 60_000);
    target.measureFromHere();
    const head = (await target.stats()).source.head;
    const fdsBefore = target.fds;
    const socket = net.createConnection({ host: '127.0.0.1', port: Number(new URL(target.url).port) });
    socket.on('error', () => {});
    socket.pause();
    const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
    socket.write(get(`/api/long-poll?since=${head}`) + get('/api/long-poll?since=0').repeat(500));
    await eventually(async () => (await target.stats()).http.waitedForSendBudget > 0, 10_000);
    const { http, strategies } = await target.stats();
    const started = performance.now();
    socket.destroy();
    const released = await eventually(async () => (await target.stats()).strategies['long-polling'].attached === 0, 30_000);
    const fdFreed = await eventually(() => target.fds <= fdsBefore, 30_000);
    const fdMs = Math.round(performance.now() - started);
    const poll =
      strategies['long-polling'].attached === 0 && http.heldPollsAnsweredForBudget === 1
        ? 'held poll answered at once when the budget filled'
        : `held poll ${released ? 'released' : 'still held'} after the close`;
    return `${poll}; its fd freed ${fdFreed ? `within ${count(fdMs)} ms of the close` : 'never (30 s)'}`;
  },
};

export const FINDINGS: readonly Attack[] = [
  frozenRedis,
  deadRedis,
  slowDeclared,
  slowChunked,
  curlHttp2,
  authority,
  nosniff,
  numbers,
  pipelinedClose,
];
