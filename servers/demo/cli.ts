import { cli, stopOnSignals, type Cli } from '../cli-support.js';
import { hostName } from '../trust/request-guard.js';
import { SourceUnavailableError } from '../log/message-log.js';
import { StackUnavailableError } from '../stack/stack-process.js';
import { startDemo, type Demo } from './demo-server.js';
import { qrTerminal } from './lan.js';
import { openInBrowser } from './open-browser.js';

const USAGE = `usage: npm run demo -- [--port N] [--lan] [--open] [--php] [--token T] [--user-secret S] [--allow-host NAME]

Starts the classroom demo: one page with a lane per strategy, live counters, the WebSocket handshake.
  --port N    port to listen on; 0 picks a free one (default 8080)
  --lan       listen on the local network (0.0.0.0): students join from their phones by the printed
              address or QR code. Publishing and changing settings then need the teacher token.
  --open      open the page in the default browser
  --php       add the "PHP long polling" lane: the article's own stack (nginx, PHP-FPM, Redis from Debian's
              packages), its workers shown as seats that waiting polls fill; the log then lives in Redis
  --token T   the teacher token (at least 8 characters); generated and printed with --lan when not given
  --user-secret S   the secret the lanes' user tokens are signed with (16+ characters); generated with --lan:
              a student's name is then theirs alone for the session
  --allow-host NAME a name the page may be opened by besides this machine's addresses (repeatable);
              any other Host gets 421 (a DNS-rebinding page cannot reach the demo)`;

// Typed explicitly so that TypeScript knows `command.fail(...)` never returns.
const command: Cli = cli('pushbench demo');
const { fail, parse } = command;

async function printStart(demo: Demo, lan: boolean): Promise<void> {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out('pushbench classroom demo');
  out(`  page:     ${demo.teacherUrl}${demo.token ? '   (the teacher’s page: the token rides in the #fragment)' : ''}`);
  if (demo.joinUrl) {
    out(`  students: ${demo.joinUrl}`);
    out();
    out(await qrTerminal(demo.joinUrl));
  } else if (lan) {
    out('  students: no local network address found; students cannot join');
  }
  if (demo.token) {
    out(`  teacher token: ${demo.token}`);
    out('  publishing and changing settings need it; students can watch and join a lane, not publish');
  } else {
    out('  listening on this machine only (no token needed); add --lan to let students join');
  }
  if (demo.php) {
    const workers = demo.settings.get().phpWorkers;
    out(`  PHP lane: nginx at ${demo.php.siteUrl}, PHP-FPM with ${workers} workers, the log in Redis at ${demo.php.redisUrl}`);
    out('            (started for this demo, stopped with it; the page reaches the PHP site through /demo/php/)');
  }
  if (demo.server.guard.userTokensRequired) {
    out('  each lane’s user id comes with a user token the page gets when it joins: nobody can listen as another');
  }
  out('press Ctrl-C to stop');
}

async function main(): Promise<void> {
  const values = parse({
    port: { type: 'string' },
    lan: { type: 'boolean' },
    open: { type: 'boolean' },
    php: { type: 'boolean' },
    token: { type: 'string' },
    'user-secret': { type: 'string' },
    'allow-host': { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (values.port !== undefined && (!/^\d+$/.test(values.port) || port > 65535)) {
    fail(`--port must be an integer from 0 to 65535 (got "${values.port}")`);
  }
  if (values.token !== undefined && values.token.length < 8) fail('--token must be at least 8 characters');
  const userSecret = values['user-secret'];
  if (userSecret !== undefined && userSecret.length < 16) fail('--user-secret must be at least 16 characters');
  const allowedHosts = values['allow-host'] ?? [];
  for (const name of allowedHosts) if (hostName(name) === undefined) fail(`--allow-host must be a host name or address (got "${name}")`);
  const lan = values.lan === true;

  let demo: Demo;
  try {
    demo = await startDemo({ port, host: lan ? '0.0.0.0' : '127.0.0.1', token: values.token, userSecret, allowedHosts, php: values.php === true });
  } catch (error) {
    // A missing package is one line naming it (and exit 2), as in the bench.
    if (error instanceof StackUnavailableError || error instanceof SourceUnavailableError) command.fail(error.message);
    // Most often a demo already running: say what to do, not only what went wrong.
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      command.fail(`port ${port} is in use (another demo, or another server): --port 0 picks a free one, or choose one with --port N`);
    }
    command.fail(`cannot start on port ${port}: ${(error as Error).message}`);
  }
  await printStart(demo, lan);
  // Not awaited: some openers only return when the browser closes.
  if (values.open) void openInBrowser(demo.teacherUrl).then((problem) => problem && process.stdout.write(`${problem}\n`));

  stopOnSignals('closing the lanes', () => demo.close());
}

void main();
