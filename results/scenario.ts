/**
 * The scenario: what one run is set to do — the load, the network, the identity its requests carry, the
 * transport, the processes and a fault. It is part of results.json, so it lives here, below both the harness that
 * runs it and the report that draws it.
 *
 * Every field has one entry in SCENARIO_FIELDS: what an absent field means, how it reads in words, its one-line
 * description (the CLI help and docs/bench.md), its flag (bench/plan/ parses every flag from the entry), and, when
 * runs are swept over it, how the report draws and reads that sweep. A new setting is a field of Scenario, its
 * entry, and the code that uses its value: nothing else defaults, compares or describes it.
 */

import { fmtSetting } from './number-format.js';
import { BACKOFF_KINDS, SOURCE_KINDS, type BackoffKind, type SourceKind } from './scale-out.js';
import { HTTP_VERSIONS, type HttpVersion } from '../servers/contract/wire.js';
import { PHP_PM_KINDS, PROXY_KINDS, STACK_DEFAULTS, type PhpPm, type ProxyKind } from '../servers/contract/stack.js';

export type Arrivals = 'poisson' | 'fixed';

/**
 * Where the emulated network lives: a delaying TCP proxy on the byte stream (no root needed), or the kernel — the
 * server and the clients in network namespaces of their own joined by a veth pair, with packet delay, loss and a
 * bandwidth cap on it (root, iproute2, nftables, iptables, python3). docs/network.md describes both models.
 */
export type NetworkModel = 'proxy' | 'kernel';

export const NETWORK_MODELS: readonly NetworkModel[] = ['proxy', 'kernel'];

export const ARRIVALS: readonly Arrivals[] = ['poisson', 'fixed'];

/**
 * off: cleartext. on: TLS 1.3 (https, wss, HTTP/2 by ALPN), the clients resuming sessions from tickets as
 * browsers do. no-resumption: TLS, every new connection a full handshake (a client that keeps no tickets).
 */
export type TlsMode = 'off' | 'on' | 'no-resumption';

export const TLS_MODES: readonly TlsMode[] = ['off', 'on', 'no-resumption'];

/** The polling clients' connections: kept alive (on), or one per poll with `Connection: close` (off). */
export type KeepAliveMode = 'on' | 'off';

export const KEEP_ALIVE_MODES: readonly KeepAliveMode[] = ['on', 'off'];

/**
 * Who publishes the schedule: the server process itself (in-process), or a publisher process of its own, through
 * the server's HTTP API (http) or straight into the Redis stream the server reads (redis).
 */
export type PublisherKind = 'in-process' | 'http' | 'redis';

export const PUBLISHER_KINDS: readonly PublisherKind[] = ['in-process', 'http', 'redis'];

/**
 * The headers every simulated request carries besides its cookie: a real browser's, captured from it
 * (clients/header-profiles/chromium.json), or only what the transport needs (minimal: request line, Host, Connection).
 */
export type HeaderProfileName = 'chromium' | 'minimal';

export const HEADER_PROFILE_NAMES: readonly HeaderProfileName[] = ['chromium', 'minimal'];

/** Who the clients are: simulated (Node, many per process) or real headless Chromium, one browser context each. */
export type FleetKind = 'simulated' | 'chromium';

export const FLEET_KINDS: readonly FleetKind[] = ['simulated', 'chromium'];

/**
 * One scenario as results.json holds it. The first eight fields are always present; the others may be absent,
 * and an absent field means its default (SCENARIO_FIELDS), so that files written before a field existed read as
 * they did. Read an optional field through `scenarioValue`, never with a default of your own.
 */
