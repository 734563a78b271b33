import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The folders are layers (docs/layers.md). This reads every import of the source tree and checks the rules,
 * so a crooked door shows up as a failing test rather than in review.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FOLDERS = ['servers', 'clients', 'results', 'reports', 'bench'] as const;

/** The entry points allowed to compose the harness with the report. */
const COMPOSITION_ROOTS = new Set(['bench/cli.ts']);

/** What each layer may import (besides itself, node: builtins and packages). */
const ALLOWED: Record<string, readonly string[]> = {
  'servers/contract': [],
  servers: ['servers/contract'],
  clients: ['servers/contract'],
  results: ['servers/contract'],
  reports: ['results', 'servers/contract', 'reports/browser'],
  'reports/browser': ['results', 'servers/contract'],
  bench: ['servers', 'servers/contract', 'clients', 'results'],
};

/**
 * The rooms of bench/ and servers/ by floor, lowest first: a room may import the rooms of lower floors of its
 * own layer, never a room of its own floor or above. A folder is a room; a file at the top of the layer is a room
 * of its own (servers/app.ts composes the server, bench/cli.ts the bench).
 */
export const ROOM_FLOORS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  bench: [['measure'], ['plan'], ['fleet', 'network', 'publisher'], ['ipc'], ['capacity', 'children'], ['run'], ['cli.ts']],
  servers: [
    ['contract', 'constants.ts', 'cli-support.ts'],
    ['wire', 'log'],
    ['http'],
    ['http2', 'trust', 'strategy.ts'],
    ['delivery', 'observe'],
    ['strategies', 'peers', 'api', 'stack'],
    ['registry.ts'],
    ['app.ts'],
    ['demo', 'serve.ts'],
  ],
};

/** `bench/run` for `bench/run/harness.ts`, `servers/app.ts` for itself; undefined outside bench/ and servers/. */
export function roomOf(file: string): string | undefined {
  const parts = file.split('/');
  if (!(parts[0] in ROOM_FLOORS)) return undefined;
  return parts.slice(0, 2).join('/');
}

function floorOf(room: string): number {
  const [layer, name] = room.split('/') as [string, string];
  const floor = ROOM_FLOORS[layer].findIndex((rooms) => rooms.includes(name));
  if (floor < 0) throw new Error(`room ${room} has no floor in ROOM_FLOORS (test/layers.test.ts, docs/layers.md)`);
  return floor;
}

/** Imports between two rooms of one layer that do not go down a floor. */
export function roomViolations(edges: readonly [string, string][]): string[] {
  const violations: string[] = [];
  for (const [from, to] of edges) {
    const a = roomOf(from);
    const b = roomOf(to);
    if (a === undefined || b === undefined || a === b || a.split('/')[0] !== b.split('/')[0]) continue;
    if (floorOf(b) >= floorOf(a)) violations.push(`${from} → ${to}`);
  }
  return violations;
}

/** Cycles between files, each as the files on it (found by a depth-first walk; a cycle may show from each of its files). */
export function fileCycles(edges: readonly [string, string][]): string[][] {
  const graph = new Map<string, string[]>();
  for (const [from, to] of edges) graph.set(from, [...(graph.get(from) ?? []), to]);
  const cycles: string[][] = [];
  const done = new Set<string>();
  const visit = (node: string, path: string[]) => {
    for (const next of graph.get(node) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) cycles.push([...path.slice(at), next]);
      else if (!done.has(next)) visit(next, [...path, next]);
    }
    done.add(node);
  };
  for (const node of graph.keys()) if (!done.has(node)) visit(node, [node]);
  return cycles;
}

function layerOf(file: string): string {
  if (file.startsWith('servers/contract/')) return 'servers/contract';
  if (file.startsWith('reports/browser/')) return 'reports/browser';
  return file.split('/')[0];
}

function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every relative import of every source file, as [importer, imported] paths relative to the root. */
function importEdges(): [string, string][] {
  const edges: [string, string][] = [];
  for (const folder of FOLDERS) {
    for (const file of sourceFiles(folder)) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const match of text.matchAll(IMPORT)) {
        const spec = match[1] ?? match[2];
        if (!spec.startsWith('.')) continue;
        const target = relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, '.ts');
        edges.push([file, target]);
      }
    }
  }
  return edges;
}

/**
 * The report page's script (reports/browser/) runs in the browser, bundled on its own: a value it imports is code
 * that ships in the page. From the layers below it takes types, and values only from the one number formatter (a
 * leaf with no imports) and the wire contract (plain constants); from packages, types only. The report's Node side
 * takes only its types (the chart descriptions' shape): its code would need a DOM.
 */
const BROWSER_VALUE_SOURCES = ['reports/browser/', 'results/number-format.ts', 'servers/contract/'];

/** Every import of every source file with what it imports (a path from the root, or a package name) and whether it is `import type`. */
function imports(): { from: string; to: string; typeOnly: boolean }[] {
  const found: { from: string; to: string; typeOnly: boolean }[] = [];
  for (const folder of FOLDERS) {
    for (const file of sourceFiles(folder)) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const match of text.matchAll(IMPORT)) {
        const spec = match[1] ?? match[2];
        const to = spec.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, '.ts') : spec;
        found.push({ from: file, to, typeOnly: /^(?:import|export)\s+type\s/.test(match[0]) });
      }
    }
  }
  return found;
}

