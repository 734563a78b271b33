import { execFileSync, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { NO_CHROMIUM } from '../../demo/browser.js';

/** The pids of Chromium's processes (the browser and its helpers) whose parents. */
function chromiumProcesses(): Map<number, number> {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,comm='], { encoding: 'utf8' });
  const parents = new Map<number, number>();
  for (const line of out.split('\n')) {
    const [pid, ppid, comm] = line.trim().split(/\s+/);
    if (comm?.startsWith('chromium') || comm?.startsWith('chrome')) parents.set(Number(pid), Number(ppid));
  }
  return parents;
}

describe.skipIf(NO_CHROMIUM)('launchChromium', () => {
  it('binds the browser to the process that launched it: SIGKILLing that process ends the browser too', async () => {
    const launcher = spawn(process.execPath, ['--import', 'tsx', 'test/bench/fleet/fixtures/launch-chromium.ts'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      launcher.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('launched') && resolve());
      launcher.once('exit', (code) => reject(new Error(`the launcher exited first (${code})`)));
    });
    const ours = [...chromiumProcesses()].filter(([, ppid]) => ppid === launcher.pid).map(([pid]) => pid);
    expect(ours).toHaveLength(1);
    const browserPid = ours[0];

    launcher.kill('SIGKILL');
    // The kernel delivers the parent-death signal as the launcher dies; poll a bounded number of times for the reap.
    let alive = true;
    for (let i = 0; i < 100 && alive; i++) {
      await new Promise((r) => setTimeout(r, 100));
      alive = chromiumProcesses().has(browserPid);
    }
    expect(alive).toBe(false);
  }, 60_000);
});