export interface Scenario {
  clients: number;
  ratePerSec: number;
  durationSec: number;
  payloadBytes: number;
  pollIntervalMs: number;
  longPollTimeoutMs: number;
  arrivals: Arrivals;
  seed: number;
  /** Clients starting per second (absent or 0: all within their first poll interval). */
  connectRatePerSec?: number;
  /** Absent: no fault. Otherwise seconds into the schedule (--kill-server-at, or its older name --restart-at). */
  restartAtSec?: number;
  delayMs?: number;
  jitterMs?: number;
  bandwidthBytesPerSec?: number;
  /** Share of packets dropped in each direction, percent (the kernel network only). */
  lossPercent?: number;
  network?: NetworkModel;
  cookieBytes?: number;
  churn?: number;
  source?: SourceKind;
  serverProcesses?: number;
  backoff?: BackoffKind;
  publisher?: PublisherKind;
  /** WebSocket stays HTTP/1.1 whatever this says: ws does not implement RFC 8441. */
  httpVersion?: HttpVersion;
  tls?: TlsMode;
  keepAlive?: KeepAliveMode;
  blockedUpgrade?: number;
  /** The PHP strategies' pool: PHP-FPM's pm.max_children and process manager. */
  phpWorkers?: number;
  phpPm?: PhpPm;
  /** What stands in front of our server (the PHP strategies are always behind nginx). */
  proxy?: ProxyKind;
  /** nginx's timeout on its upstream: fastcgi_read_timeout before PHP, proxy_read_timeout before our server. */
  nginxReadTimeoutSec?: number;
  /** PHP-FPM's request_terminate_timeout (0: never). */
  phpRequestTimeoutSec?: number;
  headers?: HeaderProfileName;
  fleet?: FleetKind;
}

/** Every field as the bench means it: an absent field at its default, and no fault as null. */
export type ScenarioValues = Omit<Required<Scenario>, 'restartAtSec'> & { restartAtSec: number | null };

/** How a flag's text becomes a value. */
export type FlagParse = { kind: 'number'; integer: boolean; min: number; max: number } | { kind: 'choice'; values: readonly string[] };

export interface ScenarioFlag {
  name: string;
  /** Older names the flag still answers to. */
  aliases?: readonly string[];
  /** What the value is, in the help: `--delay-ms <ms>`. */
  placeholder: string;
  parse: FlagParse;
  /** A comma-separated list runs each value (`--source memory,redis`): the scenarios become a matrix. */
  list?: boolean;
}

/** The figures a sweep can be drawn with (reports/sweeps.ts draws each). */
export type SweepFigure = 'bandwidth' | 'requests' | 'p50' | 'p99' | 'cpu' | 'bytesPerMessage';

/** How the report draws and reads runs that differ in this field only. */
export interface SweepReading {
  /** "With …": the sweep's heading. */
  heading: string;
  axis: string;
  logAxis: boolean;
  figures: readonly SweepFigure[];
  /** What to look for in its charts. */
  reading: string;
}

export type FieldGroup = 'network' | 'identity';

export interface ScenarioField {
  readonly key: keyof Scenario;
  /** What an absent field means; undefined for the fields that are always present. */
  readonly default: number | string | null | undefined;
  /** One line, for the CLI help and docs/bench.md. */
  readonly description: string;
  readonly flag: ScenarioFlag;
  /** Fields said together: the emulated network (describeNetwork), the identity a request carries (describeIdentity). */
  readonly group?: FieldGroup;
  /** Absent: a sweep is drawn with the common figures; false: never a line to draw, a section of its own shows it. */
  readonly sweep?: SweepReading | false;
  /** The field of a scenario in words ("delay 50 ms"), its default when absent. */
  say(scenario: Scenario): string;
}

interface FieldEntry<K extends keyof Scenario> {
  default?: ScenarioValues[K];
  label: (value: ScenarioValues[K]) => string;
  description: string;
  flag: ScenarioFlag;
  group?: FieldGroup;
  sweep?: SweepReading | false;
}

function field<K extends keyof Scenario>(key: K, entry: FieldEntry<K>): ScenarioField {
  const { label, default: fallback, ...rest } = entry;
  return { key, default: fallback, ...rest, say: (scenario) => label(scenarioValue(scenario, key)) };
}

