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
  reports: ['results', 'servers/contract'],
  bench: ['servers', 'servers/contract', 'clients', 'results'],
};

function layerOf(file: string): string {
  if (file.startsWith('servers/contract/')) return 'servers/contract';
  return file.split('/')[0]!;
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
        const spec = match[1] ?? match[2]!;
        if (!spec.startsWith('.')) continue;
        const target = relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, '.ts');
        edges.push([file, target]);
      }
    }
  }
  return edges;
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
    expect(edges.some(([from, to]) => from === 'servers/app.ts' && to === 'servers/message-source.ts')).toBe(true);
    expect(edges.some(([from]) => from.startsWith('clients/browser/'))).toBe(true);
  });

  it('every import goes down the layers', () => {
    expect(layerViolations(edges)).toEqual([]);
  });

  it('no cycle between folders', () => {
    expect(folderCycles(edges)).toEqual([]);
  });

  it('flags what it should: a server importing a client, a report importing the harness, a cycle', () => {
    const bad: [string, string][] = [
      ['servers/registry.ts', 'clients/websocket.ts'],
      ['reports/summary.ts', 'bench/harness.ts'],
      ['bench/harness.ts', 'reports/write.ts'],
      ['bench/cli.ts', 'reports/write.ts'],
    ];
    expect(layerViolations(bad)).toEqual([
      'servers/registry.ts → clients/websocket.ts',
      'reports/summary.ts → bench/harness.ts',
      'bench/harness.ts → reports/write.ts',
    ]);
    expect(folderCycles(bad)).toEqual([['reports', 'bench', 'reports'], ['bench', 'reports', 'bench']]);
  });
});
