import { execFile } from 'node:child_process';
import http from 'node:http';
import type http2 from 'node:http2';
import { promisify } from 'node:util';
import { HTTP2_LIMITS } from '../../servers/constants.js';
import { FRAME, frame, frames, headersFrame, rawHttp2, requestFields, SETTING, type RawHttp2 } from '../../test/servers/http2/helpers.js';
import { count, eventually, fillRing, h2session, scaled, SERVE, statusCounts, statusOf, type Attack } from './attack.js';
import type { Target } from './target.js';

/** A request whose body is sent as given and never ended: its status once the server answers. */
async function bodyStatus(target: Target, path: string, headers: http2.OutgoingHttpHeaders, body: string, end: boolean): Promise<string> {
  const session = h2session(target.url);
  try {
    const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/json', ...headers }, { endStream: false });
    const status = statusOf(stream);
    stream.write(body);
    if (end) stream.end();
    const answered = await Promise.race([status, new Promise<number>((resolve) => setTimeout(() => resolve(-1), 15_000))]);
    return answered === -1 ? 'no answer in 15 s' : `${answered} at once`;
  } finally {
    session.destroy();
  }
}

const CRASH = 'TypeError: ee.on is not a function: the process died';

const crashTriggers: Attack[] = [
  {
    name: 'h2-publish-70k',
    issue: 'break 1',
    title: () => 'HTTP/2 publish, a 70 KB body (limit 64 KiB)',
    before: CRASH,
    target: SERVE,
    run: (target) => bodyStatus(target, '/api/publish', {}, `{"payload":"${'x'.repeat(70_000)}"}`, true),
  },
  {
    name: 'h2-user-token-70k',
    issue: 'break 1',
    title: () => 'HTTP/2 POST /api/user-token, 70 KB',
    before: CRASH,
    target: { program: 'serve', args: ['--user-secret', 'attack-secret-0123456789'] },
    run: (target) => bodyStatus(target, '/api/user-token', {}, `{"user":"${'x'.repeat(70_000)}"}`, true),
  },
  {
    name: 'h2-gzip-streaming',
    issue: 'break 1',
    title: () => 'HTTP/2 publish, Content-Encoding: gzip, body still streaming',
    before: CRASH,
    target: SERVE,
    run: (target) => bodyStatus(target, '/api/publish', { 'content-encoding': 'gzip' }, 'x'.repeat(1_000), false),
  },
  {
    name: 'h2-declared-100000',
    issue: 'break 1',
    title: () => 'HTTP/2 publish, content-length: 100000 declared, 13 B sent',
    before: CRASH,
    target: SERVE,
    run: (target) => bodyStatus(target, '/api/publish', { 'content-length': '100000' }, '{"payload":1}', false),
  },
  {
    name: 'demo-join-5k',
    issue: 'break 1',
    title: () => 'demo with a teacher token: HTTP/2 POST /demo/api/join, 5 KB, no token',
    before: CRASH + ' (any student stops the class)',
    target: { program: 'demo', token: 'teacher-token-attack', userSecret: 'attack-secret-0123456789' },
    run: (target) => bodyStatus(target, '/demo/api/join', {}, `{"user":"${'x'.repeat(5_000)}"}`, true),
  },
];

