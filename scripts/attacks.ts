/**
 * Re-runs every attack of the hostile-input probe against the current code, each on a fresh server process
 * (`npm run serve`, or the classroom demo), and prints one table: per attack, what it did, what the probe found
 * before the fixes, what happens now, the server's RSS growth over the attack, its open file descriptors
 * before, at their peak and once the attack's connections are gone (/proc/PID/fd), whether it is still alive, and
 * whether a normal client (a short poll, and a WebSocket that receives a message published for it) is served while
 * the attack's load is in place, or after it.
 *
 *   npx tsx scripts/attacks.ts                    every attack at the probe's size (about 2–3 minutes)
 *   npx tsx scripts/attacks.ts --scale 0.1        a tenth of every count (a quick look; the figures are then not the probe's)
 *   npx tsx scripts/attacks.ts --only h2-held-polls,redis-frozen
 *   npx tsx scripts/attacks.ts --list
 *
 * It loads the whole machine, as a benchmark does, so it takes the bench lock (/tmp/pushbench-bench.lock, through
 * flock(1)) before it starts: one at a time, never beside a benchmark. Everything it starts (servers, the
 * redis-server of the Redis attacks) is stopped before it exits, on Ctrl-C too. Traffic goes to 127.0.0.1 only.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { Attack } from './attacks/attack.js';
import { BREAKS } from './attacks/breaks.js';
import { FINDINGS, redisForAttacks, stopRedisForAttacks } from './attacks/findings.js';
import { Target } from './attacks/target.js';

const LOCK = '/tmp/pushbench-bench.lock';
const ATTACKS: readonly Attack[] = [...BREAKS, ...FINDINGS];

interface Row {
  attack: Attack;
  figure: string;
  rssMb: string;
  fds: string;
  alive: string;
  poll: string;
  ws: string;
}

function fail(message: string): never {
  process.stderr.write(`pushbench attacks: ${message}\n`);
  process.exit(2);
}

/** Runs this script again under flock(1), unless it is that run. */
function underLock(): void {
  if (process.env.PUSHBENCH_ATTACKS_LOCKED === '1') return;
  if (spawnSync('flock', ['-n', LOCK, 'true']).status !== 0) process.stderr.write(`waiting for the bench lock (${LOCK}): a benchmark is running\n`);
  const result = spawnSync('flock', [LOCK, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, PUSHBENCH_ATTACKS_LOCKED: '1' },
  });
  if (result.error) fail(`cannot take the bench lock with flock (${result.error.message})`);
  process.exit(result.status ?? 1);
}

async function runOne(attack: Attack, scale: number): Promise<Row> {
  const kind =
    attack.target.program === 'serve' && attack.target.args?.includes('REDIS')
      ? { program: 'serve' as const, args: ['--redis-url', (await redisForAttacks()).url] }
      : attack.target;
  const target = await Target.start(kind);
  let poll = '—';
  let ws = '—';
  let checked = false;
  const check = async (when: string) => {
    checked = true;
    poll = `${(await target.pollServed()) ? 'served' : 'NOT served'} ${when}`;
    ws = `${await target.webSocketServed()} ${when}`;
  };
  let figure: string;
  try {
    figure = await attack.run(target, scale, () => check('during'));
  } catch (error) {
    figure = `the attack failed: ${(error as Error).message}`;
  }
  const held = target.rssHeld;
  if (!checked) await check('after');
  const row: Row = {
    attack,
    figure,
    rssMb: `${megabytes(target.rssGrowth)} / ${megabytes(held)} MB`,
    fds: `${target.baselineFds} → ${target.peakFds} → ${await target.settledFds()}`,
    alive: target.alive ? 'yes' : 'NO',
    poll,
    ws,
  };
  await target.stop();
  return row;
}

/** A change of memory in whole MB, signed: "+57", "−1". */
function megabytes(bytes: number): string {
  const mb = Math.round(bytes / 1e6);
  return mb < 0 ? `−${-mb}` : `+${mb}`;
}

function table(rows: Row[], scale: number): string {
  const header = [
    'attack',
    'issue',
    'what',
    'before the fixes',
    'now',
    'RSS growth: peak / at the end',
    'fds: before → peak → after',
    'alive',
    'poll',
    'WebSocket',
  ];
  const lines = rows.map((r) => [
    r.attack.name,
    r.attack.issue,
    r.attack.title(scale),
    r.attack.before,
    r.figure,
    r.rssMb,
    r.fds,
    r.alive,
    r.poll,
    r.ws,
  ]);
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  return [header, header.map(() => '---'), ...lines].map((cells) => `| ${cells.map(cell).join(' | ')} |`).join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { scale: { type: 'string' }, only: { type: 'string' }, list: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write('usage: npx tsx scripts/attacks.ts [--scale F] [--only NAME,NAME] [--list]\n');
    return;
  }
  if (values.list) {
    for (const attack of ATTACKS) process.stdout.write(`${attack.name.padEnd(22)} ${attack.issue.padEnd(8)} ${attack.title(1)}\n`);
    return;
  }
  const scale = values.scale === undefined ? 1 : Number(values.scale);
  if (!(scale > 0 && scale <= 1)) fail(`--scale must be a number in (0, 1] (got "${values.scale}")`);
  const names = values.only?.split(',').map((name) => name.trim());
  const unknown = names?.filter((name) => !ATTACKS.some((a) => a.name === name));
  if (unknown && unknown.length > 0) fail(`no attack named ${unknown.join(', ')} (--list names them)`);
  const chosen = names ? ATTACKS.filter((a) => names.includes(a.name)) : ATTACKS;
  underLock();

  const stop = () => {
    void stopRedisForAttacks().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const rows: Row[] = [];
  const started = Date.now();
  try {
    for (const attack of chosen) {
      process.stderr.write(`${attack.name}: ${attack.title(scale)}…\n`);
      rows.push(await runOne(attack, scale));
    }
  } finally {
    await stopRedisForAttacks();
  }
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  process.stdout.write(
    `Attacks of the hostile-input probe, re-run ${when} UTC on ${scale === 1 ? "the probe's sizes" : `${scale} of the probe's sizes`} ` +
      `(${Math.round((Date.now() - started) / 1000)} s; a fresh server process each; RSS: its growth over the attack, ` +
      `at the peak and once the attack is over).\n\n${table(rows, scale)}\n`,
  );
}

void main();