const fmt = fmtSetting;
const integer = (min: number, max: number): FlagParse => ({ kind: 'number', integer: true, min, max });
const decimal = (min: number, max: number): FlagParse => ({ kind: 'number', integer: false, min, max });
const COMMON_FIGURES: readonly SweepFigure[] = ['bandwidth', 'requests', 'p99', 'cpu'];

/** node:cluster workers per run: past this a 2-core machine only measures its own scheduler. */
export const MAX_SERVER_PROCESSES = 8;

/**
 * Clients of one run: the c100k preset's 100,000. Past 10,000 a run needs several server processes (one holds at
 * most 15,000 push clients and 19,000 connections, under an open-file limit of about 20,000) and several source
 * addresses (bench/plan/source-address.ts); the bench checks the machine's limits before it starts
 * (bench/plan/machine-limits.ts).
 */
export const MAX_CLIENTS = 100_000;

/**
 * Every field, in the order they are said and parsed: the load first, then the settings that are off by default.
 * Flag ranges keep one machine's run meaningful: past them the bench would measure itself, not the transports.
 */
export const SCENARIO_FIELDS: readonly ScenarioField[] = [
  field('clients', {
    label: (n) => `${fmt(n)} clients`,
    description: 'simulated clients per strategy',
    flag: { name: 'clients', placeholder: 'n', parse: integer(1, MAX_CLIENTS) },
    sweep: {
      heading: 'more clients',
      axis: 'clients (log scale)',
      logAxis: true,
      figures: COMMON_FIGURES,
      reading:
        'push strategies should grow in bytes and CPU with clients × messages only; short polling grows with clients × polls, whether there ' +
        'is news or not. A steepening latency line is a process running out of CPU: check the bottleneck column of the scale table before ' +
        'blaming the server. A WebSocket client sends no HTTP request once connected, so it has no line on a logarithmic requests chart.',
    },
  }),
  field('ratePerSec', {
    label: (n) => `${fmt(n)} msg/s`,
    description: 'messages published per second (open loop)',
    flag: { name: 'rate', placeholder: 'n', parse: decimal(0.01, 10_000) },
    sweep: {
      heading: 'more messages per second',
      axis: 'messages per second (log scale)',
      logAxis: true,
      figures: COMMON_FIGURES,
      reading:
        'short polling’s requests stay fixed (one per interval) while its messages per request grow; long polling makes one round per ' +
        'message until messages come faster than a round trip, then batches; WebSocket adds one frame per message.',
    },
  }),
  field('arrivals', {
    label: (kind) => `${kind} arrivals`,
    description: 'inter-arrival times of the publish schedule: random around the rate (poisson) or evenly spaced (fixed)',
    flag: { name: 'arrivals', placeholder: 'kind', parse: { kind: 'choice', values: ARRIVALS } },
  }),
  field('durationSec', {
    label: (s) => `${fmt(s)} s of publishing`,
    description: 'seconds of publishing',
    flag: { name: 'duration', placeholder: 's', parse: decimal(1, 600) },
  }),
  field('payloadBytes', {
    label: (n) => `${fmt(n)} B payload`,
    description: 'bytes of each message’s payload',
    flag: { name: 'payload', placeholder: 'bytes', parse: integer(0, 65_536) },
  }),
  field('pollIntervalMs', {
    label: (ms) => `poll every ${fmt(ms)} ms`,
    description: 'short-poll interval, ms',
    flag: { name: 'poll-interval', placeholder: 'ms', parse: integer(10, 60_000) },
    sweep: {
      heading: 'a longer short-poll interval',
      axis: 'short-poll interval, ms',
      logAxis: false,
      figures: ['requests', 'p99', 'cpu'],
      reading: 'only short polling depends on the interval: fewer requests, later messages. The push strategies’ lines should stay flat.',
    },
  }),
  field('longPollTimeoutMs', {
    label: (ms) => `long-poll timeout ${fmt(ms)} ms`,
    description: 'longest a long poll is held, ms',
    flag: { name: 'long-poll-timeout', placeholder: 'ms', parse: integer(100, 120_000) },
  }),
  field('connectRatePerSec', {
    default: 0,
    label: (rate) => (rate > 0 ? `clients start at ${fmt(rate)}/s` : 'clients start within one poll interval'),
    description:
      'clients that start per second, on average, in a random order (0: every client within its first poll interval); a large fleet ' +
      'needs a ramp, or its handshakes queue past the clients’ connect timeout and their retries join the queue',
    flag: { name: 'connect-rate', placeholder: 'n', parse: integer(0, MAX_CLIENTS) },
    sweep: false,
  }),
  field('seed', {
    label: (seed) => `seed ${seed}`,
    description: 'seed of the publish schedule and the poll phases: every strategy of a run sees the same schedule',
    flag: { name: 'seed', placeholder: 'n', parse: integer(0, 0xffffffff) },
  }),
  field('delayMs', {
    default: 0,
    label: (ms) => `delay ${fmt(ms)} ms`,
    description:
      'one-way network delay each way, ms: of the byte stream, through a delaying TCP proxy (0 with no jitter or cap: no proxy), or of every ' +
      'packet under --network kernel',
    flag: { name: 'delay-ms', placeholder: 'ms', parse: decimal(0, 10_000) },
    group: 'network',
    sweep: {
      heading: 'a slower network',
      axis: 'one-way network delay, ms',
      logAxis: false,
      figures: ['p50', 'p99'],
      reading: 'WebSocket and long polling should rise by about one delay; short polling too, on top of half an interval (see the model above).',
    },
  }),
  field('jitterMs', {
    default: 0,
    label: (ms) => `jitter ±${fmt(ms)} ms`,
    description: 'each chunk’s (under --network kernel, packet’s) one-way delay varies within ± this, ms; nothing overtakes what went before',
    flag: { name: 'jitter-ms', placeholder: 'ms', parse: decimal(0, 10_000) },
    group: 'network',
  }),
  field('bandwidthBytesPerSec', {
    default: 0,
    label: (rate) => (rate > 0 ? `${fmt(rate)} B/s per connection` : 'no bandwidth cap'),
    description:
      'bandwidth each way, bytes/s (0: no cap): of each client connection through the proxy; of the one link all connections share under ' +
      '--network kernel',
    flag: { name: 'bandwidth', placeholder: 'B/s', parse: integer(0, 10_000_000_000) },
    group: 'network',
  }),
  field('lossPercent', {
    default: 0,
    label: (percent) => `loss ${fmt(percent)} %`,
    description: 'share of packets dropped in each direction, percent, in the kernel (needs --network kernel: root)',
    flag: { name: 'loss', placeholder: 'percent', parse: decimal(0, 100), list: true },
    group: 'network',
    sweep: false,
  }),
  field('network', {
    default: 'proxy',
    label: (model) => (model === 'kernel' ? 'kernel network' : 'proxy network'),
    description:
      'where delay, jitter, bandwidth and loss are made: a delaying TCP proxy on the byte stream (proxy), or packets on a veth pair between ' +
      'network namespaces (kernel: root, ip, tc, nft, iptables-nft, python3; docs/network.md)',
    flag: { name: 'network', placeholder: 'model', parse: { kind: 'choice', values: NETWORK_MODELS } },
    group: 'network',
    sweep: false,
  }),
  field('cookieBytes', {
    default: 0,
    label: (bytes) => `cookie ${fmt(bytes)} B`,
    description: 'a Cookie header of that many bytes on every HTTP request (WebSocket and SSE: once, in the handshake)',
    // Node's HTTP parser refuses headers over 16 KiB in all; 8 KiB is the most servers accept in one header.
    flag: { name: 'cookie-bytes', placeholder: 'bytes', parse: integer(0, 8_192) },
    group: 'identity',
    sweep: {
      heading: 'bigger identity headers (C4)',
      axis: 'cookie size, bytes',
      logAxis: false,
      figures: ['bytesPerMessage', 'bandwidth'],
      reading:
        'every HTTP request carries the cookie again, so a strategy’s bytes per message grow by the cookie size times its requests per ' +
        'message; a WebSocket sends it once, in its handshake, so its line stays almost flat.',
    },
  }),
  field('headers', {
    default: 'chromium',
    label: (profile) => (profile === 'chromium' ? 'Chromium’s headers' : 'minimal headers'),
    description:
      'headers of every simulated request besides the cookie: chromium (captured from the browser by npm run capture-headers, sent ' +
      'verbatim and in order) or minimal (request line, Host, Connection)',
    flag: { name: 'headers', placeholder: 'profile', parse: { kind: 'choice', values: HEADER_PROFILE_NAMES }, list: true },
    group: 'identity',
    sweep: false,
  }),
  field('fleet', {
    default: 'simulated',
    label: (kind) => (kind === 'chromium' ? 'real Chromium clients' : 'simulated clients'),
    description:
      'who the clients are: simulated (Node) or chromium (headless Chromium from /usr/bin/chromium, one browser context per client, ' +
      'running the demo’s browser client of the strategy; short polling, long polling, SSE and WebSocket only)',
    flag: { name: 'fleet', placeholder: 'kind', parse: { kind: 'choice', values: FLEET_KINDS }, list: true },
    sweep: false,
  }),
  field('httpVersion', {
    default: '1.1',
    label: (version) => (version === '2' ? 'HTTP/2' : 'HTTP/1.1'),
    description:
      'HTTP version of the polling and event-stream clients: under 2 each holds one HTTP/2 session (h2c with prior knowledge; over TLS, ' +
      'h2 chosen by ALPN) and sends each request as a stream; WebSocket stays HTTP/1.1 and gets no HTTP/2 run',
    flag: { name: 'http-version', placeholder: 'v', parse: { kind: 'choice', values: HTTP_VERSIONS }, list: true },
    sweep: false,
  }),
  field('tls', {
    default: 'off',
    label: (mode) => (mode === 'off' ? 'cleartext' : mode === 'on' ? 'TLS' : 'TLS without resumption'),
    description:
      'TLS 1.3 on the server’s port (https, wss; HTTP/2 by ALPN) with a throwaway certificate only the clients trust: on, clients resume ' +
      'sessions from tickets as browsers do; no-resumption, every connection a full handshake (off,on: cleartext and TLS side by side)',
    flag: { name: 'tls', placeholder: 'mode', parse: { kind: 'choice', values: TLS_MODES }, list: true },
    sweep: false,
  }),
  field('keepAlive', {
    default: 'on',
    label: (mode) => (mode === 'on' ? 'keep-alive' : 'a connection per poll'),
    description:
      'the polling clients’ connections: on, one kept alive as browsers keep one; off, every poll on a new connection with Connection: ' +
      'close (the PHP-era default; over TLS a handshake per poll); event streams and WebSockets hold one connection either way',
    flag: { name: 'keep-alive', placeholder: 'on|off', parse: { kind: 'choice', values: KEEP_ALIVE_MODES }, list: true },
    sweep: false,
  }),
  field('blockedUpgrade', {
    default: 0,
    label: (share) => `upgrade blocked for ${fmt(share * 100)} %`,
    description: 'share of the WebSocket clients refused at the upgrade, as by a proxy; they fall back to long polling',
    flag: { name: 'blocked-upgrade', placeholder: 'share', parse: decimal(0, 1) },
    sweep: false,
  }),
  field('churn', {
    default: 0,
    label: (share) => `churn ${fmt(share * 100)} %`,
    description: 'share of clients that drop their connection once mid-run and resume from their cursor',
    flag: { name: 'churn', placeholder: 'share', parse: decimal(0, 1) },
  }),
  field('source', {
    default: 'memory',
    label: (kind) => (kind === 'redis' ? 'Redis source' : 'memory source'),
    description:
      'where the message log lives: in the server process (memory) or in a Redis Stream the server processes share (redis, needs redis-server)',
    flag: { name: 'source', placeholder: 'kind', parse: { kind: 'choice', values: SOURCE_KINDS }, list: true },
    sweep: false,
  }),
  field('serverProcesses', {
    default: 1,
    label: (n) => `${fmt(n)} server process${n === 1 ? '' : 'es'}`,
    description: 'server processes behind one port (node:cluster; above 1 needs --source redis)',
    flag: { name: 'server-processes', placeholder: 'n', parse: integer(1, MAX_SERVER_PROCESSES), list: true },
    sweep: false,
  }),
  field('publisher', {
    default: 'in-process',
    label: (kind) =>
      kind === 'http' ? 'published through the HTTP API' : kind === 'redis' ? 'published straight into Redis' : 'published in-process',
    description:
      'who publishes the schedule: the server process itself (in-process), a publisher process through POST /api/publish (http: ' +
      'open loop, keep-alive, the publish token), or a publisher process straight into the Redis stream (redis, needs --source redis); ' +
      'with http and redis, latency counts from the scheduled time and each publish’s own latency is recorded apart',
    flag: { name: 'publisher', placeholder: 'kind', parse: { kind: 'choice', values: PUBLISHER_KINDS }, list: true },
    sweep: false,
  }),
  field('backoff', {
    default: 'full-jitter',
    label: (kind) => `backoff ${kind}`,
    description: 'the clients’ reconnect backoff after a failure',
    flag: { name: 'backoff', placeholder: 'policy', parse: { kind: 'choice', values: BACKOFF_KINDS }, list: true },
    sweep: false,
  }),
  field('phpWorkers', {
    default: STACK_DEFAULTS.phpWorkers,
    label: (n) => `${fmt(n)} PHP worker${n === 1 ? '' : 's'}`,
    description: 'PHP-FPM workers (pm.max_children) serving the PHP strategies; Debian ships 5',
    flag: { name: 'php-workers', placeholder: 'n', parse: integer(1, 1_000), list: true },
    sweep: false,
  }),
  field('phpPm', {
    default: STACK_DEFAULTS.phpPm,
    label: (kind) => `pm ${kind}`,
    description: 'PHP-FPM’s process manager: all workers from the start (static), between spare bounds (dynamic, Debian’s), or on demand',
    flag: { name: 'php-pm', placeholder: 'kind', parse: { kind: 'choice', values: PHP_PM_KINDS } },
    sweep: false,
  }),
  field('proxy', {
    default: 'none',
    label: (kind) => (kind === 'nginx' ? 'behind nginx' : 'no proxy'),
    description:
      'a reverse proxy in front of our server: nginx (HTTP/1.1 keep-alive upstream, WebSocket upgrade passed on; needs Debian’s nginx). ' +
      'The PHP strategies are always behind nginx',
    flag: { name: 'proxy', placeholder: 'kind', parse: { kind: 'choice', values: PROXY_KINDS }, list: true },
    sweep: false,
  }),
  field('nginxReadTimeoutSec', {
    default: STACK_DEFAULTS.nginxReadTimeoutSec,
    label: (s) => `nginx read timeout ${fmt(s)} s`,
    description: 'nginx’s fastcgi_read_timeout (PHP) and proxy_read_timeout (our server), seconds; nginx’s default is 60',
    flag: { name: 'nginx-read-timeout', placeholder: 's', parse: integer(1, 3_600) },
    sweep: false,
  }),
  field('phpRequestTimeoutSec', {
    default: STACK_DEFAULTS.phpRequestTimeoutSec,
    label: (s) => (s === 0 ? 'no PHP request timeout' : `PHP request timeout ${fmt(s)} s`),
    description: 'PHP-FPM’s request_terminate_timeout, seconds (0, FPM’s default: never)',
    flag: { name: 'php-request-timeout', placeholder: 's', parse: integer(0, 3_600) },
    sweep: false,
  }),
  field('restartAtSec', {
    default: null,
    label: (sec) => (sec === null ? 'no server kill' : `a server process killed at ${fmt(sec)} s`),
    description: 'fault: SIGKILL a server process that many seconds into the schedule and start a new one in its place',
    flag: { name: 'kill-server-at', aliases: ['restart-at'], placeholder: 's', parse: decimal(0.1, 600) },
    sweep: false,
  }),
];

