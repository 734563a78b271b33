import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoState } from '../../servers/contract/demo-protocol.js';
import { ROUTES, TOKEN_HEADER } from '../../servers/contract/wire.js';
import { startDemo, type Demo } from '../../servers/demo/demo-server.js';
import { phpStackMissing } from '../servers/stack/php-stack-host.js';

/**
 * The demo's PHP lane on the real stack (redis-server, nginx, PHP-FPM): the pool every page is told, whose poll holds
 * which seat (the teacher's page only), the lane's presence, and the teacher's rule for a push through PHP. Judged on
 * what the pool holds, never on a clock.
 */
const TOKEN = 'teacher-token-for-php-tests';
const PAGE = 'phplane0001';
const LANE = 'php-long-polling';

/** Reads until `accept` holds (bounded: never a measurement of time). */
async function until(accept: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await accept())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(phpStackMissing('the demo’s PHP lane'))('the demo’s PHP lane', () => {
  let demo: Demo;
  const polls: AbortController[] = [];

  beforeAll(async () => {
    demo = await startDemo({ php: true, token: TOKEN, settings: { tickerRate: 0, phpWorkers: 2 } });
  });

  afterAll(async () => {
    for (const poll of polls) poll.abort();
    await demo?.close();
  });

  async function state(teacher: boolean): Promise<DemoState> {
    const res = await fetch(`${demo.url}/demo/api/state?page=${PAGE}`, { headers: teacher ? { [TOKEN_HEADER]: TOKEN } : {} });
    return (await res.json()) as DemoState;
  }

  /** A long poll of the PHP lane from the log's head, as a page's lane sends it; resolves with its answer. */
  function longPoll(user: string, since: number): Promise<{ status: number; body: string }> {
    const aborter = new AbortController();
    polls.push(aborter);
    const url = `${demo.url}/demo/php${ROUTES.longPoll}?since=${since}&user=${user}&client=${PAGE}.${LANE}`;
    return fetch(url, { signal: aborter.signal }).then(async (res) => ({ status: res.status, body: await res.text() }));
  }

  it('names the lane after the fallback lane, with the PHP strategy’s facts, shown with the article’s lanes', async () => {
    const { lanes } = (await (await fetch(`${demo.url}/demo/api/lanes`)).json()) as { lanes: { name: string; inArticle?: boolean }[] };
    expect(lanes.map((lane) => lane.name)).toEqual(['short-polling', 'long-polling', 'websocket', 'sse', 'fallback', LANE]);
    expect(lanes.at(-1)!.inArticle).toBe(true);
  });

  it('fills a seat per waiting poll, queues what comes next, and tells only the teacher whose poll holds a seat', async () => {
    const { head, php } = await state(true);
    expect(php!.seats).toEqual([{ busy: false }, { busy: false }]);
    const answers = [longPoll('ada', head), longPoll('bob', head)];
    await until(async () => (await state(true)).php!.seats.every((seat) => seat.busy), 'two held polls');
    const page = fetch(`${demo.url}/demo/php/page`).then((res) => res.status);
    await until(async () => (await state(true)).php!.queued === 1, 'the page queued');

    const teacher = await state(true);
    expect(teacher.php!.seats.map((seat) => [seat.use, seat.user]).sort()).toEqual([
      ['long-poll', 'ada'],
      ['long-poll', 'bob'],
    ]);
    expect(teacher.presence[LANE]).toEqual(['ada', 'bob']);
    expect(teacher.presenceCounts[LANE]).toBe(2);
    const student = await state(false);
    expect(student.php!.seats.map((seat) => [seat.use, seat.user])).toEqual([
      ['long-poll', undefined],
      ['long-poll', undefined],
    ]);
    expect(student.presence).toEqual({});
    expect(student.presenceCounts[LANE]).toBe(2);

    // A message answers both held polls; the page, queued first, gets a seat.
    const message = await demo.server.source.publish('frees the seats');
    expect(await page).toBe(200);
    for (const answer of await Promise.all(answers)) {
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ messages: [message], cursor: message.seq });
    }
  });

  it('passes a push to the PHP site for the teacher only, with the demo’s refusals first', async () => {
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${demo.url}/demo/php${ROUTES.publish}`, { method: 'POST', headers, body }).then(async (res) => ({
        status: res.status,
        body: (await res.json()) as { seq?: number; error?: string },
      }));
    const json = { 'content-type': 'application/json' };
    expect((await post(json, '{"payload":"x"}')).status).toBe(401);
    expect((await post({ 'content-type': 'text/plain', [TOKEN_HEADER]: TOKEN }, 'x')).status).toBe(415);
    // The PHP site's own refusal, passed back as it answered.
    const shape = await post({ ...json, [TOKEN_HEADER]: TOKEN }, '{"nopayload":1}');
    expect(shape.status).toBe(400);
    expect(shape.body.error).toBeTypeOf('string');
    const sent = await post({ ...json, [TOKEN_HEADER]: TOKEN }, '{"payload":"through PHP"}');
    expect(sent.status).toBe(202);
    const { head } = await state(true);
    expect(sent.body.seq).toBe(head);
    expect(demo.server.source.since(head - 1).messages.at(-1)).toMatchObject({ seq: head, payload: 'through PHP' });
  });

  it('resizes the pool live: the seats follow the teacher’s setting', async () => {
    demo.settings.apply({ phpWorkers: 5 });
    await until(async () => (await state(false)).php?.seats.length === 5, 'five seats');
    demo.settings.apply({ phpWorkers: 2 });
    await until(async () => (await state(false)).php?.seats.length === 2, 'two seats again');
  });
});

describe('npm run demo -- --php without php-redis', () => {
  it('says which package to install in one line and exits 2', () => {
    // php-fpm reads its extensions' ini files from PHP_INI_SCAN_DIR: an empty one loads no php-redis.
    const empty = mkdtempSync(join(tmpdir(), 'pushbench-no-ini-'));
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'servers/demo/cli.ts', '--php', '--port', '0'], {
      env: { ...process.env, PHP_INI_SCAN_DIR: empty },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.stderr).toBe(
      "pushbench demo: the article's stack needs Debian's nginx, php8.2-fpm and php-redis (missing: php-redis): install with " +
        '`sudo apt-get install php-redis`\n',
    );
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
  });
});
