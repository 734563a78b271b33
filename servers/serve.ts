import { PushServer } from './app.js';
import { cli, stopOnSignals } from './cli-support.js';
import { ROUTES } from './contract/wire.js';
import { STRATEGY_NAMES } from './registry.js';
import { isLoopbackHost, newToken } from './security.js';

const USAGE = `usage: npm run serve -- [--port N] [--host ADDR] [--token T] [--allow-origin URL] [--long-poll-timeout MS]

Starts one server with every strategy mounted on one port:
  POST ${ROUTES.publish}            {"payload": ..., "to"?: "user"}  -> 202 {"seq": n}
  GET  ${ROUTES.poll}?since=N        short poll
  GET  ${ROUTES.longPoll}?since=N   long poll (held until news or timeout)
  GET  ${ROUTES.ws}?since=N            WebSocket upgrade
  GET  ${ROUTES.stats}               counters per strategy
  GET  ${ROUTES.presence}            who is online

  --port N               port to listen on; 0 picks a free one (default 8080)
  --host ADDR            address to bind (default 127.0.0.1). Beyond loopback, publishing needs a token.
  --token T              the publish token (X-Pushbench-Token or Authorization: Bearer); generated and
                         printed when the host is not loopback and none is given
  --allow-origin URL     an origin allowed to open WebSockets (repeatable; default: same origin only)
  --long-poll-timeout MS how long a long poll is held at most (default 25000)`;

const { fail, parse, integer } = cli('pushbench serve');

async function main(): Promise<void> {
  const values = parse({
    port: { type: 'string' },
    host: { type: 'string' },
    token: { type: 'string' },
    'allow-origin': { type: 'string', multiple: true },
    'long-poll-timeout': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = integer(values.port, 'port', 0, 65535, 8080);
  const longPollTimeoutMs = integer(values['long-poll-timeout'], 'long-poll-timeout', 100, 600_000, 25_000);
  const host = values.host ?? '127.0.0.1';

  const givenToken = values.token;
  if (givenToken !== undefined && givenToken.length < 8) fail('--token must be at least 8 characters');
  const publishToken = givenToken ?? (isLoopbackHost(host) ? undefined : newToken());
  const allowedOrigins = values['allow-origin'];
  const server = new PushServer({ limits: { longPollTimeoutMs }, security: { publishToken, allowedOrigins } });
  try {
    await server.listen(port, host);
  } catch (error) {
    fail(`cannot listen on ${host}:${port}: ${(error as Error).message}`);
  }
  process.stdout.write(`pushbench server listening on ${server.url}\n`);
  process.stdout.write(`strategies: ${STRATEGY_NAMES.join(', ')}\n`);
  const auth = publishToken ? ` -H 'X-Pushbench-Token: ${publishToken}'` : '';
  if (publishToken) process.stdout.write(`publish token: ${publishToken}\n`);
  process.stdout.write(`try: curl -s -X POST ${server.url}${ROUTES.publish}${auth} -d '{"payload":"hello"}'\n`);
  process.stdout.write(`     curl -s '${server.url}${ROUTES.poll}?since=0'\n`);
  process.stdout.write(`press Ctrl-C to stop\n`);

  stopOnSignals('answering held polls, closing WebSockets (1001)', () => server.close());
}

void main();
