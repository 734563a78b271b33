import {
  SCENARIO_FIELDS,
  scenarioKey,
  scenarioValue,
  type FlagParse,
  type Scenario,
  type ScenarioField,
  type ScenarioFlag,
} from '../../results/scenario.js';
import { emptyScheduleProblem } from './schedule.js';

/**
 * The scenarios of a bench, built in one place: the preset's scenarios, each with the scenario flags applied (a
 * list flag runs each of its values, as a matrix), without repeats, then checked. Every flag is parsed from its
 * field's entry in results/scenario.ts, so a new field needs no code here.
 */

/** A scenario flag as given: its field, the name it was given under, and its values (several for a list). */
export interface GivenFlag {
  field: ScenarioField;
  name: string;
  values: readonly (number | string)[];
}

/** The scenario flags given, by field, in table order. */
export type GivenFlags = ReadonlyMap<keyof Scenario, GivenFlag>;

type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

/** Every name a scenario flag answers to. */
export const SCENARIO_FLAG_NAMES: readonly string[] = SCENARIO_FIELDS.flatMap((f) => [f.flag.name, ...(f.flag.aliases ?? [])]);

const NUMBER_SYNTAX = /^-?(\d+\.?\d*|\.\d+)$/;

/** Pure: the raw values of the scenario flags, or the one-line reason the first wrong one (in table order) is wrong. */
export function parseScenarioFlags(raw: ReadonlyMap<string, string>): Outcome<GivenFlags> {
  const given = new Map<keyof Scenario, GivenFlag>();
  for (const field of SCENARIO_FIELDS) {
    const names = [field.flag.name, ...(field.flag.aliases ?? [])].filter((name) => raw.has(name));
    if (names.length === 0) continue;
    if (names.length > 1) return { ok: false, error: `--${names[0]} and --${names[1]} are one option: give one` };
    const name = names[0];
    const text = raw.get(name)!;
    const values = parseValues(field.flag, text);
    if (values === null) return { ok: false, error: `--${name} must be ${expected(field.flag)} (got "${text}")` };
    given.set(field.key, { field, name, values });
  }
  return { ok: true, value: given };
}

/** The values of a flag's text, or null when any is not a value of the flag (or a list repeats one). */
function parseValues(flag: ScenarioFlag, text: string): (number | string)[] | null {
  const items = flag.list ? text.split(',').map((item) => item.trim()) : [text];
  if (new Set(items).size !== items.length) return null;
  const values = items.map((item) => parseValue(flag.parse, item));
  return values.every((value) => value !== null) ? values : null;
}

function parseValue(parse: FlagParse, text: string): number | string | null {
  if (parse.kind === 'choice') return parse.values.includes(text) ? text : null;
  const value = Number(text);
  const valid = NUMBER_SYNTAX.test(text) && (!parse.integer || Number.isInteger(value)) && value >= parse.min && value <= parse.max;
  return valid ? value : null;
}