const brokenSessions: Attack = {
  name: 'h2-broken-sessions',
  issue: 'break 2',
  title: (scale) => `${count(scaled(300, scale))} sessions: a request, a PING of 7 bytes (GOAWAY), the client closes`,
  before: '300 of 300 in CLOSE-WAIT 12 s later, counted as open sessions until the 65 s idle timeout',
  target: SERVE,
  async run(target, scale) {
    const port = Number(new URL(target.url).port);
    const n = scaled(300, scale);
    const clients: RawHttp2[] = [];
    for (let i = 0; i < n; i++) {
      const client = rawHttp2(port);
      client.socket.write(headersFrame(1, requestFields('GET', '/api/poll?since=0', `127.0.0.1:${port}`), true));
      clients.push(client);
    }
    await eventually(() => clients.every((c) => frames(c.received(), 0, true).some((f) => f.type === FRAME.DATA)), 10_000);
    for (const { socket } of clients) socket.end(frame(FRAME.PING, 0, 0, Buffer.alloc(7)));
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    const { stdout } = await promisify(execFile)('ss', ['-Htan', 'state', 'close-wait', `( sport = :${port} )`]);
    const closeWait = stdout.split('\n').filter((line) => line.trim() !== '').length;
    const { http2: counters } = await target.stats();
    for (const { socket } of clients) socket.destroy();
    return `CLOSE-WAIT ${closeWait} of ${count(n)} 12 s later; sessions open ${counters.openSessions}`;
  },
};

/** A long poll over HTTP/1.1 and one over HTTP/2 from newcomers: both held, then answered by a message. */
async function newcomerLongPolls(target: Target, heldBefore: number): Promise<string> {
  const session = h2session(target.url);
  try {
    const h1 = new Promise<number>((resolve) => {
      http
        .get(`${target.url}/api/long-poll?since=0&timeout=20000`, { agent: false }, (res) =>
          res.resume().on('end', () => resolve(res.statusCode ?? 0)),
        )
        .on('error', () => resolve(0));
    });
    const h2 = statusOf(session.request({ ':path': '/api/long-poll?since=0&timeout=20000' }));
    const held = await eventually(async () => (await target.stats()).strategies['long-polling'].attached >= heldBefore + 2, 10_000);
    await target.publish('for the newcomers');
    const statuses = await Promise.all([h1, h2]);
    return held && statuses.every((s) => s === 200) ? 'newcomers held and answered (1.1, 2)' : `newcomers: held ${held}, ${statuses.join('/')}`;
  } finally {
    session.destroy();
  }
}

const heldPolls: Attack = {
  name: 'h2-held-polls',
  issue: 'break 3',
  title: (scale) => `${count(scaled(210, scale))} sessions × 100 long polls`,
  before: 'all 20,000 held-poll slots taken: every other long poll, 1.1 or 2, got 503 for 25 s',
  target: SERVE,
  async run(target, scale, whileUnderAttack) {
    const sessions = Array.from({ length: scaled(210, scale) }, () => h2session(target.url));
    const statuses = sessions.flatMap((session) =>
      Array.from({ length: 100 }, () => statusOf(session.request({ ':path': '/api/long-poll?since=0&timeout=20000' }))),
    );
    const expected = sessions.length * HTTP2_LIMITS.heldPollsPerSession;
    await eventually(async () => (await target.stats()).strategies['long-polling'].attached >= expected, 20_000);
    const held = (await target.stats()).strategies['long-polling'].attached;
    const refused = (await target.stats()).strategies['long-polling'].failedByStatus['503'] ?? 0;
    const newcomers = await newcomerLongPolls(target, held);
    await whileUnderAttack();
    await Promise.all(statuses);
    for (const session of sessions) session.destroy();
    return `held ${count(held)} (${HTTP2_LIMITS.heldPollsPerSession} a session), 503 × ${count(refused)}; ${newcomers}`;
  },
};

