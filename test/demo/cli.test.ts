import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers.js';

function demo(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'servers/demo/cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (output.stdout += chunk));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  return { child, output };
}

async function stop(child: ReturnType<typeof spawn>, output: { stdout: string }): Promise<void> {
  child.kill('SIGINT');
  const [code] = (await once(child, 'exit')) as [number | null];
  expect(code).toBe(0);
  expect(output.stdout).toContain('stopped');
}

describe('npm run demo', () => {
  it('serves the page on this machine only, with no token, and prints its URL', async () => {
    const { child, output } = demo(['--port', '0']);
    try {
      await waitFor(() => output.stdout.includes('press Ctrl-C'), 'the start banner', 20_000);
      const url = /page: +(http:\/\/127\.0\.0\.1:\d+)\/\n/.exec(output.stdout)![1];
      expect(output.stdout).toContain('listening on this machine only (no token needed); add --lan to let students join');
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>pushbench · classroom demo</title>');
      await stop(child, output);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('--lan prints the students’ address, a QR code and the teacher token; --open without a browser says so', async () => {
    // A PATH with no opener in it: the demo must carry on and say what to do.
    const { child, output } = demo(['--port', '0', '--lan', '--open'], { ...process.env, PATH: mkdtempSync(join(tmpdir(), 'no-opener-')) });
    try {
      await waitFor(() => output.stdout.includes('could not open a browser'), 'the opener message', 20_000);
      const token = /teacher token: (\S+)\n/.exec(output.stdout)![1];
      const url = /page: +(http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+) /.exec(output.stdout)!;
      expect(url[2]).toBe(token);
      const students = /students: (http:\/\/[\d.]+:\d+\/\?as=student)\n/.exec(output.stdout);
      if (students) expect(output.stdout).toMatch(/[▀▄█]{7}/);
      else expect(output.stdout).toContain('students: no local network address found');
      expect(output.stdout).toMatch(
        /could not open a browser \(xdg-open: spawn xdg-open ENOENT\); open http:\/\/127\.0\.0\.1:\d+\/#token=\S+ yourself/,
      );
      const publish = (headers: Record<string, string>) =>
        fetch(`${url[1]}/api/publish`, { method: 'POST', body: '{"payload":"hi"}', headers: { 'Content-Type': 'application/json', ...headers } });
      expect((await publish({})).status).toBe(401);
      expect((await publish({ 'X-Pushbench-Token': token })).status).toBe(202);
      await stop(child, output);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a second demo on a port in use says so in one line and suggests --port 0, exit 2', async () => {
    const first = demo(['--port', '0']);
    try {
      await waitFor(() => first.output.stdout.includes('press Ctrl-C'), 'the first demo', 20_000);
      const port = /page: +http:\/\/127\.0\.0\.1:(\d+)\//.exec(first.output.stdout)![1];
      const second = demo(['--port', port]);
      const [code] = (await once(second.child, 'exit')) as [number | null];
      expect(code).toBe(2);
      expect(second.output.stderr).toBe(
        `pushbench demo: port ${port} is in use (another demo, or another server): --port 0 picks a free one, or choose one with --port N\n`,
      );
      expect(second.output.stdout).toBe('');
      await stop(first.child, first.output);
    } finally {
      first.child.kill('SIGKILL');
    }
  });

  it('a mistyped option points to --help, as the bench does', async () => {
    for (const [args, message] of [
      [['--prot', '80'], 'pushbench demo: unknown option --prot (see --help)\n'],
      [['--port'], "pushbench demo: option '--port <value>' argument missing (see --help)\n"],
    ] as const) {
      const { child, output } = demo([...args]);
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(2);
      expect(output.stderr).toBe(message);
    }
  });

  it('rejects a bad port or a short token with one line and exit code 2', async () => {
    for (const [args, message] of [
      [['--port', 'eighty'], 'pushbench demo: --port must be an integer from 0 to 65535 (got "eighty")\n'],
      [['--token', 'short'], 'pushbench demo: --token must be at least 8 characters\n'],
      [['--user-secret', 'too-short'], 'pushbench demo: --user-secret must be at least 16 characters\n'],
      [['--allow-host', 'evil host/'], 'pushbench demo: --allow-host must be a host name or address (got "evil host/")\n'],
    ] as const) {
      const { child, output } = demo([...args]);
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(2);
      expect(output.stderr).toBe(message);
    }
  });
});