/** What a flag takes, for its error message: "an integer from 1 to 10000", "memory, redis or both, comma-separated". */
function expected(flag: ScenarioFlag): string {
  const { parse } = flag;
  if (parse.kind === 'number') {
    const what = flag.list ? (parse.integer ? 'integers' : 'numbers') : parse.integer ? 'an integer' : 'a number';
    return `${what} from ${parse.min} to ${parse.max}${flag.list ? ', comma-separated' : ''}`;
  }
  const { values } = parse;
  if (flag.list) return `${values.join(', ')} or ${values.length === 2 ? 'both' : 'several'}, comma-separated`;
  return `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

/**
 * `scenario` with one field set; a value equal to the field's default is written as an absent field, as the
 * presets write it, so that results.json holds only what differs from the defaults.
 */
export function withField<T extends Partial<Scenario>>(scenario: T, field: ScenarioField, value: number | string): T {
  const next: Record<string, unknown> = { ...scenario };
  if (value === field.default) delete next[field.key];
  else next[field.key] = value;
  return next as T;
}

/**
 * Each scenario with the given flags applied: a flag's value replaces the preset's; a list runs each value, as a
 * matrix, fields in table order (`--source memory,redis --server-processes 1,2`: memory 1, memory 2, redis 1,
 * redis 2). A flag that overrides a swept factor collapses that sweep: its points become one scenario, run once.
 */
export function applyScenarioFlags(scenarios: readonly Scenario[], given: GivenFlags): Scenario[] {
  let out = [...scenarios];
  for (const { field, values } of given.values()) out = out.flatMap((scenario) => values.map((value) => withField(scenario, field, value)));
  const seen = new Set<string>();
  return out.filter((scenario) => {
    const key = scenarioKey(scenario);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The first reason a scenario cannot run, in words naming the flag to change, or null. `given` names the flags
 * as the user spelled them (a fault flag has an older name).
 */
export function scenarioProblem(scenarios: readonly Scenario[], given: GivenFlags, redisUrl: string | undefined): string | null {
  const faultFlag = given.get('restartAtSec')?.name ?? 'kill-server-at';
  for (const scenario of scenarios) {
    const killAt = scenarioValue(scenario, 'restartAtSec');
    if (killAt !== null && killAt >= scenario.durationSec) return `--${faultFlag} must fall inside the schedule (before ${scenario.durationSec} s)`;
  }
  if (scenarios.some((s) => scenarioValue(s, 'serverProcesses') > 1 && scenarioValue(s, 'source') !== 'redis')) {
    return '--server-processes above 1 needs --source redis: with the memory source each process would keep a log of its own';
  }
  const lossFlag = `--${given.get('lossPercent')?.name ?? 'loss'}`;
  if (scenarios.some((s) => scenarioValue(s, 'lossPercent') > 0 && scenarioValue(s, 'network') !== 'kernel')) {
    return `${lossFlag} needs --network kernel (as root): the proxy forwards a byte stream, which has no packets to lose`;
  }
  const kernel = scenarios.filter((s) => scenarioValue(s, 'network') === 'kernel');
  if (
    kernel.some(
      (s) =>
        scenarioValue(s, 'source') !== 'memory' ||
        s.restartAtSec !== undefined ||
        scenarioValue(s, 'fleet') !== 'simulated' ||
        scenarioValue(s, 'publisher') !== 'in-process',
    )
  ) {
    return '--network kernel runs one server process with the memory source, simulated clients and the in-process publisher, without --kill-server-at';
  }
  if (redisUrl !== undefined && !scenarios.some((s) => scenarioValue(s, 'source') === 'redis')) {
    return '--redis-url is where the Redis source lives: it needs --source redis';
  }
  const publisher = scenarios.map((s) => scenarioValue(s, 'publisher')).find((kind) => kind !== 'in-process');
  if (publisher !== undefined && scenarios.some((s) => scenarioValue(s, 'publisher') !== 'in-process' && scenarioValue(s, 'restartAtSec') !== null)) {
    return `--publisher ${publisher} runs without a server kill (--${faultFlag}): a fault run's record of what was published is the server's own`;
  }
  return null;
}

/** Only the one embedded server process of a plain run stands in for the proxy and mounts the fallback. */
export function blockedUpgradeProblem(scenarios: readonly Scenario[]): string | null {
  const blocked = scenarios.filter((s) => scenarioValue(s, 'blockedUpgrade') > 0);
  if (blocked.some((s) => scenarioValue(s, 'restartAtSec') !== null || scenarioValue(s, 'source') !== 'memory')) {
    return '--blocked-upgrade runs with the memory source and without a server kill (--kill-server-at)';
  }
  return null;
}

/** The schedule is planned from the seed in advance: a run that would publish nothing is refused before it starts. */
export function scheduleProblem(scenarios: readonly Scenario[]): string | null {
  for (const scenario of scenarios) {
    const empty = emptyScheduleProblem(scenario);
    if (empty !== null) return empty;
  }
  return null;
}