const FIELDS = new Map(SCENARIO_FIELDS.map((f) => [f.key, f]));

/** The entry of one field. */
export function scenarioField(key: keyof Scenario): ScenarioField {
  return FIELDS.get(key)!;
}

/** The value of a field as the bench means it: its default when absent. */
export function scenarioValue<K extends keyof Scenario>(scenario: Pick<Scenario, K>, key: K): ScenarioValues[K] {
  const value = scenario[key];
  return (value === undefined ? FIELDS.get(key)!.default : value) as ScenarioValues[K];
}

/** The fields in which two scenarios differ, an absent field and its default being the same. */
export function differingFields(a: Scenario, b: Scenario): (keyof Scenario)[] {
  return SCENARIO_FIELDS.filter((f) => scenarioValue(a, f.key) !== scenarioValue(b, f.key)).map((f) => f.key);
}

export function sameScenario(a: Scenario, b: Scenario): boolean {
  return differingFields(a, b).length === 0;
}

/** A string equal for two scenarios exactly when they are the same but for the fields in `except`. */
export function scenarioKey(scenario: Scenario, except: readonly (keyof Scenario)[] = []): string {
  return JSON.stringify(SCENARIO_FIELDS.filter((f) => !except.includes(f.key)).map((f) => scenarioValue(scenario, f.key)));
}

