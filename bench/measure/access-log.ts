import { readFileSync } from 'node:fs';

/** One line of the stack's access log (servers/stack/nginx-config.ts, ACCESS_LOG_FORMAT), as numbers. */
export interface AccessLogEntry {
  /** When nginx finished the request, wall-clock ms. */
  endMs: number;
  status: number;
  /** Bytes nginx read from the client for it (request line, headers, body) and wrote back (status line, headers, body). */
  requestBytes: number;
  sentBytes: number;
  durationMs: number;
  connection: number;
  path: string;
  /** Messages the answer carried, from the PHP script; null for an answer the script did not make. */
  messages: number | null;
  /** When a PHP worker took the request, wall-clock ms; null when none did before nginx answered. */
  workerStartMs: number | null;
}

const LINE = /^(\d+\.\d+) (\d{3}) (\d+) (\d+) (\d+\.\d+) (\d+) "([^"]*)" "([^"]*)" "([^"]*)"$/;

export function parseAccessLog(text: string): AccessLogEntry[] {
  const entries: AccessLogEntry[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    entries.push({
      endMs: Number(m[1]) * 1000,
      status: Number(m[2]),
      requestBytes: Number(m[3]),
      sentBytes: Number(m[4]),
      durationMs: Number(m[5]) * 1000,
      connection: Number(m[6]),
      path: m[7],
      messages: upstreamNumber(m[8]),
      workerStartMs: upstreamNumber(m[9]) === null ? null : upstreamNumber(m[9])! * 1000,
    });
  }
  return entries;
}

export function readAccessLog(file: string): AccessLogEntry[] {
  try {
    return parseAccessLog(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
}

/** An upstream header as nginx logs it: "-" when absent, a list "a, b" when it tried several (the last answered). */
function upstreamNumber(text: string): number | null {
  const last = text.split(', ').at(-1);
  if (last === undefined || last === '-' || last === '') return null;
  const value = Number(last);
  return Number.isFinite(value) ? value : null;
}
