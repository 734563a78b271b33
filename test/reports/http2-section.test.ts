import { describe, expect, it } from 'vitest';
import { renderReport } from '../../reports/render.js';
import { upBytesPerRequest } from '../../reports/http2-section.js';
import { serverCpuUsPerRequest } from '../../results/metrics.js';
import type { Results, RunResult } from '../../results/results.js';
import { shortPollingRun, webSocketRun } from './fixture.js';

/** A short-polling run at `cookieBytes` over `version`, whose steady window sent `upPerRequest` bytes a request. */
function shortPoll(version: '1.1' | '2', cookieBytes: number, upPerRequest: number): RunResult {
  const run = shortPollingRun();
  run.scenario = { ...run.scenario, cookieBytes, ...(version === '2' && { httpVersion: '2' }) };
  run.steady = { windowMs: 20_000, bytesClientToServer: upPerRequest * 800, bytesServerToClient: 200 * 800, requests: 800 };
  return run;
}

function results(runs: RunResult[]): Results {
  return {
    meta: {
      date: '2026-01-01T00:00:00.000Z',
      preset: 'http2',
      nodeVersion: 'v20',
      cpuModel: 'cpu',
      cpuCount: 2,
      platform: 'linux',
      totalMemoryBytes: 1,
      pushbenchVersion: '0.1.0',
      command: 'x',
      wallTimeMs: 1,
    },
    runs,
  };
}

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('The article under HTTP/2', () => {
  it('is absent from a report without an HTTP/2 run', () => {
    expect(renderReport(results([shortPollingRun(), webSocketRun()]))).not.toContain('id="http2"');
  });

  it('sets each cookie size’s bytes per request over both versions side by side, and what the cookie adds', () => {
    const runs = [
      shortPoll('1.1', 0, 90),
      shortPoll('1.1', 1024, 1124),
      shortPoll('1.1', 4096, 4196),
      shortPoll('2', 0, 25),
      shortPoll('2', 1024, 26),
      shortPoll('2', 4096, 3125),
    ];
    const html = renderReport(results(runs));
    const section = text(html.slice(html.indexOf('id="http2"'), html.indexOf('</section>', html.indexOf('id="http2"'))));
    // Strategy, cookie, up/request 1.1 and 2, the cookie's addition 1.1 and 2.
    expect(section).toContain('Short polling 0 90.0 25.0 — —');
    expect(section).toContain('Short polling 1,024 1,124 26.0 1,034 1.0');
    expect(section).toContain('Short polling 4,096 4,196 3,125 4,106 3,100');
    expect(section).toContain('a 1,024-byte cookie adds 1.0 bytes per short-poll request over HTTP/2 (over HTTP/1.1: 1,034 bytes');
    expect(section).toContain('measured 3,100 bytes per request');
    expect(section).toContain('a 4,134-byte entry');
    expect(section).toContain('ws does not implement RFC 8441');
    // No run at one message a second: the throughput table says how to get one.
    expect(section).toContain('npm run bench -- --preset http2');
  });

  it('reads a request’s up bytes from the steady window, and the server’s CPU per request from the whole run', () => {
    const run = shortPoll('2', 1024, 26);
    expect(upBytesPerRequest(run)).toBe(26);
    expect(serverCpuUsPerRequest(run)).toBe(310);
    delete run.steady;
    expect(upBytesPerRequest(run)).toBe(180);
  });
});
