import http from 'node:http';
import { ROUTES } from '../../servers/contract/wire.js';
import { PUBLISH_CONCURRENCY, type PublishAttempt, type PublishChannel } from './open-loop.js';

/**
 * Where a server takes publishes over HTTP, as the process that started it says (bench/children/): the URL of its
 * publish endpoint, the method, and the headers every publish carries (the type, the publish token). The body is
 * the public contract's, `{"payload": …, "t": <planned time>}` (docs/server.md), whatever serves it.
 */
export interface PublishTarget {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  /**
   * The target stores a publish once per Idempotency-Key (PHP's publish.php does): an attempt whose fate is unknown
   * (no answer in time, a cut connection, a gateway's 502) may then be tried again without publishing twice.
   */
  idempotent?: boolean;
}

/** The publish endpoint of pushbench's own server at `serverUrl`: its API, with the publish token when it needs one. */
export function apiPublishTarget(serverUrl: string, publishToken: string | undefined): PublishTarget {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (publishToken !== undefined) headers.authorization = `Bearer ${publishToken}`;
  return { url: `${serverUrl}${ROUTES.publish}`, method: 'POST', headers };
}

/** Answers that say the message was not stored and a later try may succeed: the server's 503, a gateway's 504. */
const RETRYABLE_STATUSES = new Set([503, 504]);
/**
 * A gateway's 502: its upstream failed mid-request (a PHP worker killed as the pool reloads), so the message may
 * have been stored. Worth another try only where the key keeps it from being stored twice.
 */
const RETRYABLE_WITH_KEY_STATUSES = new Set([502]);

/**
 * Publishes through an HTTP API, as an application back end does: HTTP/1.1 keep-alive connections (as many as
 * publishes may be in flight, so that none queues in the agent), the target's headers on every request.
 */
export class HttpPublishChannel implements PublishChannel {
  readonly kind = 'http';
  readonly target: string;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: PUBLISH_CONCURRENCY });

  constructor(private readonly publishTarget: PublishTarget) {
    const { protocol } = new URL(publishTarget.url);
    if (protocol !== 'http:') throw new Error(`the HTTP publisher speaks http:, not ${protocol} (${publishTarget.url})`);
    this.target = `${publishTarget.method} ${publishTarget.url}`;
  }

  attempt(payload: unknown, scheduledAtMs: number, timeoutMs: number, key: string): Promise<PublishAttempt> {
    const { url, method, headers } = this.publishTarget;
    const body = JSON.stringify({ payload, t: scheduledAtMs });
    return new Promise<PublishAttempt>((resolve) => {
      const request = http.request(
        url,
        { method, agent: this.agent, headers: { ...headers, 'idempotency-key': key, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            clearTimeout(timer);
            resolve(answerOutcome(res.statusCode ?? 0, res.headers['retry-after'], Buffer.concat(chunks).toString('utf8'), this.idempotent));
          });
          res.on('error', () => {
            clearTimeout(timer);
            resolve({ cause: 'network', retryable: this.idempotent });
          });
        },
      );
      const timer = setTimeout(() => {
        request.destroy();
        // It may have been stored and not yet answered: another try could publish it twice, but for the key.
        resolve({ cause: 'timeout', retryable: this.idempotent });
      }, timeoutMs);
      request.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        // Refused, or reset on a kept-alive connection the server had closed as this request went out (node's
        // `reusedSocket`, the case its documentation retries): the server never read it, so a retry cannot publish twice.
        const unsent = error.code === 'ECONNREFUSED' || (error.code === 'ECONNRESET' && request.reusedSocket);
        resolve({ cause: 'network', retryable: unsent || this.idempotent });
      });
      request.end(body);
    });
  }

  private get idempotent(): boolean {
    return this.publishTarget.idempotent === true;
  }

  close(): Promise<void> {
    this.agent.destroy();
    return Promise.resolve();
  }
}

/**
 * An answer as an attempt's outcome: a 2xx carrying `{"seq": n}`, or its status as the cause. `idempotent`: the
 * target honours Idempotency-Key (PublishTarget.idempotent).
 */
export function answerOutcome(status: number, retryAfter: string | undefined, body: string, idempotent = false): PublishAttempt {
  if (status >= 200 && status < 300) {
    const seq = seqOf(body);
    return seq === undefined ? { cause: `${status} without a seq`, retryable: false } : { seq };
  }
  const retryAfterSec = retryAfter !== undefined && /^\d{1,6}$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined;
  return {
    cause: String(status),
    retryable: RETRYABLE_STATUSES.has(status) || (idempotent && RETRYABLE_WITH_KEY_STATUSES.has(status)),
    ...(retryAfterSec !== undefined && { retryAfterMs: retryAfterSec * 1000 }),
  };
}

function seqOf(body: string): number | undefined {
  try {
    const { seq } = JSON.parse(body) as { seq?: unknown };
    return typeof seq === 'number' && Number.isSafeInteger(seq) && seq > 0 ? seq : undefined;
  } catch {
    return undefined;
  }
}
