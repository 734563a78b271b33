import { parseBenchArgs, type BenchOptions } from '../../../bench/plan/flags.js';

/** The options `argv` parses to; a refusal fails the test with its message. */
export function options(argv: string[]): BenchOptions {
  const result = parseBenchArgs(argv);
  if (!result.ok) throw new Error(`expected ${argv.join(' ')} to parse, got: ${result.error}`);
  return result.options;
}

/** The one-line error `argv` is refused with; parsing fails the test. */
export function error(argv: string[]): string {
  const result = parseBenchArgs(argv);
  if (result.ok) throw new Error(`expected ${argv.join(' ')} to be refused`);
  return result.error;
}