const eventStreams: Attack = {
  name: 'h2-event-streams',
  issue: 'break 3',
  title: (scale) => `${count(scaled(151, scale))} sessions × 100 event streams`,
  before: 'all 15,000 stream slots taken: every other event stream got 503',
  target: SERVE,
  async run(target, scale, whileUnderAttack) {
    const sessions = Array.from({ length: scaled(151, scale) }, () => h2session(target.url));
    const statuses = await Promise.all(
      sessions.flatMap((session) => Array.from({ length: 100 }, () => statusOf(session.request({ ':path': '/api/events?since=0' })))),
    );
    const h2 = h2session(target.url);
    const newcomerH2 = await statusOf(h2.request({ ':path': '/api/events?since=0' }));
    const newcomerH1 = await new Promise<number>((resolve) => {
      const req = http.get(`${target.url}/api/events?since=0`, { agent: false }, (res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', () => resolve(0));
    });
    await whileUnderAttack();
    h2.destroy();
    for (const session of sessions) session.destroy();
    return `${statusCounts(statuses)}; newcomer streams ${newcomerH1} (1.1), ${newcomerH2} (2)`;
  },
};

/** `sessions` raw sessions with stream windows of 0 that ask 100 short polls each and never read a byte. */
function windowZero(sessions: number): Attack {
  return {
    name: sessions === 30 ? 'h2-window-0' : `h2-window-0-${sessions}`,
    issue: 'break 3',
    title: (scale) => `${count(scaled(sessions, scale))} sessions × 100 short polls, ring 1,000 × 60 KB, window 0, never read`,
    before: sessions === 30 ? '+724 MiB of server RSS from 136 KB sent' : '+1.45 GB of server RSS',
    target: SERVE,
    async run(target, scale, whileUnderAttack) {
      await fillRing(target, 1_000, 60_000);
      target.measureFromHere();
      const port = Number(new URL(target.url).port);
      const n = scaled(sessions, scale);
      const polls = Buffer.concat(
        Array.from({ length: 100 }, (_, i) => headersFrame(1 + 2 * i, requestFields('GET', '/api/poll?since=0', `127.0.0.1:${port}`), true)),
      );
      const clients = Array.from({ length: n }, () => {
        const client = rawHttp2(port, [[SETTING.INITIAL_WINDOW_SIZE, 0]], false);
        client.socket.write(polls);
        return client;
      });
      await eventually(async () => (await target.stats()).http2.waitedForSendBudget >= n * 95, 20_000);
      const { http2: counters } = await target.stats();
      await whileUnderAttack();
      for (const { socket } of clients) socket.destroy();
      return `${count(counters.waitedForSendBudget)} polls wait for their session's budget; ${(counters.queuedAnswerBytes / 1e6).toFixed(1)} MB queued`;
    },
  };
}

const unfinishedBodies: Attack = {
  name: 'h2-unfinished-bodies',
  issue: 'break 3',
  title: (scale) => `${count(scaled(20, scale))} sessions × 100 publish bodies of 60 KB, never finished`,
  before: '+163 MB held, no timeout (HTTP/1.1 cuts them at 20 s)',
  target: SERVE,
  async run(target, scale, whileUnderAttack) {
    const body = `{"payload":"${'x'.repeat(60_000 - 12)}`;
    const sessions = Array.from({ length: scaled(20, scale) }, () => h2session(target.url));
    for (const session of sessions) {
      for (let i = 0; i < 100; i++) {
        const stream = session.request({ ':method': 'POST', ':path': '/api/publish', 'content-type': 'application/json' }, { endStream: false });
        stream.on('error', () => {});
        stream.resume();
        stream.write(body);
      }
    }
    const bodies = sessions.length * HTTP2_LIMITS.requestBodiesPerSession;
    await eventually(async () => ((await target.stats()).control.failedByStatus['503'] ?? 0) >= sessions.length * 92, 10_000);
    await whileUnderAttack();
    const cut = await eventually(async () => ((await target.stats()).control.failedByStatus['408'] ?? 0) >= bodies, 20_000);
    const failed = (await target.stats()).control.failedByStatus;
    for (const session of sessions) session.destroy();
    return `503 × ${count(failed['503'] ?? 0)} at once, 408 × ${count(failed['408'] ?? 0)} at the body timeout${cut ? '' : ' (not all cut in 20 s)'}`;
  },
};

export const BREAKS: readonly Attack[] = [
  ...crashTriggers,
  brokenSessions,
  heldPolls,
  eventStreams,
  windowZero(30),
  windowZero(60),
  unfinishedBodies,
];
