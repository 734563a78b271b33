import path from 'node:path';
import { constants } from 'node:os';
import { printSummary } from '../reports/summary.js';
import { noticeText } from '../reports/summary-notices.js';
import { writeReport } from '../reports/write.js';
import { defaultOutDir, helpText, parseBenchArgs } from './plan/flags.js';
import { planRuns } from './plan/runs.js';
import { h2loadAvailable, runnableHttpVersions } from './capacity/h2load.js';
import { Bench } from './run/harness.js';
import { REPO_ROOT } from './ipc/rpc.js';
import { attachProgress } from './run/progress.js';
import { isValidRun } from '../results/results.js';
import { SourceUnavailableError } from '../servers/log/message-log.js';
import { prepareBenchRedis, type PreparedRedis } from './run/redis-service.js';
import { findStrategy } from './plan/strategies.js';
import { scenarioValue } from '../results/scenario.js';
import { findStackPrograms, StackUnavailableError } from '../servers/stack/stack-process.js';

const DUPLICATE_SIGNAL_MS = 1_000;

/** Exit status: 0 all runs valid, 1 a run invalid or the bench failed, 2 bad options, 128 + signal if stopped. */
async function main(argv: string[]): Promise<number> {
  const parsed = parseBenchArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`pushbench: ${parsed.error}\n`);
    return 2;
  }
  const options = parsed.options;
  if (options.help) {
    process.stdout.write(`${helpText()}\n`);
    return 0;
  }

  const runs = planRuns(options.scenarios, options.strategies, options.runsIn);
  // The article's stack before anything else: nginx (and PHP-FPM with php-redis) must be installed.
  const php = runs.some((run) => findStrategy(run.strategy)?.info.servedBy === 'php-fpm');
  if (php || runs.some((run) => scenarioValue(run.scenario, 'proxy') === 'nginx')) {
    try {
      findStackPrograms(php);
    } catch (error) {
      if (!(error instanceof StackUnavailableError)) throw error;
      process.stderr.write(`pushbench: ${error.message}\n`);
      return 2;
    }
  }

  // Redis before anything else: without it a Redis run cannot start, and the user gets one line saying why.
  let redis: PreparedRedis | undefined;
  if (runs.some((run) => run.scenario.source === 'redis')) {
    try {
      redis = await prepareBenchRedis(options.redisUrl);
    } catch (error) {
      if (!(error instanceof SourceUnavailableError)) throw error;
      process.stderr.write(`pushbench: ${error.message}\n`);
      return 2;
    }
  }

  if (options.capacity?.httpVersions?.includes('2')) {
    const { versions, missing } = runnableHttpVersions(options.capacity.httpVersions, h2loadAvailable());
    if (missing) process.stderr.write(`${missing}\n`);
    options.capacity.httpVersions = versions;
  }

  const startedAt = new Date();
  const bench = new Bench({
    preset: options.preset,
    runs,
    command: ['tsx', 'bench/cli.ts', ...argv].map(shellQuote).join(' '),
    ...(options.clientProcesses !== null && { clientProcesses: options.clientProcesses }),
    ...(options.capacity !== null && { capacity: options.capacity }),
    ...(redis && { redis: redis.redis }),
  });
  attachProgress(bench, noticeText);
  let stoppedBy: NodeJS.Signals | undefined;
  let stoppedAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stoppedBy) {
      // tsx relays the terminal's signal again when we are slow to acknowledge it: that is not a second Ctrl-C.
      if (Date.now() - stoppedAt < DUPLICATE_SIGNAL_MS) return;
      // A deliberate second Ctrl-C does not wait for the report.
      process.exit(128 + constants.signals[signal]);
    }
    stoppedBy = signal;
    stoppedAt = Date.now();
    process.stderr.write(`\npushbench: ${signal}, stopping; the report will hold the runs that finished\n`);
    bench.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const results = await bench.run().finally(() => redis?.stop());
  const outDir = options.outDir ?? path.join(REPO_ROOT, defaultOutDir(options.preset, startedAt));
  const { htmlPath } = await writeReport(results, outDir);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    process.stderr.write(`report: ${htmlPath}\n`);
  } else {
    process.stdout.write(printSummary(results, htmlPath));
  }
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (stoppedBy) return 128 + constants.signals[stoppedBy];
  const probesMeasured = (results.capacity ?? []).every((probe) => probe.problem === undefined);
  return results.runs.every(isValidRun) && probesMeasured ? 0 : 1;
}

function shellQuote(arg: string): string {
  return /^[\w./:=,@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`pushbench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
