import { parseArgs } from 'node:util';
import { OWN_STRATEGY_NAMES, STRATEGY_NAMES } from './strategies.js';
import { DEFAULT_PRESET, PRESETS, PRESET_NAMES } from './presets.js';
import { emptyScheduleProblem } from './schedule.js';
import { expandScaleOut, MAX_SERVER_PROCESSES, parseScaleOutFlags, SCALE_OUT_FLAGS } from './source-flags.js';
import { applyHttp2Flags, HTTP2_FLAGS, parseHttp2Flags } from './transport-flags.js';
import { BACKOFF_POLICIES } from '../../clients/backoff.js';
import type { CapacityPlan } from './capacity-plan.js';
import type { Arrivals, Scenario } from '../../results/results.js';

export interface BenchOptions {
  preset: string;
  /** The preset's scenarios with every command-line override applied. */
  scenarios: Scenario[];
  strategies: string[];
  /** null: a fresh folder under reports/out/, named when the bench starts. */
  outDir: string | null;
  json: boolean;
  help: boolean;
  /** Client processes per run; null: one per 2,500 clients (see bench/run/harness.ts). */
  clientProcesses: number | null;
  /** The preset's capacity probes, with --cookie-bytes and --payload applied; null: none. */
  capacity: CapacityPlan | null;
  /** --redis-url: the Redis the runs with the Redis source use; absent: the bench starts its own redis-server. */
  redisUrl?: string;
}

export type ParseResult = { ok: true; options: BenchOptions } | { ok: false; error: string };

/** The scenario's number fields: the only ones a numeric flag may set. */
type NumericField = { [K in keyof Scenario]-?: NonNullable<Scenario[K]> extends number ? K : never }[keyof Scenario];

interface NumericFlag {
  field: NumericField;
  integer: boolean;
  min: number;
  max: number;
  unit: string;
}

/** Ranges keep one machine's run meaningful: past them the bench would measure itself, not the transports. */
export const NUMERIC_FLAGS: Readonly<Record<string, NumericFlag>> = {
  clients: { field: 'clients', integer: true, min: 1, max: 10_000, unit: 'simulated clients' },
  rate: { field: 'ratePerSec', integer: false, min: 0.01, max: 10_000, unit: 'messages per second' },
  duration: { field: 'durationSec', integer: false, min: 1, max: 600, unit: 'seconds of publishing' },
  payload: { field: 'payloadBytes', integer: true, min: 0, max: 65_536, unit: 'bytes per message' },
  'poll-interval': { field: 'pollIntervalMs', integer: true, min: 10, max: 60_000, unit: 'ms between short polls' },
  'long-poll-timeout': { field: 'longPollTimeoutMs', integer: true, min: 100, max: 120_000, unit: 'ms a long poll is held' },
  seed: { field: 'seed', integer: true, min: 0, max: 0xffffffff, unit: 'seed of the schedule and poll phases' },
  'kill-server-at': { field: 'restartAtSec', integer: false, min: 0.1, max: 600, unit: 'fault: SIGKILL a server process s into the schedule, start a new one' },
  'restart-at': { field: 'restartAtSec', integer: false, min: 0.1, max: 600, unit: 'the older name of --kill-server-at' },
  'delay-ms': { field: 'delayMs', integer: false, min: 0, max: 10_000, unit: 'one-way network delay each way, ms (a delaying proxy)' },
  'jitter-ms': { field: 'jitterMs', integer: false, min: 0, max: 10_000, unit: 'delay varies by ± this, ms, bytes kept in order' },
  bandwidth: { field: 'bandwidthBytesPerSec', integer: true, min: 0, max: 10_000_000_000, unit: 'bytes/s per connection each way (0: no cap)' },
  // Node's HTTP parser refuses headers over 16 KiB in all; 8 KiB is the most servers accept in one header.
  'cookie-bytes': { field: 'cookieBytes', integer: true, min: 0, max: 8_192, unit: 'Cookie header bytes on every HTTP request' },
  churn: { field: 'churn', integer: false, min: 0, max: 1, unit: 'share of clients that drop and resume mid-run' },
};

/** Past this, one run would need more client processes than a 2-core machine can usefully run. */
const MAX_CLIENT_PROCESSES = 16;

const ARRIVALS: readonly Arrivals[] = ['poisson', 'fixed'];

const STRING_FLAGS = ['preset', 'strategies', 'arrivals', 'out', 'client-processes', ...SCALE_OUT_FLAGS, ...HTTP2_FLAGS, ...Object.keys(NUMERIC_FLAGS)] as const;
const BOOLEAN_FLAGS = ['json', 'help'] as const;

