import { addTlsSplit, emptyTlsSplit, type ByteCounts, type TlsSplit } from '../servers/contract/byte-counts.js';
import type { HandshakeCounts } from './wire-counter.js';
import type { ClientEvents, ClientOptions } from './client.js';
import { LongPollingClient } from './long-polling.js';
import { WebSocketClient } from './websocket.js';

/**
 * The header by which a bench client asks the bench's server to refuse its WebSocket upgrade, standing in for a
 * corporate proxy that blocks upgrades. Only the bench's server process acts on it (bench/children/server-process.ts); the
 * refusal's bytes and round trip are counted at both ends as a proxy's would be at the client's.
 */
export const BLOCK_UPGRADE_HEADER = 'x-pushbench-block-upgrade';
/** What a proxy that blocks WebSocket answers the upgrade with; any other refusal is the server's, and retried. */
export const PROXY_REFUSAL_STATUS = 403;

const FORWARDED = ['request', 'response', 'empty', 'frame', 'gap', 'open', 'reconnect', 'error'] as const;

/**
 * Tries WebSocket; when the upgrade is refused as a proxy refuses it, carries on with long polling from the same
 * cursor, so it still receives every message exactly once, in order (claim C6). It stays on long polling, as the
 * demo's fallback lane does: a proxy that blocked the upgrade once blocks it again.
 */
export class WebSocketFallbackClient extends WebSocketClient {
  /** performance.now() of the first connection attempt, and of the moment the client could receive. */
  firstAttemptAt: number | undefined;
  readyAt: number | undefined;
  private fallback?: LongPollingClient;

  constructor(options: ClientOptions) {
    super(options.blockUpgrade ? { ...options, headers: { ...options.headers, [BLOCK_UPGRADE_HEADER]: '1' } } : options);
    this.on('open', () => (this.readyAt ??= performance.now()));
  }

  /** The transport the client ended up receiving on. */
  get transport(): 'websocket' | 'long-polling' {
    return this.fallback ? 'long-polling' : 'websocket';
  }

  protected override connect(): void {
    this.firstAttemptAt ??= performance.now();
    super.connect();
  }

  protected override refused(status: number): boolean {
    if (status !== PROXY_REFUSAL_STATUS || this.stopped) return false;
    // The refused upgrade was a request that failed; the client does not retry it, it falls back.
    this.emit('error', new Error(`WebSocket upgrade refused (${status}): falling back to long polling`));
    this.fallBack();
    return true;
  }

  private fallBack(): void {
    const { blockUpgrade: _, ...options } = this.options;
    const fallback = new LongPollingClient({ ...options, headers: this.pollHeaders(), since: this.cursor, firstPollDelayMs: 0 });
    this.fallback = fallback;
    fallback.once('request', () => (this.readyAt ??= performance.now()));
    for (const event of FORWARDED) fallback.on(event, (...args: unknown[]) => this.emit(event, ...(args as ClientEvents[typeof event])));
    fallback.on('message', (message, receivedAtMs) => {
      this.cursor = fallback.cursor;
      this.emit('message', message, receivedAtMs);
    });
    fallback.start();
  }

  /** The polls carry the client's own headers (its cookie), not the proxy's cue. */
  private pollHeaders(): Record<string, string> | undefined {
    if (!this.options.headers) return undefined;
    const { [BLOCK_UPGRADE_HEADER]: _, ...headers } = this.options.headers;
    return headers;
  }

  override get bytes(): ByteCounts {
    const own = super.bytes;
    const polled = this.fallback?.bytes ?? { clientToServer: 0, serverToClient: 0 };
    return { clientToServer: own.clientToServer + polled.clientToServer, serverToClient: own.serverToClient + polled.serverToClient };
  }

  override get tlsSplit(): TlsSplit | undefined {
    const own = super.tlsSplit;
    const polled = this.fallback?.tlsSplit;
    return own && (polled ? addTlsSplit(addTlsSplit(emptyTlsSplit(), own), polled) : own);
  }

  override get handshakes(): HandshakeCounts {
    const own = super.handshakes;
    const polled = this.fallback?.handshakes ?? { full: 0, resumed: 0 };
    return { full: own.full + polled.full, resumed: own.resumed + polled.resumed };
  }

  override get connectionsOpened(): number {
    return super.connectionsOpened + (this.fallback?.connectionsOpened ?? 0);
  }

  override dropConnection(): void {
    super.dropConnection();
    this.fallback?.dropConnection();
  }

  protected override async closeTransport(): Promise<void> {
    await Promise.all([super.closeTransport(), this.fallback?.stop()]);
  }
}
