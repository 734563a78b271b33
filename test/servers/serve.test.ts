import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ServerStats } from '../../servers/observe/stats.js';
import { waitFor } from '../helpers.js';

function serve(...args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'servers/serve.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (output.stdout += chunk));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  return { child, output };
}

async function waitForHeldPolls(url: string, count: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const stats = (await (await fetch(`${url}/api/stats`)).json()) as ServerStats;
    if (stats.strategies['long-polling'].attached === count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never saw ${count} held long poll(s)`);
}

describe('npm run serve', () => {
  it('--port 0 picks a free port, prints the URL, serves the contract and stops cleanly on SIGINT', async () => {
    const { child, output } = serve('--port', '0');
    try {
      await waitFor(() => /listening on http:\/\/127\.0\.0\.1:\d+/.test(output.stdout), 'the URL', 20_000);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output.stdout)![1];
      const held = fetch(`${url}/api/long-poll?since=0`).then((res) => res.json());
      await waitForHeldPolls(url, 1);
      const published = await fetch(`${url}/api/publish`, {
        method: 'POST',
        body: '{"payload":"hi"}',
        headers: { 'content-type': 'application/json' },
      });
      expect(published.status).toBe(202);
      expect(await published.json()).toEqual({ seq: 1 });
      const answer = (await held) as { messages: { seq: number; payload: unknown }[]; cursor: number };
      expect(answer.messages.map((m) => [m.seq, m.payload])).toEqual([[1, 'hi']]);
      expect(answer.cursor).toBe(1);
      // A held long poll is answered (empty) on shutdown rather than cut.
      const heldAtShutdown = fetch(`${url}/api/long-poll?since=1`).then((res) => res.json());
      await waitForHeldPolls(url, 1);
      child.kill('SIGINT');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
      expect(await heldAtShutdown).toEqual({ messages: [], cursor: 1 });
      expect(output.stdout).toContain('stopped');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('rejects a bad port with one line and exit code 2', async () => {
    const { child, output } = serve('--port', 'eighty');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(output.stderr).toBe('pushbench serve: --port must be an integer from 0 to 65535 (got "eighty")\n');
  });

  it('rejects a short user secret and a bad --allow-host with one line and exit code 2', async () => {
    for (const [args, message] of [
      [['--user-secret', 'too-short'], 'pushbench serve: --user-secret must be at least 16 characters\n'],
      [['--allow-host', 'evil host/'], 'pushbench serve: --allow-host must be a host name or address (got "evil host/")\n'],
    ] as const) {
      const { child, output } = serve(...args);
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(2);
      expect(output.stderr).toBe(message);
    }
  });
});
