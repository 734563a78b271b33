import { HTTP_VERSIONS, type HttpVersion } from '../../servers/contract/wire.js';
import type { Scenario } from '../../results/results.js';
import { httpVersionOf } from '../../results/http2.js';
import { FALLING_BACK_STRATEGY_NAMES, findStrategy } from './strategies.js';

/** The HTTP version and blocked-upgrade flags, as given: `--http-version` may list both versions, run as a matrix. */
export interface Http2Flags {
  httpVersions?: HttpVersion[];
  blockedUpgrade?: number;
}

export const HTTP2_FLAGS = ['http-version', 'blocked-upgrade'] as const;

type Parsed = { ok: true; flags: Http2Flags } | { ok: false; error: string };
type Applied = { ok: true; scenarios: Scenario[] } | { ok: false; error: string };

const SHARE_SYNTAX = /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/;

/** Pure: the raw flag values, or the one-line reason they cannot be run. */
export function parseHttp2Flags(values: ReadonlyMap<string, string>): Parsed {
  const flags: Http2Flags = {};
  const version = values.get('http-version');
  if (version !== undefined) {
    const list = version.split(',').map((v) => v.trim());
    if (list.some((v) => !(HTTP_VERSIONS as readonly string[]).includes(v)) || new Set(list).size !== list.length) {
      return { ok: false, error: `--http-version must be 1.1, 2 or 1.1,2 (got "${version}")` };
    }
    flags.httpVersions = list as HttpVersion[];
  }
  const blocked = values.get('blocked-upgrade');
  if (blocked !== undefined) {
    if (!SHARE_SYNTAX.test(blocked)) return { ok: false, error: `--blocked-upgrade must be a share from 0 to 1, e.g. 0.3 (got "${blocked}")` };
    flags.blockedUpgrade = Number(blocked);
  }
  return { ok: true, flags };
}

/**
 * Each scenario once per listed HTTP version (the flag replaces the preset's), with the blocked share set; an
 * HTTP/1.1 scenario and a share of 0 are written as absent fields, so that they equal the presets' own.
 * Refused: HTTP/2 only for a strategy named on the command line that has no HTTP/2 run (a WebSocket upgrade
 * stays HTTP/1.1), and a blocked share without a strategy whose clients can fall back.
 */
export function applyHttp2Flags(scenarios: readonly Scenario[], flags: Http2Flags, strategies: readonly string[], named: boolean): Applied {
  const out: Scenario[] = [];
  for (const scenario of scenarios) {
    for (const version of flags.httpVersions ?? [httpVersionOf(scenario)]) {
      const next: Scenario = { ...scenario };
      delete next.httpVersion;
      if (version !== '1.1') next.httpVersion = version;
      if (flags.blockedUpgrade !== undefined) {
        delete next.blockedUpgrade;
        if (flags.blockedUpgrade > 0) next.blockedUpgrade = flags.blockedUpgrade;
      }
      out.push(next);
    }
  }
  if (named && flags.httpVersions?.length === 1 && flags.httpVersions[0] === '2') {
    const without = strategies.find((name) => !hasHttp2Run(name));
    if (without !== undefined) {
      return {
        ok: false,
        error: `--http-version 2: ${without} has no HTTP/2 client (a WebSocket upgrade stays HTTP/1.1: ws does not implement RFC 8441); leave it out of --strategies or add 1.1`,
      };
    }
  }
  if ((flags.blockedUpgrade ?? 0) > 0) {
    if (!strategies.some((name) => FALLING_BACK_STRATEGY_NAMES.includes(name))) {
      const names = FALLING_BACK_STRATEGY_NAMES.join(' or ');
      return { ok: false, error: `--blocked-upgrade applies to the ${names} clients: add ${names} to --strategies` };
    }
    // Only the one embedded server process of a plain run stands in for the proxy and mounts the fallback.
    if (out.some((scenario) => scenario.restartAtSec !== undefined || (scenario.source ?? 'memory') !== 'memory')) {
      return { ok: false, error: '--blocked-upgrade runs with the memory source and without a server kill (--kill-server-at)' };
    }
  }
  return { ok: true, scenarios: out };
}

/** Whether a strategy's facts give it an HTTP/2 run. */
function hasHttp2Run(name: string): boolean {
  return findStrategy(name)?.info.http2 === true;
}

/**
 * Every strategy for every scenario, but for the pairs that cannot be run: a strategy without an HTTP/2 run
 * has none in an HTTP/2 scenario (its HTTP/1.1 runs of the same matrix stand for it).
 */
export function planRuns(scenarios: readonly Scenario[], strategies: readonly string[]): { strategy: string; scenario: Scenario }[] {
  return scenarios.flatMap((scenario) =>
    strategies
      .filter((strategy) => httpVersionOf(scenario) === '1.1' || hasHttp2Run(strategy))
      .map((strategy) => ({ strategy, scenario })),
  );
}
