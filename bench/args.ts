import { parseArgs } from 'node:util';
import { STRATEGY_NAMES } from '../servers/registry.js';
import { DEFAULT_PRESET, PRESETS, PRESET_NAMES } from './presets.js';
import type { Arrivals, Scenario } from './results.js';

export interface BenchOptions {
  preset: string;
  /** The preset's scenarios with every command-line override applied. */
  scenarios: Scenario[];
  strategies: string[];
  /** null: a fresh folder under reports/out/, named when the bench starts. */
  outDir: string | null;
  json: boolean;
  help: boolean;
}

export type ParseResult = { ok: true; options: BenchOptions } | { ok: false; error: string };

type NumericField = Exclude<keyof Scenario, 'arrivals'>;

interface NumericFlag {
  field: NumericField;
  integer: boolean;
  min: number;
  max: number;
  unit: string;
}

/** Ranges keep one machine's run meaningful: past them the bench would measure itself, not the transports. */
export const NUMERIC_FLAGS: Readonly<Record<string, NumericFlag>> = {
  clients: { field: 'clients', integer: true, min: 1, max: 2000, unit: 'simulated clients' },
  rate: { field: 'ratePerSec', integer: false, min: 0.01, max: 10_000, unit: 'messages per second' },
  duration: { field: 'durationSec', integer: false, min: 1, max: 600, unit: 'seconds of publishing' },
  payload: { field: 'payloadBytes', integer: true, min: 0, max: 65_536, unit: 'bytes per message' },
  'poll-interval': { field: 'pollIntervalMs', integer: true, min: 10, max: 60_000, unit: 'ms between short polls' },
  'long-poll-timeout': { field: 'longPollTimeoutMs', integer: true, min: 100, max: 120_000, unit: 'ms a long poll is held' },
  seed: { field: 'seed', integer: true, min: 0, max: 0xffffffff, unit: 'seed of the schedule and poll phases' },
  'restart-at': { field: 'restartAtSec', integer: false, min: 0.1, max: 600, unit: 'fault: kill the server s into the schedule, start a new one' },
};

const ARRIVALS: readonly Arrivals[] = ['poisson', 'fixed'];

const STRING_FLAGS = ['preset', 'strategies', 'arrivals', 'out', ...Object.keys(NUMERIC_FLAGS)] as const;
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

  if (overrides.restartAtSec !== undefined) {
    const tooLate = preset.scenarios.find((scenario) => overrides.restartAtSec! >= (overrides.durationSec ?? scenario.durationSec));
    if (tooLate) return fail(`--restart-at must fall inside the schedule (before ${overrides.durationSec ?? tooLate.durationSec} s)`);
  }

  let strategies = [...STRATEGY_NAMES];
  const listed = values.get('strategies');
  if (listed !== undefined) {
    strategies = listed.split(',').map((name) => name.trim());
    const unknown = strategies.find((name) => !STRATEGY_NAMES.includes(name));
    if (unknown !== undefined) {
      return fail(`--strategies must be a comma-separated list of ${STRATEGY_NAMES.join(', ')} (got "${listed}")`);
    }
    if (new Set(strategies).size !== strategies.length) return fail(`--strategies names a strategy twice (got "${listed}")`);
  }

  return {
    ok: true,
    options: {
      preset: preset.name,
      scenarios: preset.scenarios.map((scenario) => ({ ...scenario, ...overrides })),
      strategies,
      outDir: values.get('out') ?? null,
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
    `  --strategies <a,b>          any of ${STRATEGY_NAMES.join(', ')} (default all)`,
  ];
  for (const [flag, spec] of Object.entries(NUMERIC_FLAGS)) {
    const left = `  --${flag} <n>`.padEnd(30);
    lines.push(`${left}${spec.unit}, ${spec.min}..${spec.max} (quick: ${quick[spec.field] ?? 'off'})`);
  }
  lines.push(
    `  --arrivals <kind>           poisson | fixed (quick: ${quick.arrivals})`,
    '  --out <dir>                 where to write the report (default reports/out/<time>-<preset>/)',
    '  --json                      print results.json to stdout instead of the summary',
    '  -h, --help                  this help',
    '',
    'Exit status: 0 every run valid, 1 a run was invalid (the report is still written), 2 bad options,',
    '130 interrupted (the report holds the runs that finished).',
  );
  return lines.join('\n');
}