/** Imports across the browser script's border that carry code where only types may pass. */
export function browserBorderViolations(list: readonly { from: string; to: string; typeOnly: boolean }[]): string[] {
  const violations: string[] = [];
  for (const { from, to, typeOnly } of list) {
    if (typeOnly) continue;
    const inside = from.startsWith('reports/browser/');
    const target = to.startsWith('reports/browser/');
    if (inside && !BROWSER_VALUE_SOURCES.some((source) => to.startsWith(source))) violations.push(`${from} → ${to}`);
    if (!inside && target) violations.push(`${from} → ${to}`);
  }
  return violations;
}

export function layerViolations(edges: readonly [string, string][]): string[] {
  const violations: string[] = [];
  for (const [from, to] of edges) {
    const a = layerOf(from);
    const b = layerOf(to);
    if (a === b) continue;
    if (ALLOWED[a]?.includes(b)) continue;
    if (a === 'bench' && b === 'reports' && COMPOSITION_ROOTS.has(from)) continue;
    violations.push(`${from} → ${to}`);
  }
  return violations;
}

/** Cycles in the folder graph, each as the folders on it. */
export function folderCycles(edges: readonly [string, string][]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const [from, to] of edges) {
    const a = layerOf(from);
    const b = layerOf(to);
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  const cycles: string[][] = [];
  const visit = (node: string, path: string[]) => {
    for (const next of graph.get(node) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) cycles.push([...path.slice(at), next]);
      else visit(next, [...path, next]);
    }
  };
  for (const node of graph.keys()) visit(node, [node]);
  return cycles;
}

describe('layers', () => {
  const edges = importEdges();

  it('reads the imports it checks (the scan is not empty)', () => {
    expect(edges.some(([from, to]) => from === 'servers/app.ts' && to === 'servers/log/message-source.ts')).toBe(true);
    expect(edges.some(([from]) => from.startsWith('clients/browser/'))).toBe(true);
  });

  it('every import goes down the layers', () => {
    expect(layerViolations(edges)).toEqual([]);
  });

  it('no cycle between folders', () => {
    expect(folderCycles(edges)).toEqual([]);
  });

  it('the report page’s script imports code only from itself, the number formatter and the contract; the Node side only its types', () => {
    const list = imports();
    expect(list.some(({ from, to, typeOnly }) => from === 'reports/charts.ts' && to === 'reports/browser/chart-spec.ts' && typeOnly)).toBe(true);
    expect(browserBorderViolations(list)).toEqual([]);
    // The formatter it bundles must stay a leaf: anything it imported would ship in the page too.
    expect(list.filter(({ from }) => from === 'results/number-format.ts')).toEqual([]);
  });

  it('flags code crossing the browser script’s border', () => {
    expect(
      browserBorderViolations([
        { from: 'reports/browser/main.ts', to: 'results/metrics.ts', typeOnly: false },
        { from: 'reports/browser/main.ts', to: 'chart.js', typeOnly: false },
        { from: 'reports/browser/main.ts', to: 'results/results.ts', typeOnly: true },
        { from: 'reports/browser/main.ts', to: 'results/number-format.ts', typeOnly: false },
        { from: 'reports/render.ts', to: 'reports/browser/main.ts', typeOnly: false },
        { from: 'reports/charts.ts', to: 'reports/browser/chart-spec.ts', typeOnly: true },
      ]),
    ).toEqual(['reports/browser/main.ts → results/metrics.ts', 'reports/browser/main.ts → chart.js', 'reports/render.ts → reports/browser/main.ts']);
  });

  it('every import inside bench/ and servers/ goes down the floors of their rooms', () => {
    expect(roomViolations(edges)).toEqual([]);
  });

  it('every room has its floor', () => {
    const rooms = new Set(edges.flatMap(([from, to]) => [roomOf(from), roomOf(to)]).filter((room) => room !== undefined));
    for (const room of rooms) expect(() => floorOf(room)).not.toThrow();
  });

  it('no cycle between files', () => {
    expect(fileCycles(edges)).toEqual([]);
  });

  it('flags a room that imports a room of its own floor or above, and a cycle between files', () => {
    const bad: [string, string][] = [
      ['bench/plan/schedule.ts', 'bench/ipc/protocol.ts'],
      ['bench/fleet/identity.ts', 'bench/network/proxy.ts'],
      ['servers/http/dispatch.ts', 'servers/strategy.ts'],
      ['servers/strategies/sse.ts', 'servers/delivery/push-fanout.ts'],
      ['bench/run/harness.ts', 'bench/run/phases.ts'],
      ['bench/run/phases.ts', 'bench/run/harness.ts'],
    ];
    expect(roomViolations(bad)).toEqual([
      'bench/plan/schedule.ts → bench/ipc/protocol.ts',
      'bench/fleet/identity.ts → bench/network/proxy.ts',
      'servers/http/dispatch.ts → servers/strategy.ts',
    ]);
    expect(fileCycles(bad)).toEqual([['bench/run/harness.ts', 'bench/run/phases.ts', 'bench/run/harness.ts']]);
  });

  it('flags what it should: a server importing a client, a report importing the harness, a cycle', () => {
    const bad: [string, string][] = [
      ['servers/registry.ts', 'clients/websocket.ts'],
      ['reports/summary.ts', 'bench/run/harness.ts'],
      ['bench/run/harness.ts', 'reports/write.ts'],
      ['bench/cli.ts', 'reports/write.ts'],
    ];
    expect(layerViolations(bad)).toEqual([
      'servers/registry.ts → clients/websocket.ts',
      'reports/summary.ts → bench/run/harness.ts',
      'bench/run/harness.ts → reports/write.ts',
    ]);
    expect(folderCycles(bad)).toEqual([
      ['reports', 'bench', 'reports'],
      ['bench', 'reports', 'bench'],
    ]);
  });
});
