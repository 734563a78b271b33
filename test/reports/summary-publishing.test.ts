import { describe, expect, it } from 'vitest';
import { publishingLines } from '../../reports/summary-publishing.js';
import type { PublisherFigures, RunResult } from '../../results/results.js';
import { longPollingRun, shortPollingRun } from './fixture.js';

/** A publisher process's figures: every publish answered at once. */
function figures(planned: number): PublisherFigures {
  const latencyUs = { count: planned, min: 900, p50: 1_000, p90: 1_000, p99: 2_000, p999: 2_000, max: 2_000, mean: 1_100 };
  return {
    publisher: 'http',
    target: 'POST http://127.0.0.1:1/api/publish',
    concurrencyLimit: 64,
    planned,
    answered: planned,
    failed: 0,
    retries: 0,
    waited: 0,
    failuresByCause: {},
    latencyUs,
    latencyHistogram: '',
    cpuMs: 12,
    windowMs: 1_000,
  };
}

function published(run: RunResult, by: 'http' | 'in-process'): RunResult {
  if (by === 'in-process') return run;
  return { ...run, scenario: { ...run.scenario, publisher: 'http' }, publishing: figures(run.messages.published) };
}

describe('publishingLines', () => {
  it('prints nothing when every run published in-process', () => {
    expect(publishingLines([shortPollingRun(), longPollingRun()])).toEqual([]);
  });

  it('says what the in-process runs’ latency means when the bench mixes publishers', () => {
    const lines = publishingLines([published(shortPollingRun(), 'http'), longPollingRun()]);
    expect(lines).toContain('the other runs published in-process: their latency counts from when the server process stored each message');
  });

  it('says nothing of in-process runs for a run that never published: it had a publisher process and no message', () => {
    const never = published(longPollingRun(), 'http');
    const { publishing: _none, ...withoutFigures } = never;
    const invalid: RunResult = { ...withoutFigures, messages: { ...never.messages, published: 0, expected: 0, delivered: 0, missed: 0 } };
    const lines = publishingLines([published(shortPollingRun(), 'http'), invalid]);
    expect(lines[0]).toMatch(/^PUBLISH short-polling/);
    expect(lines.join('\n')).not.toContain('published in-process');
  });
});
