import path from 'node:path';
import { constants } from 'node:os';
import { printSummary } from '../reports/summary.js';
import { noticeText } from '../reports/summary-notices.js';
import { keepResults, prepareOutDir, prepareOutFile, removeCreated, resultsJson, writeReport } from '../reports/write.js';
import { writeFile } from 'node:fs/promises';
import { defaultOutDir, helpText, parseBenchArgs, type BenchOptions } from './plan/flags.js';
import { planRuns } from './plan/runs.js';
import { machineLimitProblem, readMachineLimits } from './plan/machine-limits.js';
import { h2loadAvailable, runnableHttpVersions } from './capacity/h2load.js';
import { Bench, planSpeaksTls } from './run/harness.js';
import { OPENSSL_MISSING, opensslAvailable } from '../servers/wire/certificate.js';
import { REPO_ROOT } from './ipc/rpc.js';
import { attachProgress } from './run/progress.js';
import { isValidRun, type Results, type Scenario } from '../results/results.js';
import { SourceUnavailableError } from '../servers/log/message-log.js';
import { prepareBenchRedis, type PreparedRedis } from './run/redis-service.js';
import { kernelNetworkMissing, removeStaleNamespaces } from './network/kernel-link.js';
import { findStrategy } from './plan/strategies.js';
import { scenarioValue } from '../results/scenario.js';
import { findStackPrograms, StackUnavailableError } from '../servers/stack/stack-process.js';

const DUPLICATE_SIGNAL_MS = 1_000;

