import { BACKOFF_POLICIES } from '../../clients/backoff.js';
import type { BackoffKind, Scenario, SourceKind } from '../../results/results.js';
import { SOURCE_KINDS } from '../../results/scale-out.js';

/** node:cluster workers per run: past this a 2-core machine only measures its own scheduler. */
export const MAX_SERVER_PROCESSES = 8;

/** The scale-out flags as given; each may list several values, run as a matrix (e.g. --source memory,redis). */
export interface ScaleOutFlags {
  sources?: SourceKind[];
  serverProcesses?: number[];
  backoffs?: BackoffKind[];
  redisUrl?: string;
}

export const SCALE_OUT_FLAGS = ['source', 'server-processes', 'backoff', 'redis-url'] as const;

type Parsed = { ok: true; flags: ScaleOutFlags } | { ok: false; error: string };

/** Pure: the raw flag values to lists, or the one-line reason they cannot be run. */
export function parseScaleOutFlags(values: ReadonlyMap<string, string>): Parsed {
  const flags: ScaleOutFlags = {};
  const source = values.get('source');
  if (source !== undefined) {
    const list = splitList(source);
    if (list.length === 0 || list.some((s) => !(SOURCE_KINDS as readonly string[]).includes(s)) || new Set(list).size !== list.length) {
      return fail(`--source must be memory, redis or both, comma-separated (got "${source}")`);
    }
    flags.sources = list as SourceKind[];
  }
  const processes = values.get('server-processes');
  if (processes !== undefined) {
    const list = splitList(processes);
    const valid = list.length > 0 && list.every((p) => /^\d+$/.test(p) && Number(p) >= 1 && Number(p) <= MAX_SERVER_PROCESSES);
    if (!valid || new Set(list).size !== list.length) {
      return fail(`--server-processes must be integers from 1 to ${MAX_SERVER_PROCESSES}, comma-separated (got "${processes}")`);
    }
    flags.serverProcesses = list.map(Number);
  }
  const backoff = values.get('backoff');
  if (backoff !== undefined) {
    const list = splitList(backoff);
    if (list.length === 0 || list.some((b) => !(BACKOFF_POLICIES as readonly string[]).includes(b)) || new Set(list).size !== list.length) {
      return fail(`--backoff must be ${BACKOFF_POLICIES.join(', ')} or several, comma-separated (got "${backoff}")`);
    }
    flags.backoffs = list as BackoffKind[];
  }
  const url = values.get('redis-url');
  if (url !== undefined) {
    if (!/^rediss?:\/\/\S+$/.test(url)) return fail(`--redis-url must look like redis://HOST:PORT (got "${url}")`);
    flags.redisUrl = url;
  }
  return { ok: true, flags };
}

/**
 * Each scenario once per listed source, process count and backoff (a flag replaces the preset's value); then
 * the combinations that cannot run are refused: several processes need the Redis source, each process of an
 * embedded log would have a log of its own.
 */
export function expandScaleOut(scenarios: readonly Scenario[], flags: ScaleOutFlags): { ok: true; scenarios: Scenario[] } | { ok: false; error: string } {
  const out: Scenario[] = [];
  for (const scenario of scenarios) {
    for (const source of flags.sources ?? [scenario.source]) {
      for (const serverProcesses of flags.serverProcesses ?? [scenario.serverProcesses]) {
        for (const backoff of flags.backoffs ?? [scenario.backoff]) {
          out.push(withDefined(scenario, { source, serverProcesses, backoff }));
        }
      }
    }
  }
  for (const scenario of out) {
    if ((scenario.serverProcesses ?? 1) > 1 && (scenario.source ?? 'memory') !== 'redis') {
      return { ok: false, error: '--server-processes above 1 needs --source redis: with the memory source each process would keep a log of its own' };
    }
  }
  if (flags.redisUrl !== undefined && !out.some((s) => s.source === 'redis')) {
    return { ok: false, error: '--redis-url is where the Redis source lives: it needs --source redis' };
  }
  return { ok: true, scenarios: out };
}

/** `scenario` with the given fields set, and removed where undefined (an absent field keeps its default). */
function withDefined(scenario: Scenario, fields: Pick<Scenario, 'source' | 'serverProcesses' | 'backoff'>): Scenario {
  const next: Scenario = { ...scenario };
  for (const key of ['source', 'serverProcesses', 'backoff'] as const) {
    if (fields[key] === undefined) delete next[key];
    else (next as unknown as Record<string, unknown>)[key] = fields[key];
  }
  return next;
}

function splitList(text: string): string[] {
  return text.split(',').map((item) => item.trim());
}

function fail(error: string): Parsed {
  return { ok: false, error };
}
