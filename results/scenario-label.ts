import { fmtSetting } from './number-format.js';
import type { Scenario } from './results.js';

/** How each scenario field reads in a label; the network and identity fields read "off" when absent. */
export const SCENARIO_FIELDS: readonly { key: keyof Scenario; label: (s: Scenario) => string }[] = [
  { key: 'clients', label: (s) => `${fmtSetting(s.clients)} clients` },
  { key: 'ratePerSec', label: (s) => `${fmtSetting(s.ratePerSec)} msg/s` },
  { key: 'pollIntervalMs', label: (s) => `poll ${fmtSetting(s.pollIntervalMs)} ms` },
  { key: 'delayMs', label: (s) => `delay ${fmtSetting(s.delayMs ?? 0)} ms` },
  { key: 'jitterMs', label: (s) => `jitter ±${fmtSetting(s.jitterMs ?? 0)} ms` },
  { key: 'bandwidthBytesPerSec', label: (s) => (s.bandwidthBytesPerSec ? `${fmtSetting(s.bandwidthBytesPerSec)} B/s` : 'no bandwidth cap') },
  { key: 'cookieBytes', label: (s) => `cookie ${fmtSetting(s.cookieBytes ?? 0)} B` },
  { key: 'httpVersion', label: (s) => (s.httpVersion === '2' ? 'HTTP/2' : 'HTTP/1.1') },
  { key: 'blockedUpgrade', label: (s) => `upgrade blocked for ${fmtSetting((s.blockedUpgrade ?? 0) * 100)} %` },
  { key: 'churn', label: (s) => `churn ${fmtSetting((s.churn ?? 0) * 100)} %` },
  { key: 'source', label: (s) => `${s.source ?? 'memory'} source` },
  { key: 'serverProcesses', label: (s) => `${fmtSetting(s.serverProcesses ?? 1)} server process${(s.serverProcesses ?? 1) === 1 ? '' : 'es'}` },
  { key: 'backoff', label: (s) => `backoff ${s.backoff ?? 'full-jitter'}` },
  { key: 'payloadBytes', label: (s) => `payload ${fmtSetting(s.payloadBytes)} B` },
  { key: 'durationSec', label: (s) => `${fmtSetting(s.durationSec)} s` },
  { key: 'arrivals', label: (s) => s.arrivals },
  { key: 'longPollTimeoutMs', label: (s) => `long-poll timeout ${fmtSetting(s.longPollTimeoutMs)} ms` },
  { key: 'seed', label: (s) => `seed ${s.seed}` },
  { key: 'restartAtSec', label: (s) => (s.restartAtSec === undefined ? 'no restart' : `restart at ${fmtSetting(s.restartAtSec)} s`) },
];

/** What an absent scale-out field means. */
const SCALE_OUT_DEFAULTS = { source: 'memory', serverProcesses: 1, backoff: 'full-jitter' } as const;

/** The value of a field as the bench means it: absent network and identity fields are 0. */
export function fieldValue(scenario: Scenario, key: keyof Scenario): number | string | undefined {
  const value = scenario[key];
  if (value === undefined && key === 'httpVersion') return '1.1';
  if (value === undefined && key in SCALE_OUT_DEFAULTS) return SCALE_OUT_DEFAULTS[key as keyof typeof SCALE_OUT_DEFAULTS];
  if (value === undefined && key !== 'restartAtSec') return 0;
  return value;
}

/** The fields whose values differ between the scenarios, in SCENARIO_FIELDS order. */
export function varyingFields(scenarios: readonly Scenario[]): (keyof Scenario)[] {
  return SCENARIO_FIELDS.filter(({ key }) => new Set(scenarios.map((s) => fieldValue(s, key))).size > 1).map((f) => f.key);
}

/**
 * What sets `scenario` apart from the others of a matrix: the one field that varies ("10,000 clients"), or how it
 * differs from the first scenario, the base of a star of sweeps ("delay 50 ms", "base"); empty when all are alike.
 */
export function describeStep(scenario: Scenario, all: readonly Scenario[]): string {
  const keys = varyingFields(all);
  if (keys.length === 0) return '';
  const base = all[0]!;
  const shown = keys.length === 1 ? keys : keys.filter((key) => fieldValue(scenario, key) !== fieldValue(base, key));
  if (shown.length === 0) return 'base';
  return SCENARIO_FIELDS.filter((f) => shown.includes(f.key))
    .map((f) => f.label(scenario))
    .join(' · ');
}