const NUMBER_SYNTAX = /^-?(\d+\.?\d*|\.\d+)$/;

/** Pure: argv (without node and the script) to options, or the one-line reason it cannot be run. */
export function parseBenchArgs(argv: readonly string[]): ParseResult {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const name of STRING_FLAGS) options[name] = { type: 'string' };
  options.json = { type: 'boolean' };
  // strict: false so that every mistake is reported in our words, one line, instead of parseArgs' own.
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });

  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (const token of tokens) {
    if (token.kind === 'positional') return fail(`unexpected argument "${token.value}" (see --help)`);
    if (token.kind === 'option-terminator') continue;
    const name = token.name;
    if ((BOOLEAN_FLAGS as readonly string[]).includes(name)) {
      if (token.value !== undefined) return fail(`--${name} takes no value (got "${token.value}")`);
      flags.add(name);
    } else if ((STRING_FLAGS as readonly string[]).includes(name)) {
      if (token.value === undefined || token.value === '') return fail(`--${name} needs a value`);
      values.set(name, token.value);
    } else {
      return fail(`unknown option ${token.rawName} (see --help)`);
    }
  }

  const presetName = values.get('preset') ?? DEFAULT_PRESET;
  const preset = PRESETS[presetName];
  if (!preset) return fail(`--preset must be one of ${PRESET_NAMES.join(', ')} (got "${presetName}")`);

  const overrides: Partial<Scenario> = {};
  for (const [flag, spec] of Object.entries(NUMERIC_FLAGS)) {
    const raw = values.get(flag);
    if (raw === undefined) continue;
    const value = Number(raw);
    const valid = NUMBER_SYNTAX.test(raw) && (!spec.integer || Number.isInteger(value)) && value >= spec.min && value <= spec.max;
    if (!valid) return fail(`--${flag} must be ${spec.integer ? 'an integer' : 'a number'} from ${spec.min} to ${spec.max} (got "${raw}")`);
    overrides[spec.field] = value;
  }
  const arrivals = values.get('arrivals');
  if (arrivals !== undefined) {
    if (!(ARRIVALS as readonly string[]).includes(arrivals)) return fail(`--arrivals must be poisson or fixed (got "${arrivals}")`);
    overrides.arrivals = arrivals as Arrivals;
  }

  if (values.has('kill-server-at') && values.has('restart-at')) return fail('--kill-server-at and --restart-at are one option: give one');
  if (overrides.restartAtSec !== undefined) {
    const tooLate = preset.scenarios.find((scenario) => overrides.restartAtSec! >= (overrides.durationSec ?? scenario.durationSec));
    const flag = values.has('restart-at') ? 'restart-at' : 'kill-server-at';
    if (tooLate) return fail(`--${flag} must fall inside the schedule (before ${overrides.durationSec ?? tooLate.durationSec} s)`);
  }
  const scaleOut = parseScaleOutFlags(values);
  if (!scaleOut.ok) return fail(scaleOut.error);
  const http2 = parseHttp2Flags(values);
  if (!http2.ok) return fail(http2.error);

  // References (Socket.IO, the bare ws loop) run only when a preset or --strategies names them.
  let strategies = [...(preset.strategies ?? OWN_STRATEGY_NAMES)];
  const listed = values.get('strategies');
  if (listed !== undefined) {
    strategies = listed.split(',').map((name) => name.trim());
    const unknown = strategies.find((name) => !STRATEGY_NAMES.includes(name));
    if (unknown !== undefined) {
      return fail(`--strategies must be a comma-separated list of ${STRATEGY_NAMES.join(', ')} (got "${listed}")`);
    }
    if (new Set(strategies).size !== strategies.length) return fail(`--strategies names a strategy twice (got "${listed}")`);
  }

  let clientProcesses: number | null = null;
  const processesRaw = values.get('client-processes');
  if (processesRaw !== undefined) {
    clientProcesses = Number(processesRaw);
    if (!/^\d+$/.test(processesRaw) || clientProcesses < 1 || clientProcesses > MAX_CLIENT_PROCESSES) {
      return fail(`--client-processes must be an integer from 1 to ${MAX_CLIENT_PROCESSES} (got "${processesRaw}")`);
    }
  }

  // A flag that overrides a swept factor collapses that sweep: its points become one scenario, run once.
  const expanded = expandScaleOut(
    preset.scenarios.map((planned) => ({ ...planned, ...overrides })),
    scaleOut.flags,
  );
  if (!expanded.ok) return fail(expanded.error);
  const versioned = applyHttp2Flags(expanded.scenarios, http2.flags, strategies, listed !== undefined);
  if (!versioned.ok) return fail(versioned.error);
  const scenarios: Scenario[] = [];
  const seen = new Set<string>();
  for (const scenario of versioned.scenarios) {
    const key = JSON.stringify(scenario);
    if (seen.has(key)) continue;
    seen.add(key);
    scenarios.push(scenario);
  }
  // The schedule is planned from the seed in advance: a run that would publish nothing is refused before it starts.
  for (const scenario of scenarios) {
    const empty = emptyScheduleProblem(scenario);
    if (empty !== null) return fail(empty);
  }
  const capacity = preset.capacity
    ? {
        ...preset.capacity,
        cookieBytes: overrides.cookieBytes ?? preset.capacity.cookieBytes,
        payloadBytes: overrides.payloadBytes ?? preset.capacity.payloadBytes,
        ...(http2.flags.httpVersions && { httpVersions: http2.flags.httpVersions }),
      }
    : null;

  return {
    ok: true,
    options: {
      preset: preset.name,
      scenarios,
      clientProcesses,
      capacity,
      strategies,
      outDir: values.get('out') ?? null,
      ...(scaleOut.flags.redisUrl !== undefined && { redisUrl: scaleOut.flags.redisUrl }),
      json: flags.has('json'),
      help: flags.has('help'),
    },
  };
}

