import { PushServer } from '../app.js';
import { DEFAULT_LIMITS, type ServerLimits } from '../constants.js';
import type { MessageLog } from '../log/message-log.js';
import { startPhpLane, type PhpLane } from './php-lane.js';
import { Refusal } from '../http/errors.js';
import { OWN_STRATEGY_NAMES } from '../registry.js';
import { isLoopbackHost, isWildcardHost, newToken, newUserSecret } from '../trust/request-guard.js';
import { browserBundle } from './bundle.js';
import { captureHandshake } from './handshake.js';
import { lanAddress, qrSvg } from './lan.js';
import { DemoPages } from './pages.js';
import { FALLBACK_LANE, type DemoSettings } from '../contract/demo-protocol.js';
import { demoLanes } from './lanes.js';
import { mountDemoRoutes, type JoinInfo } from './routes.js';
import { SettingsStore } from './settings.js';
import { Ticker } from './ticker.js';

export interface DemoOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Address to bind; 127.0.0.1 by default, 0.0.0.0 to let the room join. */
  host?: string;
  /** The teacher token. Default: generated when the host is beyond loopback, none on loopback. */
  token?: string;
  /** The address students type or scan; by default the machine's LAN address when the host is a wildcard. */
  joinHost?: string;
  /**
   * The secret lanes' user tokens are signed with (POST /demo/api/join). Default: generated when the host is
   * beyond loopback, none on loopback (user ids are then unchecked claims, as everything on this machine is trusted).
   */
  userSecret?: string;
  /** Names the page may be addressed by in Host besides the loopback names, the bound address and the join host. */
  allowedHosts?: readonly string[];
  settings?: Partial<DemoSettings>;
  limits?: Partial<ServerLimits>;
  /**
   * The "PHP long polling" lane: nginx, PHP-FPM and redis-server from Debian's packages, started with the demo
   * (servers/demo/php-lane.ts); the demo's log then lives in Redis. Off by default: it needs those packages.
   */
  php?: boolean;
}

export interface Demo {
  /** Its log is in this process, or in Redis with the PHP lane. */
  server: PushServer<MessageLog>;
  settings: SettingsStore;
  pages: DemoPages;
  /** The page on this machine. */
  url: string;
  /** The page with the token in its fragment (never sent over the network): what the projector opens. */
  teacherUrl: string;
  /** The page for students, when the demo listens beyond loopback. */
  joinUrl: string | undefined;
  token: string | undefined;
  /** The PHP lane, when the demo runs one. */
  php: PhpLane | undefined;
  close(): Promise<void>;
}

/**
 * The classroom demo: one PushServer with every strategy, plus the page, a ticker and the settings the
 * teacher controls. Demo lanes get the network delay and the WebSocket block through the server's hooks, so
 * no strategy knows it is being demonstrated.
 */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? (isLoopbackHost(host) ? undefined : newToken());
  const userSecret = options.userSecret ?? (isLoopbackHost(host) ? undefined : newUserSecret());
  const joinHost = options.joinHost ?? (isWildcardHost(host) ? lanAddress() : isLoopbackHost(host) ? undefined : host);
  const allowedHosts = [...(options.allowedHosts ?? []), ...(joinHost === undefined ? [] : [joinHost])];
  const settings = new SettingsStore(options.settings);
  const script = await browserBundle();
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const php = options.php ? await startPhpLane({ workers: settings.get().phpWorkers, limits }) : undefined;

  // The hooks run only once requests arrive, after `pages` exists.
  const server: PushServer<MessageLog> = new PushServer<MessageLog>({
    // The reference peers (Socket.IO, the bare ws loop) are for the bench; the classroom shows pushbench's own.
    strategies: OWN_STRATEGY_NAMES,
    limits,
    ...(php && { source: php.source }),
    security: { publishToken: token, userSecret, allowedHosts },
    hooks: {
      networkDelayMs: ({ client }): number => (pages.laneOf(client) !== undefined ? settings.get().networkDelayMs : 0),
      checkUpgrade: ({ client }) => {
        if (pages.laneOf(client) === FALLBACK_LANE.name && settings.get().blockWebSocket) {
          throw new Refusal('upgradeBlocked', { by: 'the demo, as a proxy that does not know WebSocket would' });
        }
      },
    },
  });
  const lanes = demoLanes(server.strategies, php ? [php.facts] : []);
  const pages: DemoPages = new DemoPages(
    server.ledger,
    lanes.map((lane) => lane.name),
  );
  for (const strategy of server.strategies) {
    strategy.on('handshake', (req, lines) => {
      const client = new URL(req.url ?? '/', 'http://localhost').searchParams.get('client') ?? undefined;
      pages.recordHandshake(client, captureHandshake(req, lines));
    });
  }

  // A log in Redis answers a publish later, or refuses it when Redis is gone: the ticker's next tick tries again.
  const ticker = new Ticker((payload) => void Promise.resolve(server.source.publish(payload)).catch(() => {}));
  const followSettings = (s: DemoSettings) => {
    ticker.configure(s.tickerRate, s.paused);
    void php?.setWorkers(s.phpWorkers).catch(() => {});
  };
  settings.on('change', followSettings);
  followSettings(settings.get());
  const sweeper = setInterval(() => pages.sweep(), 5_000).unref();
  const join: JoinInfo = { url: undefined, qrSvg: undefined };
  php?.mount(server.extraRoutes, server);
  mountDemoRoutes(server.extraRoutes, { server, settings, pages, lanes, script, join, php });

  try {
    await server.listen(options.port ?? 0, host);
  } catch (error) {
    ticker.stop();
    clearInterval(sweeper);
    await server.close();
    await php?.close();
    throw error;
  }
  const { port } = new URL(server.url);
  const url = isWildcardHost(host) ? `http://127.0.0.1:${port}` : server.url;
  const joinUrl = joinHost === undefined ? undefined : `http://${joinHost}:${port}/?as=student`;
  if (joinUrl !== undefined) {
    join.qrSvg = await qrSvg(joinUrl);
    join.url = joinUrl;
  }

  return {
    server,
    settings,
    pages,
    url,
    teacherUrl: token === undefined ? `${url}/` : `${url}/#token=${encodeURIComponent(token)}`,
    joinUrl,
    token,
    php,
    close: async () => {
      ticker.stop();
      clearInterval(sweeper);
      await server.close();
      await php?.close();
    },
  };
}