/** The fields whose values differ between the scenarios, in table order. */
export function varyingFields(scenarios: readonly Scenario[]): (keyof Scenario)[] {
  return SCENARIO_FIELDS.filter(({ key }) => new Set(scenarios.map((s) => scenarioValue(s, key))).size > 1).map((f) => f.key);
}

/** The fields of a group, in table order. */
export function groupFields(group: FieldGroup): (keyof Scenario)[] {
  return SCENARIO_FIELDS.filter((f) => f.group === group).map((f) => f.key);
}

type NetworkFields = 'delayMs' | 'jitterMs' | 'bandwidthBytesPerSec' | 'lossPercent' | 'network';

/** The network between the clients and the server, or null when they talk directly (no proxy, no kernel link). */
export function networkOf(scenario: Pick<Scenario, NetworkFields>): Pick<ScenarioValues, NetworkFields> | null {
  const delayMs = scenarioValue(scenario, 'delayMs');
  const jitterMs = scenarioValue(scenario, 'jitterMs');
  const bandwidthBytesPerSec = scenarioValue(scenario, 'bandwidthBytesPerSec');
  const lossPercent = scenarioValue(scenario, 'lossPercent');
  const network = scenarioValue(scenario, 'network');
  // The kernel model always runs in its namespaces, even with a perfect link: the baseline of a loss sweep.
  if (network === 'proxy' && delayMs === 0 && jitterMs === 0 && bandwidthBytesPerSec === 0 && lossPercent === 0) return null;
  return { delayMs, jitterMs, bandwidthBytesPerSec, lossPercent, network };
}

