import type { Results } from '../results/results.js';

/**
 * A structural check of a parsed results.json, so that a wrong or truncated file gets a one-line message
 * naming the first bad field instead of a TypeError from deep inside the renderer.
 */

type Check = 'number' | 'string' | 'object' | 'array';

const META_FIELDS: [string, Check][] = [
  ['date', 'string'],
  ['preset', 'string'],
  ['nodeVersion', 'string'],
  ['cpuModel', 'string'],
  ['cpuCount', 'number'],
  ['platform', 'string'],
  ['totalMemoryBytes', 'number'],
  ['pushbenchVersion', 'string'],
  ['command', 'string'],
  ['wallTimeMs', 'number'],
];

const RUN_FIELDS: [string, Check][] = [
  ['strategy.name', 'string'],
  ['strategy.title', 'string'],
  ['strategy.direction', 'string'],
  ['strategy.connection', 'string'],
  ['scenario.clients', 'number'],
  ['scenario.ratePerSec', 'number'],
  ['scenario.durationSec', 'number'],
  ['scenario.payloadBytes', 'number'],
  ['scenario.pollIntervalMs', 'number'],
  ['scenario.longPollTimeoutMs', 'number'],
  ['scenario.arrivals', 'string'],
  ['scenario.seed', 'number'],
  ['wallTimeMs', 'number'],
  ...['published', 'expected', 'delivered', 'missed', 'duplicated', 'outOfOrder', 'gaps'].map((k): [string, Check] => [`messages.${k}`, 'number']),
  ...['p50', 'p90', 'p99', 'p999', 'max', 'mean', 'count'].map((k): [string, Check] => [`latencyUs.${k}`, 'number']),
  ...['total', 'withMessages', 'empty', 'failed', 'reconnects'].map((k): [string, Check] => [`requests.${k}`, 'number']),
  ['bytes.clientToServer', 'number'],
  ['bytes.serverToClient', 'number'],
  ['bytes.payload', 'number'],
  ['bytes.serverSide.clientToServer', 'number'],
  ['bytes.serverSide.serverToClient', 'number'],
  ['connections.opened', 'number'],
  ['connections.peak', 'number'],
  ['server.cpuMs', 'number'],
  ['server.peakRssBytes', 'number'],
  ['server.eventLoopDelayP99Us', 'number'],
  ['clientProcesses.count', 'number'],
  ['clientProcesses.cpuMs', 'number'],
  ['problems', 'array'],
  ['warnings', 'array'],
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function matches(value: unknown, check: Check): boolean {
  switch (check) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string';
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
  }
}

function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** Null when `value` has the shape of Results; otherwise what is wrong, e.g. "runs[1].bytes.payload is not a number". */
export function resultsShapeError(value: unknown): string | null {
  if (!isObject(value)) return 'not a results object (expected { "meta": …, "runs": [...] })';
  if (!isObject(value.meta)) return 'not a results object: "meta" is missing or not an object';
  if (!Array.isArray(value.runs)) return 'not a results object: "runs" is missing or not an array';
  for (const [path, check] of META_FIELDS) {
    if (!matches(at(value.meta, path), check)) return `meta.${path} is not a ${check}`;
  }
  for (const [index, run] of value.runs.entries()) {
    for (const [path, check] of RUN_FIELDS) {
      if (!matches(at(run, path), check)) return `runs[${index}].${path} is not a ${check}`;
    }
    for (const list of ['problems', 'warnings']) {
      if (!(at(run, list) as unknown[]).every(isNotice)) return `runs[${index}].${list} is not a list of codes or sentences`;
    }
    // Optional: results written before the references existed have no such field.
    const reference = at(run, 'strategy.reference');
    if (reference !== undefined && typeof reference !== 'boolean') return `runs[${index}].strategy.reference is not a boolean`;
  }
  if (value.interrupted !== undefined) {
    if (!isObject(value.interrupted)) return 'interrupted is not an object';
    for (const field of ['runsPlanned', 'runsFinished', 'probesPlanned', 'probesFinished']) {
      if (!matches(value.interrupted[field], 'number')) return `interrupted.${field} is not a number`;
    }
    if (!Array.isArray(value.interrupted.notRun)) return 'interrupted.notRun is not an array';
    for (const [index, step] of value.interrupted.notRun.entries()) {
      if (!isStepNotRun(step)) return `interrupted.notRun[${index}] is neither a run (strategy with name and title, scenario) nor a probe (endpoint)`;
    }
  }
  return null;
}

function isStepNotRun(step: unknown): boolean {
  if (!isObject(step)) return false;
  if (step.kind === 'run') {
    return isObject(step.strategy) && typeof step.strategy.name === 'string' && typeof step.strategy.title === 'string' && isObject(step.scenario);
  }
  return step.kind === 'probe' && typeof step.endpoint === 'string';
}

/** A problem or warning: a code with its data (`{ "code": … }`), or a sentence from a file written before codes. */
function isNotice(value: unknown): boolean {
  return typeof value === 'string' || (isObject(value) && typeof value.code === 'string');
}

export function isResults(value: unknown): value is Results {
  return resultsShapeError(value) === null;
}