function fail(error: string): ParseResult {
  return { ok: false, error };
}

/** `reports/out/2025-01-31T120000.123Z-quick`: sortable, and valid on every file system. */
export function defaultOutDir(preset: string, date: Date): string {
  return `reports/out/${date.toISOString().replaceAll(':', '')}-${preset}`;
}

export function helpText(): string {
  const quick = PRESETS[DEFAULT_PRESET]!.scenarios[0]!;
  const lines = [
    'Usage: npm run bench -- [options]',
    '',
    'Runs each strategy in turn against the same publish schedule (server and clients in their own',
    'processes on 127.0.0.1), then writes results.json and index.html and prints a summary.',
    '',
    'Options (a flag overrides the preset):',
    `  --preset <name>             ${PRESET_NAMES.join(' | ')} (default ${DEFAULT_PRESET})`,
    `  --strategies <a,b>          any of ${STRATEGY_NAMES.join(', ')} (default: the preset's, else ${OWN_STRATEGY_NAMES.join(', ')})`,
  ];
  for (const [flag, spec] of Object.entries(NUMERIC_FLAGS)) {
    const left = `  --${flag} <n>`.padEnd(30);
    lines.push(`${left}${spec.unit}, ${spec.min}..${spec.max} (quick: ${quick[spec.field] ?? 'off'})`);
  }
  lines.push(
    `  --arrivals <kind>           poisson | fixed (quick: ${quick.arrivals})`,
    '  --client-processes <n>      client processes per run, 1..16 (default: one per 2,500 clients)',
    '  --source <kind>             memory | redis | memory,redis: where the message log lives (default memory;',
    '                              redis needs redis-server: `sudo apt-get install redis-server`)',
    '  --redis-url <url>           a running Redis for the redis source (default: the bench starts its own)',
    `  --server-processes <n>      server processes behind one port, 1..${MAX_SERVER_PROCESSES} (node:cluster; above 1 needs`,
    '                              --source redis); a list such as 1,2 runs each',
    `  --backoff <policy>          clients' reconnect backoff: ${BACKOFF_POLICIES.join(' | ')} (default full-jitter);`,
    '                              a list runs each',
    '  --http-version <v>          1.1 | 2 | 1.1,2: HTTP version of the polling and event-stream clients; 2 is',
    '                              one HTTP/2 session per client (h2c, prior knowledge), each request a stream;',
    "                              WebSocket stays HTTP/1.1 and has no HTTP/2 run (default: the preset's, 1.1)",
    '  --blocked-upgrade <share>   0..1: that share of the WebSocket clients is refused at the upgrade, as by a',
    '                              proxy, and falls back to long polling (default 0)',
    '  --out <dir>                 where to write the report (default reports/out/<time>-<preset>/)',
    '  --json                      print results.json to stdout instead of the summary',
    '  -h, --help                  this help',
    '',
    'Presets:',
    ...PRESET_NAMES.map((name) => `  ${name.padEnd(10)}${PRESETS[name]!.description}`),
    '',
    'Exit status: 0 every run valid, 1 a run was invalid (the report is still written), 2 bad options,',
    '130 interrupted (the report holds the runs that finished).',
  );
  return lines.join('\n');
}