/** Every scenario the bench may run: the preset's, and the largest step of a shootout search. */
function searchedScenarios(options: BenchOptions): Scenario[] {
  const { search } = options;
  return search === null ? options.scenarios : [...options.scenarios, { ...search.base, clients: search.sizes.maxClients }];
}

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
  // The machine's limits (open files, memory, ports, accept queue) before anything starts: one line naming the limit.
  const limitProblem = machineLimitProblem(searchedScenarios(options), options.clientProcesses, readMachineLimits());
  if (limitProblem !== null) {
    process.stderr.write(`pushbench: ${limitProblem}\n`);
    return 2;
  }

  // The kernel network needs root and its programs: one line naming what is missing, before anything is made.
  if (options.scenarios.some((scenario) => scenarioValue(scenario, 'network') === 'kernel')) {
    const missing = kernelNetworkMissing();
    if (missing !== null) {
      process.stderr.write(`pushbench: ${missing}\n`);
      return 2;
    }
    // What a bench that died without cleaning up left in the kernel (never a running bench's).
    const stale = removeStaleNamespaces();
    if (stale.length > 0) process.stderr.write(`pushbench: removed network namespaces a stopped bench left behind: ${stale.join(', ')}\n`);
  }

  const runs = planRuns(options.scenarios, options.strategies, options.runsIn);
  // The article's stack before anything else: nginx (and PHP-FPM with php-redis) must be installed.
  const php = runs.some((run) => findStrategy(run.strategy)?.info.servedBy === 'php-fpm');
  const stackRuns = runs.filter((run) => findStrategy(run.strategy)?.info.servedBy === 'php-fpm' || scenarioValue(run.scenario, 'proxy') === 'nginx');
  if (stackRuns.some((run) => scenarioValue(run.scenario, 'tls') !== 'off' || scenarioValue(run.scenario, 'network') === 'kernel')) {
    process.stderr.write('pushbench: the PHP strategies and --proxy nginx run in cleartext on loopback: not with --tls or --network kernel\n');
    return 2;
  }
  if (php || runs.some((run) => scenarioValue(run.scenario, 'proxy') === 'nginx')) {
    try {
      findStackPrograms(php);
    } catch (error) {
      if (!(error instanceof StackUnavailableError)) throw error;
      process.stderr.write(`pushbench: ${error.message}\n`);
      return 2;
    }
  }

  // Then the output folder (and --json-out's): a run whose results cannot be written is lost work.
  const startedAt = new Date();
  const outDir = await prepareOutDir(options.outDir ?? path.join(REPO_ROOT, defaultOutDir(options.name, startedAt)));
  if (!outDir.ok) return refuse(`${options.outDir === null ? 'cannot write the report: ' : '--out '}${outDir.error}`, []);
  const created = [...outDir.created];
  if (options.jsonOut !== null) {
    const jsonOut = await prepareOutFile(options.jsonOut);
    if (!jsonOut.ok) return refuse(`--json-out ${jsonOut.error}`, created);
    created.push(...jsonOut.created);
  }

  // Then Redis: without it a Redis run cannot start, and the user gets one line saying why.
  let redis: PreparedRedis | undefined;
  if (runs.some((run) => run.scenario.source === 'redis')) {
    try {
      redis = await prepareBenchRedis(options.redisUrl, (line) => process.stderr.write(`\npushbench: ${line}\n`));
    } catch (error) {
      if (!(error instanceof SourceUnavailableError)) throw error;
      return refuse(error.message, created);
    }
  }

  if (options.capacity?.httpVersions?.includes('2')) {
    const { versions, missing } = runnableHttpVersions(options.capacity.httpVersions, h2loadAvailable());
    if (missing) process.stderr.write(`${missing}\n`);
    options.capacity.httpVersions = versions;
  }

  // TLS needs a certificate, and openssl to make it: without it, one line and nothing started.
  if (planSpeaksTls({ runs, capacity: options.capacity ?? undefined }) && !opensslAvailable()) {
    return refuse(OPENSSL_MISSING, created);
  }

  const bench = new Bench({
    preset: options.preset,
    ...(options.name.changed.length > 0 && { changed: options.name.changed }),
    runs,
    command: ['tsx', 'bench/cli.ts', ...argv].map(shellQuote).join(' '),
    ...(options.clientProcesses !== null && { clientProcesses: options.clientProcesses }),
    ...(options.capacity !== null && { capacity: options.capacity }),
    ...(options.search !== null && { search: { spec: options.search, strategies: options.strategies } }),
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
  const written = await writeResults(results, outDir.dir, options.jsonOut, startedAt);
  if (options.json) {
    process.stdout.write(resultsJson(results));
    if (written.htmlPath !== null) process.stderr.write(`report: ${written.htmlPath}\n`);
  } else {
    process.stdout.write(printSummary(results, written.htmlPath));
  }
  if (written.keptIn !== undefined) process.stderr.write(`pushbench: ${written.failure}; the results are kept in ${written.keptIn}\n`);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (stoppedBy) return 128 + constants.signals[stoppedBy];
  if (written.keptIn !== undefined) return 1;
  const probesMeasured = (results.capacity ?? []).every((probe) => probe.problem === undefined);
  return results.runs.every(isValidRun) && probesMeasured ? 0 : 1;
}

/** One line on stderr and exit code 2, removing the (still empty) folders made for the output. */
async function refuse(message: string, created: readonly string[]): Promise<number> {
  await removeCreated(created);
  process.stderr.write(`pushbench: ${message}\n`);
  return 2;
}

interface Written {
  /** The report's index.html; null when it could not be written. */
  htmlPath: string | null;
  /** What could not be written, and the file the results were kept in instead. */
  failure?: string;
  keptIn?: string;
}

/**
 * The report into its folder (checked before the first run) and --json-out's file. Should writing fail anyway,
 * the results go to a file in the temporary folder, so that no finished run is lost.
 */
async function writeResults(results: Results, dir: string, jsonOut: string | null, startedAt: Date): Promise<Written> {
  let htmlPath: string | null = null;
  try {
    htmlPath = (await writeReport(results, dir)).htmlPath;
    if (jsonOut !== null) await writeFile(path.resolve(jsonOut), resultsJson(results));
    return { htmlPath };
  } catch (error) {
    const target = htmlPath === null ? dir : path.resolve(jsonOut!);
    const failure = `cannot write ${target} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    return { htmlPath, failure, keptIn: await keepResults(results, startedAt) };
  }
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
