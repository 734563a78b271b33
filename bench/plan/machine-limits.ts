import { readFileSync } from 'node:fs';
import { CLIENTS_PER_PROCESS, CONNECTIONS_PER_SOURCE_ADDRESS } from './source-address.js';
import { DEFAULT_LIMITS } from '../../servers/constants.js';
import { fmtInt } from '../../results/number-format.js';
import { scenarioValue, type Scenario } from '../../results/scenario.js';

/**
 * The limits of this machine a large run needs, read before it starts so that a run that cannot succeed is refused
 * in one line naming the limit (exit 2), instead of failing minutes in with connect errors.
 */
export interface MachineLimits {
  /** The soft open-file limit (ulimit -n), inherited by every child process. */
  openFiles: number;
  /** MemAvailable of /proc/meminfo. */
  memAvailableBytes: number;
  /** Ports of net.ipv4.ip_local_port_range. */
  ephemeralPorts: number;
  /** net.core.somaxconn: the kernel's cap on a listening socket's accept queue. */
  somaxconn: number;
}

/** File descriptors a process needs beyond its sockets: its modules, pipes to the harness, Redis, the event loop. */
const FILES_BESIDES_SOCKETS = 200;
/** Memory of one Node.js process before its connections (measured: 60–90 MB). */
const PROCESS_BASE_BYTES = 100 * 1024 * 1024;
/**
 * Memory per client over both ends: the server's (7–14 KB measured by the memory preset) and the client's, whose
 * simulated client, histogram share and ws or undici objects weigh more than the server's (about 20 KB).
 */
const BYTES_PER_CLIENT = 36 * 1024;
/** A connect storm of more clients than this overflows an accept queue smaller than MIN_SOMAXCONN. */
const CLIENTS_NEEDING_BACKLOG = 10_000;
const MIN_SOMAXCONN = 1_024;

/** The first limit the scenarios cannot run under, in one line naming it and what to change; null: none. */
export function machineLimitProblem(scenarios: readonly Scenario[], clientProcesses: number | null, limits: MachineLimits): string | null {
  for (const scenario of scenarios) {
    const { clients } = scenario;
    const servers = scenarioValue(scenario, 'serverProcesses');
    const fleets = clientProcesses ?? Math.ceil(clients / CLIENTS_PER_PROCESS);
    const perServer = Math.ceil(clients / servers);
    const perFleet = Math.ceil(clients / fleets);
    if (perServer > DEFAULT_LIMITS.maxPushStreams) {
      return (
        `${fmtInt(clients)} clients over ${servers} server process${servers === 1 ? '' : 'es'} is ${fmtInt(perServer)} per process, over the ` +
        `server's limit of ${fmtInt(DEFAULT_LIMITS.maxPushStreams)} push clients per process: raise --server-processes (with --source redis)`
      );
    }
    if (perServer + FILES_BESIDES_SOCKETS > limits.openFiles) {
      return (
        `${fmtInt(clients)} clients over ${servers} server process${servers === 1 ? '' : 'es'} need about ${fmtInt(perServer + FILES_BESIDES_SOCKETS)} ` +
        `open files per process; the open-file limit (ulimit -n) is ${fmtInt(limits.openFiles)}: raise it, or --server-processes (with --source redis)`
      );
    }
    if (perFleet + FILES_BESIDES_SOCKETS > limits.openFiles) {
      return (
        `${fmtInt(clients)} clients over ${fleets} client process${fleets === 1 ? '' : 'es'} need about ${fmtInt(perFleet + FILES_BESIDES_SOCKETS)} ` +
        `open files per process; the open-file limit (ulimit -n) is ${fmtInt(limits.openFiles)}: raise it, or --client-processes`
      );
    }
    if (clients > CONNECTIONS_PER_SOURCE_ADDRESS && limits.ephemeralPorts < CONNECTIONS_PER_SOURCE_ADDRESS) {
      return (
        `${fmtInt(clients)} clients are spread over source addresses of ${fmtInt(CONNECTIONS_PER_SOURCE_ADDRESS)} connections each, but ` +
        `net.ipv4.ip_local_port_range holds ${fmtInt(limits.ephemeralPorts)} ports: widen it (sysctl net.ipv4.ip_local_port_range="1024 65000")`
      );
    }
    if (clients > CLIENTS_NEEDING_BACKLOG && limits.somaxconn < MIN_SOMAXCONN) {
      return (
        `${fmtInt(clients)} clients connecting at once overflow an accept queue of net.core.somaxconn = ${fmtInt(limits.somaxconn)}: ` +
        `raise it to ${fmtInt(MIN_SOMAXCONN)} or more (sysctl net.core.somaxconn=4096)`
      );
    }
    const needed = (servers + fleets) * PROCESS_BASE_BYTES + clients * BYTES_PER_CLIENT;
    if (needed > limits.memAvailableBytes) {
      const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
      return (
        `${fmtInt(clients)} clients in ${servers + fleets} processes need about ${gib(needed)} of memory; ${gib(limits.memAvailableBytes)} is ` +
        `available (MemAvailable): free some, or run fewer --clients`
      );
    }
  }
  return null;
}

function readNumber(path: string, pattern: RegExp): number | undefined {
  try {
    const match = pattern.exec(readFileSync(path, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** This machine's limits; a limit that cannot be read (not Linux) counts as no limit. */
export function readMachineLimits(): MachineLimits {
  const range = /(\d+)\s+(\d+)/.exec(readText('/proc/sys/net/ipv4/ip_local_port_range') ?? '');
  return {
    openFiles: readNumber('/proc/self/limits', /^Max open files\s+(\d+)/m) ?? Infinity,
    memAvailableBytes: (readNumber('/proc/meminfo', /^MemAvailable:\s+(\d+) kB/m) ?? Infinity) * 1024,
    ephemeralPorts: range ? Number(range[2]) - Number(range[1]) + 1 : Infinity,
    somaxconn: readNumber('/proc/sys/net/core/somaxconn', /(\d+)/) ?? Infinity,
  };
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Ports taken on each loopback address, in any state (TIME_WAIT included), from /proc/net/tcp: the local end of
 * every IPv4 TCP socket. Empty where it cannot be read (not Linux).
 */
export function readLoopbackPortUse(): Map<string, number> {
  const uses = new Map<string, number>();
  const table = readText('/proc/net/tcp');
  if (table === undefined) return uses;
  for (const line of table.split('\n').slice(1)) {
    // "  12: 0200007F:8A2B 0100007F:1F90 06 …": the local address is little-endian hex.
    const local = /^\s*\d+:\s+([0-9A-F]{8}):/.exec(line)?.[1];
    if (local === undefined || !local.endsWith('7F')) continue;
    const address = `127.${parseInt(local.slice(4, 6), 16)}.${parseInt(local.slice(2, 4), 16)}.${parseInt(local.slice(0, 2), 16)}`;
    uses.set(address, (uses.get(address) ?? 0) + 1);
  }
  return uses;
}