/**
 * The network in words ("delay 50 ms ± 5 ms each way, 125,000 B/s per connection each way"; under the kernel model
 * "kernel: delay 50 ms each way, loss 1 % each way"), or null without one.
 */
export function describeNetwork(scenario: Pick<Scenario, NetworkFields>): string | null {
  const network = networkOf(scenario);
  if (network === null) return null;
  const { delayMs, jitterMs, bandwidthBytesPerSec, lossPercent } = network;
  const kernel = network.network === 'kernel';
  const parts: string[] = [];
  if (delayMs > 0 || jitterMs > 0) parts.push(`delay ${fmt(delayMs)} ms${jitterMs > 0 ? ` ± ${fmt(jitterMs)} ms` : ''} each way`);
  if (bandwidthBytesPerSec > 0) parts.push(`${fmt(bandwidthBytesPerSec)} B/s ${kernel ? 'shared' : 'per connection'} each way`);
  if (kernel) parts.push(`loss ${fmt(lossPercent)} % each way`);
  return kernel ? `kernel: ${parts.join(', ')}` : parts.join(', ');
}

/** The bytes of identity every HTTP request carries in its header values (the cookie's). */
export function identityBytes(scenario: Pick<Scenario, 'cookieBytes'>): number {
  return scenarioValue(scenario, 'cookieBytes');
}

