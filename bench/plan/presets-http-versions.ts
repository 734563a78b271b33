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
  description: 'HTTP/1.1 vs HTTP/2 for short polling, long polling and SSE: cookie 0 / 1,024 / 4,096 B, and 1,000 clients at 1 msg/s',
  strategies: ['short-polling', 'long-polling', 'sse', 'websocket'],
  scenarios: VERSIONS.flatMap((version) => [
    ...HTTP2_COOKIE_BYTES.map((cookieBytes) => inVersion({ ...STANDARD_BASE, cookieBytes }, version)),
    inVersion(THROUGHPUT_POINT, version),
  ]),
};
