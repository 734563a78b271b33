import { parseArgs, type ParseArgsConfig } from 'node:util';

/** What the serve and demo commands share: one-line errors with exit code 2, options, a graceful Ctrl-C. */
export interface Cli {
  fail: (message: string) => never;
  /** parseArgs in strict mode, its own error turned into our one line. */
  parse: <O extends NonNullable<ParseArgsConfig['options']>>(options: O) => ReturnType<typeof parseArgs<{ options: O; strict: true }>>['values'];
  integer: (value: string | undefined, name: string, min: number, max: number, fallback: number) => number;
}

export function cli(prefix: string): Cli {
  const fail = (message: string): never => {
    process.stderr.write(`${prefix}: ${message}\n`);
    process.exit(2);
  };
  return {
    fail,
    parse(options) {
      try {
        return parseArgs({ options, strict: true }).values;
      } catch (error) {
        return fail(parseProblem(error as Error & { code?: string }));
      }
    },
    integer(value, name, min, max, fallback) {
      if (value === undefined) return fallback;
      if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
        fail(`--${name} must be an integer from ${min} to ${max} (got "${value}")`);
      }
      return Number(value);
    },
  };
}

/** parseArgs' refusal in the bench's words, pointing to --help as the bench does: "unknown option --prot (see --help)". */
function parseProblem(error: Error & { code?: string }): string {
  const unknown = error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'([^']+)'/.exec(error.message)?.[1] : undefined;
  if (unknown !== undefined) return `unknown option ${unknown} (see --help)`;
  return `${error.message.charAt(0).toLowerCase()}${error.message.slice(1)} (see --help)`;
}

/**
 * Ctrl-C or SIGTERM: say what is being closed, close it, exit 0; a second signal or a close that takes over
 * five seconds exits at once.
 */
export function stopOnSignals(what: string, close: () => Promise<void>): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stdout.write(`\n${signal}: ${what}...\n`);
    setTimeout(() => process.exit(1), 5_000).unref();
    await close();
    process.stdout.write('stopped\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
