import { PushServer } from './app.js';
import { cli, stopOnSignals } from './cli-support.js';
import { DEFAULT_LIMITS } from './constants.js';
import { ROUTES } from './contract/wire.js';
import { SourceUnavailableError } from './log/message-log.js';
import { openRedisLog, type RedisLogService } from './log/redis/redis-log-service.js';
import { SERVED_STRATEGY_NAMES } from './registry.js';
import { hostName, isLoopbackHost, newToken, newUserSecret } from './trust/request-guard.js';

const USAGE = `usage: npm run serve -- [--port N] [--host ADDR] [--token T] [--allow-origin URL] [--long-poll-timeout MS]
                         [--user-secret S] [--allow-host NAME]
                         [--source memory|redis] [--redis-url URL]

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
  --allow-origin URL     an origin allowed to open WebSockets and to publish (repeatable; default: same origin only)
  --user-secret S        the secret user tokens are signed with (16+ characters): user= then needs
                         token=<base64url HMAC-SHA256 of the user id>; generated and printed when the host is
                         not loopback and none is given (docs/trust-model.md)
  --allow-host NAME      a name clients may address this server by in Host, besides 127.0.0.1, localhost,
                         [::1] and the bound address (repeatable); any other Host gets 421
  --long-poll-timeout MS how long a long poll is held at most (default 25000)
  --source memory|redis  where the message log lives (default memory: in this process). redis: a Redis Stream
                         that several serve processes share (same --redis-url); without --redis-url pushbench
                         starts its own redis-server (Debian package redis-server) and stops it on exit
  --redis-url URL        a running Redis, e.g. redis://127.0.0.1:6379 (implies --source redis)`;

const { fail, parse, integer } = cli('pushbench serve');

async function main(): Promise<void> {
  const values = parse({
    port: { type: 'string' },
    host: { type: 'string' },
    token: { type: 'string' },
    'allow-origin': { type: 'string', multiple: true },
    'user-secret': { type: 'string' },
    'allow-host': { type: 'string', multiple: true },
    'long-poll-timeout': { type: 'string' },
    source: { type: 'string' },
    'redis-url': { type: 'string' },
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
  const givenSecret = values['user-secret'];
  if (givenSecret !== undefined && givenSecret.length < 16) fail('--user-secret must be at least 16 characters');
  const userSecret = givenSecret ?? (isLoopbackHost(host) ? undefined : newUserSecret());
  const allowedHosts = values['allow-host'] ?? [];
  for (const name of allowedHosts) if (hostName(name) === undefined) fail(`--allow-host must be a host name or address (got "${name}")`);
  const redisUrl = values['redis-url'];
  const sourceName = values.source ?? (redisUrl === undefined ? 'memory' : 'redis');
  if (sourceName !== 'memory' && sourceName !== 'redis') fail(`--source must be memory or redis (got "${sourceName}")`);
  if (sourceName === 'memory' && redisUrl !== undefined) fail('--redis-url needs --source redis');
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) fail(`--redis-url must look like redis://HOST:PORT (got "${redisUrl}")`);
  let redis: RedisLogService | undefined;
  if (sourceName === 'redis') {
    try {
      redis = await openRedisLog({ url: redisUrl, ringSize: DEFAULT_LIMITS.ringSize });
    } catch (error) {
      if (error instanceof SourceUnavailableError) fail(error.message);
      throw error;
    }
  }
  const server = new PushServer({
    limits: { longPollTimeoutMs },
    security: { publishToken, allowedOrigins, userSecret, allowedHosts },
    source: redis?.source,
  });
  try {
    await server.listen(port, host);
  } catch (error) {
    await redis?.close();
    fail(`cannot listen on ${host}:${port}: ${(error as Error).message}`);
  }
  process.stdout.write(`pushbench server listening on ${server.url}\n`);
  process.stdout.write(`strategies: ${SERVED_STRATEGY_NAMES.join(', ')}\n`);
  if (redis) {
    const whose = redis.started ? 'started by pushbench, stopped on exit' : 'shared: start more serve processes with the same --redis-url';
    process.stdout.write(`message log: Redis Stream ${redis.source.keys.log} at ${redis.url} (${whose})\n`);
    watchRedis(redis);
  } else {
    process.stdout.write(`message log: in this process (the last ${DEFAULT_LIMITS.ringSize} messages)\n`);
  }
  const auth = publishToken ? ` -H 'X-Pushbench-Token: ${publishToken}'` : '';
  if (publishToken) process.stdout.write(`publish token: ${publishToken}\n`);
  if (userSecret) {
    if (givenSecret === undefined) process.stdout.write(`user secret: ${userSecret}\n`);
    process.stdout.write(`user ids need their token (user=U&token=T): POST ${ROUTES.userToken} {"user":"U"} issues one\n`);
  }
  process.stdout.write(`try: curl -s -X POST ${server.url}${ROUTES.publish}${auth} -H 'Content-Type: application/json' -d '{"payload":"hello"}'\n`);
  process.stdout.write(`     curl -s '${server.url}${ROUTES.poll}?since=0'\n`);
  process.stdout.write(`     curl -s --http2-prior-knowledge '${server.url}${ROUTES.poll}?since=0'   (HTTP/2 on the same port)\n`);
  process.stdout.write(`press Ctrl-C to stop\n`);

  stopOnSignals('answering held polls, closing WebSockets (1001)', async () => {
    await server.close();
    await redis?.close();
  });
}

/**
 * One line on stderr when Redis stops answering and one when it is back, however many publishes fail between
 * (each gets its 503); one line if the redis-server pushbench started dies, as it is not restarted: an empty
 * Redis would start the log under a new epoch, and a server that silently carried on would hide that.
 */
function watchRedis({ source, started, url }: RedisLogService): void {
  source.on('unavailable', (reason) => process.stderr.write(`pushbench serve: ${reason} (${url}); publishes get 503 until it answers again\n`));
  source.on('available', () => process.stderr.write(`pushbench serve: the message log in Redis answers again (${url})\n`));
  started?.onUnexpectedExit((how) =>
    process.stderr.write(
      `pushbench serve: the redis-server pushbench started on port ${started.port} exited (${how}); it is not restarted: ` +
        'publishes get 503 until pushbench serve is restarted\n',
    ),
  );
}

void main();