/** The identity every HTTP request carries, in words for a sentence ("a 1,024-byte cookie"), or null for none. */
export function describeIdentity(scenario: Pick<Scenario, 'cookieBytes'>): string | null {
  const bytes = scenarioValue(scenario, 'cookieBytes');
  return bytes > 0 ? `a ${fmt(bytes)}-byte cookie` : null;
}

/** The named fields in words, in table order: "200 clients, 2 msg/s". */
export function describeFields(scenario: Scenario, keys: readonly (keyof Scenario)[]): string {
  return SCENARIO_FIELDS.filter((f) => keys.includes(f.key))
    .map((f) => f.say(scenario))
    .join(', ');
}

/** The settings that are not at their default, in words, the network as one phrase; empty for none. */
export function describeSettings(scenario: Scenario): string[] {
  const parts: string[] = [];
  for (const f of SCENARIO_FIELDS) {
    if (f.default === undefined || scenarioValue(scenario, f.key) === f.default) continue;
    if (f.group !== 'network') parts.push(f.say(scenario));
    else if (!parts.includes(describeNetwork(scenario)!)) parts.push(describeNetwork(scenario)!);
  }
  return parts;
}

/** The whole scenario in words: the load, then every setting away from its default. */
export function describeScenario(scenario: Scenario): string {
  const load = SCENARIO_FIELDS.filter((f) => f.default === undefined).map((f) => f.say(scenario));
  return [...load, ...describeSettings(scenario)].join(', ');
}

