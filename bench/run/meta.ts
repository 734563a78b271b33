import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../ipc/rpc.js';
import type { RunMeta } from '../../results/results.js';

export function collectMeta(
  { preset, changed, command }: { preset: string; changed?: string[]; command: string },
  startedAt: Date,
  wallTimeMs: number,
): RunMeta {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string };
  return {
    date: startedAt.toISOString(),
    preset,
    ...(changed !== undefined && changed.length > 0 && { changed }),
    nodeVersion: process.version,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cpuCount: os.availableParallelism(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemoryBytes: os.totalmem(),
    pushbenchVersion: pkg.version ?? '0.0.0',
    command,
    wallTimeMs: Math.round(wallTimeMs),
  };
}
