/**
 * `npm run watch -- ws://127.0.0.1:8080/ws?since=0`: a WebSocket client of the server's public contract for
 * trying it by hand, one line per frame as it arrives, so that nobody needs a WebSocket tool of their own.
 * It offers the pushbench subprotocol and no compression, like the bench's clients; Ctrl-C ends it.
 * Server-sent events and long polls need no such tool: `curl -N` prints them (docs/server.md).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { SUBPROTOCOL } from '../servers/contract/wire.js';

export const WATCH_USAGE = 'usage: npm run watch -- ws://<host>:<port>/ws?since=<cursor>';

export interface WatchIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The URL to watch, or the one-line reason it cannot be. */
export function parseWatchArgs(argv: readonly string[]): { url: URL } | { error: string } {
  if (argv.length !== 1 || argv[0] === '-h' || argv[0] === '--help') return { error: WATCH_USAGE };
  let url: URL;
  try {
    url = new URL(argv[0]);
  } catch {
    return { error: `not a URL: "${argv[0]}" (${WATCH_USAGE})` };
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return { error: `not a ws:// or wss:// URL: "${argv[0]}" (${WATCH_USAGE})` };
  return { url };
}

/**
 * Connects and prints every frame (a message, or the gap signal) as the server sent it. Resolves with the exit
 * code when the connection ends: 0 closed by the server normally, 1 refused or failed.
 */
export function watch(url: URL, io: WatchIo, signal?: AbortSignal): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, SUBPROTOCOL, { perMessageDeflate: false });
    let settled = false;
    const done = (code: number) => {
      if (settled) return;
      settled = true;
      resolve(code);
    };
    signal?.addEventListener('abort', () => {
      ws.close(1000);
      done(0);
    });
    ws.on('open', () => io.err(`connected to ${url.href} (subprotocol ${ws.protocol || 'none'}); Ctrl-C to stop`));
    ws.on('message', (data) => io.out((data as Buffer).toString()));
    ws.on('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk.slice(0, 500)));
      response.on('end', () => {
        io.err(`refused: HTTP ${response.statusCode} ${body.trim()}`);
        done(1);
      });
    });
    ws.on('error', (error) => {
      io.err(`failed: ${error.message}`);
      done(1);
    });
    ws.on('close', (code) => {
      io.err(`closed (${code})`);
      done(code === 1000 || code === 1001 ? 0 : 1);
    });
  });
}

function runDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (runDirectly()) {
  const parsed = parseWatchArgs(process.argv.slice(2));
  if ('error' in parsed) {
    process.stderr.write(`watch: ${parsed.error}\n`);
    process.exitCode = 2;
  } else {
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    void watch(
      parsed.url,
      { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`watch: ${line}\n`) },
      stop.signal,
    ).then((code) => {
      process.exitCode = code;
    });
  }
}