/** The PHP pool's settings: they reach the runs of a strategy that PHP-FPM serves, and no other. */
export const PHP_POOL_FIELDS: readonly (keyof Scenario)[] = ['phpWorkers', 'phpPm', 'phpRequestTimeoutSec'];

/**
 * What sets `scenario` apart from the others of a matrix: the one field that varies ("10,000 clients"), or how it
 * differs from the first scenario, the base of a star of sweeps ("delay 50 ms", "base"); empty when all are alike.
 */
export function describeStep(scenario: Scenario, all: readonly Scenario[], strategy?: { servedBy?: 'php-fpm' }): string {
  // The PHP pool's settings reach only the runs PHP serves: our server's runs record them at their defaults.
  const reaches = (key: keyof Scenario) => strategy === undefined || strategy.servedBy === 'php-fpm' || !PHP_POOL_FIELDS.includes(key);
  const keys = varyingFields(all).filter(reaches);
  if (keys.length === 0) return '';
  const shown = keys.length === 1 ? keys : differingFields(scenario, all[0]).filter((key) => keys.includes(key));
  if (shown.length === 0) return 'base';
  return SCENARIO_FIELDS.filter((f) => shown.includes(f.key))
    .map((f) => f.say(scenario))
    .join(' · ');
}

/** The fields a capacity probe shares with the runs: the identity its requests carry, the payload it publishes. */
export type CapacityScenario = Pick<Scenario, 'cookieBytes' | 'payloadBytes'>;

export const CAPACITY_FIELDS: readonly (keyof CapacityScenario)[] = ['cookieBytes', 'payloadBytes'];

/** What results.json records of a capacity probe's scenario: the cookie its requests carried (0: none). */
export interface CapacityScenarioRecord {
  cookieBytes: number;
}

export function capacityScenarioRecord(scenario: CapacityScenario): CapacityScenarioRecord {
  return { cookieBytes: scenarioValue(scenario, 'cookieBytes') };
}
