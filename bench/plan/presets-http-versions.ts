import { SERVER_STRATEGIES } from '../../servers/registry.js';
import type { Preset } from './preset.js';
import { HTTP2_COOKIE_BYTES, STANDARD_BASE } from './presets-sweeps.js';
import type { Scenario } from '../../results/results.js';

/*
 * Why http2 looks like this: "The article under HTTP/2" compares each HTTP strategy over HTTP/1.1 and
 * over HTTP/2 on the same schedule, at the three cookie sizes (none, 1 KiB, and 4,096 bytes, HPACK's default
 * table size, which nghttp2 does not index), through the standard preset's 200-client base; then both versions
 * at 1,000 clients receiving one message a second (fixed arrivals, as the scale preset), the setting of the
 * websocket.org throughput table, so that table can be recomputed for HTTP/2 from a measured run. WebSocket runs
 * over HTTP/1.1 only, as the reference line of each table: its upgrade has no HTTP/2 form here (no RFC 8441).
 * About 28 runs of 8-13 s: 5 minutes.
 */

/**
 * Which strategies, from their facts: each of pushbench's own with an HTTP/2 run (its facts say `http2`), then
 * each of the article's ways without one, run over HTTP/1.1 only as the reference line of every table (the HTTP/2
 * scenarios plan no run for it: bench/plan/transport-flags.ts).
 */
const own = SERVER_STRATEGIES.map((s) => s.info).filter((info) => !info.reference);
const WITH_HTTP2 = own.filter((info) => info.http2).map((info) => info.name);
const REFERENCE_LINES = own.filter((info) => info.inArticle && !info.http2).map((info) => info.name);

const THROUGHPUT_POINT: Scenario = {
  clients: 1_000,
  ratePerSec: 1,
  durationSec: 8,
  payloadBytes: 100,
  pollIntervalMs: 1_000,
  longPollTimeoutMs: 20_000,
  arrivals: 'fixed',
  seed: 4,
};

const VERSIONS = ['1.1', '2'] as const;

function inVersion(scenario: Scenario, version: (typeof VERSIONS)[number]): Scenario {
  return version === '2' ? { ...scenario, httpVersion: '2' } : scenario;
}

export const HTTP2_PRESET: Preset = {
  name: 'http2',
  description:
    `HTTP/1.1 vs HTTP/2 for ${WITH_HTTP2.join(', ')} (${REFERENCE_LINES.join(', ')}: HTTP/1.1 only): cookie 0 / 1,024 / 4,096 B, ` +
    `and 1,000 clients at 1 msg/s`,
  strategies: [...WITH_HTTP2, ...REFERENCE_LINES],
  scenarios: VERSIONS.flatMap((version) => [
    ...HTTP2_COOKIE_BYTES.map((cookieBytes) => inVersion({ ...STANDARD_BASE, cookieBytes }, version)),
    inVersion(THROUGHPUT_POINT, version),
  ]),
};
