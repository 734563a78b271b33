import { parseArgs } from 'node:util';
import { OWN_STRATEGY_NAMES, STRATEGY_NAMES } from './strategies.js';
import { DEFAULT_PRESET, PRESETS, PRESET_NAMES } from './presets.js';
import {
  applyScenarioFlags,
  blockedUpgradeProblem,
  parseScenarioFlags,
  scenarioProblem,
  scheduleProblem,
  SCENARIO_FLAG_NAMES,
  withField,
} from './scenarios.js';
import { browserFleetProblem, strategyProblem } from './runs.js';
import { CAPACITY_FIELDS } from '../../results/scenario.js';
import type { HttpVersion, Scenario } from '../../results/results.js';
import type { CapacityPlan } from './capacity-plan.js';
import type { RunFilter, ShootoutSearch } from './preset.js';
import { scenarioFlagHelp } from './help.js';
import { runName, type RunName } from './run-name.js';

export interface BenchOptions {
  preset: string;
  /** The preset's scenarios with every command-line override applied. */
  scenarios: Scenario[];
  strategies: string[];
  /** null: a fresh folder under reports/out/, named when the bench starts. */
  outDir: string | null;
  /** --json: results.json on stdout instead of the summary. */
  json: boolean;
  /** --json-out: results.json also written to this file (the summary still on stdout); null: not asked. */
  jsonOut: string | null;
  /** The preset, or "custom" with the settings the flags changed: the folder's name and the report's. */
  name: RunName;
  help: boolean;
  /** Client processes per run; null: one per 2,500 clients (see bench/run/harness.ts). */
  clientProcesses: number | null;
  /** The preset's capacity probes, with --cookie-bytes and --payload applied; null: none. */
  capacity: CapacityPlan | null;
  /** The preset's shootout search with the scenario flags applied to its base (--clients: its largest size); null: none. */
  search: ShootoutSearch | null;
  /** --redis-url: the Redis the runs with the Redis source use; absent: the bench starts its own redis-server. */
  redisUrl?: string;
  /** The preset's word on which strategy runs in which scenario (see Preset.runsIn); absent: all in all. */
  runsIn?: RunFilter;
}

export type ParseResult = { ok: true; options: BenchOptions } | { ok: false; error: string };

/** Past this, one run would need more client processes than a 2-core machine can usefully run. */
const MAX_CLIENT_PROCESSES = 16;

const STRING_FLAGS = ['preset', 'strategies', 'out', 'json-out', 'client-processes', 'redis-url', ...SCENARIO_FLAG_NAMES] as const;
const BOOLEAN_FLAGS = ['json', 'help'] as const;

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

  const parsed = parseScenarioFlags(values);
  if (!parsed.ok) return fail(parsed.error);
  const given = parsed.value;

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

  let clientProcesses: number | null = preset.clientProcesses ?? null;
  const processesRaw = values.get('client-processes');
  if (processesRaw !== undefined) {
    clientProcesses = Number(processesRaw);
    if (!/^\d+$/.test(processesRaw) || clientProcesses < 1 || clientProcesses > MAX_CLIENT_PROCESSES) {
      return fail(`--client-processes must be an integer from 1 to ${MAX_CLIENT_PROCESSES} (got "${processesRaw}")`);
    }
  }

  const redisUrl = values.get('redis-url');
  if (redisUrl !== undefined && !/^rediss?:\/\/\S+$/.test(redisUrl)) return fail(`--redis-url must look like redis://HOST:PORT (got "${redisUrl}")`);

  const scenarios = applyScenarioFlags(preset.scenarios, given);
  const problem =
    scenarioProblem(scenarios, given, redisUrl) ??
    strategyProblem(scenarios, strategies, listed !== undefined) ??
    blockedUpgradeProblem(scenarios) ??
    browserFleetProblem(scenarios) ??
    scheduleProblem(scenarios);
  if (problem !== null) return fail(problem);

  // The capacity probes share the scenario's cookie and payload, and run over the HTTP versions a flag lists.
  let capacity: CapacityPlan | null = null;
  if (preset.capacity) {
    let scenario = preset.capacity.scenario;
    for (const key of CAPACITY_FIELDS) {
      const flag = given.get(key);
      if (flag) scenario = withField(scenario, flag.field, flag.values[0]);
    }
    const versions = given.get('httpVersion')?.values as HttpVersion[] | undefined;
    // Resumption does not matter to a probe's few long keep-alive connections: on and no-resumption are both TLS.
    const tls = given.get('tls') && [...new Set(given.get('tls')!.values.map((mode) => mode !== 'off'))];
    capacity = { ...preset.capacity, scenario, ...(versions && { httpVersions: versions }), ...(tls && { tls }) };
  }

  let search: ShootoutSearch | null = null;
  if (preset.search) {
    const clientsFlag = given.get('clients');
    const [base] = applyScenarioFlags([preset.search.base], new Map([...given].filter(([key]) => key !== 'clients')));
    const maxClients = clientsFlag ? Number(clientsFlag.values[0]) : preset.search.sizes.maxClients;
    search = {
      ...preset.search,
      base: { ...base, clients: Math.min(preset.search.sizes.startClients, maxClients) },
      sizes: { ...preset.search.sizes, maxClients },
    };
  }

  return {
    ok: true,
    options: {
      preset: preset.name,
      scenarios,
      clientProcesses,
      capacity,
      search,
      strategies,
      outDir: values.get('out') ?? null,
      jsonOut: values.get('json-out') ?? null,
      name: runName(preset, given, scenarios, preset.name === DEFAULT_PRESET),
      ...(redisUrl !== undefined && { redisUrl }),
      ...(preset.runsIn && { runsIn: preset.runsIn }),
      json: flags.has('json'),
      help: flags.has('help'),
    },
  };
}

function fail(error: string): ParseResult {
  return { ok: false, error };
}

/** `reports/out/2025-01-31T120000.123Z-quick`, `…-custom-source-redis`: sortable, and valid on every file system. */
export function defaultOutDir(name: RunName, date: Date): string {
  return `reports/out/${date.toISOString().replaceAll(':', '')}-${name.folder}`;
}

export function helpText(): string {
  const quick = PRESETS[DEFAULT_PRESET].scenarios[0];
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
  lines.push(
    ...scenarioFlagHelp(quick),
    '  --client-processes <n>      client processes per run, 1..16 (default: one per 2,500 clients)',
    '  --redis-url <url>           a running Redis for the redis source (default: the bench starts its own)',
    '  --out <dir>                 where to write the report (default reports/out/<time>-<preset>/, or <time>-custom-<flags>/',
    "                              when a flag changed the preset's scenario); checked before the first run",
    '  --json                      print results.json to stdout instead of the summary (with npm: npm run -s bench -- --json)',
    '  --json-out <file>           also write results.json to <file>; the summary still goes to stdout',
    '  -h, --help                  this help',
    '',
    'Presets:',
    ...PRESET_NAMES.map((name) => `  ${name.padEnd(10)}${PRESETS[name].description}`),
    '',
    'Exit status: 0 every run valid, 1 a run was invalid (the report is still written), 2 bad options,',
    '130 interrupted (the report holds the runs that finished).',
  );
  return lines.join('\n');
}
