import type { ServerLimits } from '../constants.js';
import { nowMs, type Message } from '../contract/message.js';
import { JSON_TYPE, NOSNIFF } from '../http/answers.js';
import { parseUserId, Refusal, refuse, type RefusalOwner } from '../http/errors.js';
import type { LeanExchange, LeanHandler } from '../http/exchange.js';
import { readJsonBodyInto, type BodyLimits, type BodyReceiver } from '../http/request-body.js';
import { SourceUnavailableError, type MessageLog } from '../log/message-log.js';
import { PayloadError } from '../log/payload.js';
import type { RequestGuard } from '../trust/request-guard.js';

/** What the publish route uses of the server it is mounted on (PushServer). */
export interface PublishHost {
  readonly source: MessageLog;
  readonly limits: ServerLimits;
  readonly guard: RequestGuard;
}

/** A publish request's body, checked: what the log is asked to store. */
export interface PublishRequest {
  payload: unknown;
  /** The one user the message is for; absent: everyone. */
  to: string | undefined;
  /** The publisher's time for the message (see MessageLog.publish); absent: the server's clock at publish. */
  at: number | undefined;
}

/**
 * `POST /api/publish` on the lean path (servers/http/dispatch.ts), for HTTP/1.1 and HTTP/2 alike: the steps its
 * express route took, in the same order, with the same refusals — no foreign Origin (403), the publish token (401),
 * a body that says it is JSON (415), the body read within its limits (servers/http/request-body.ts), its shape,
 * then the log — and `202 {"seq": n}` with the headers express sent (nosniff, type, length). It is control
 * traffic: `owner` is the server's control counter, whom every refusal is counted against.
 *
 * An application back end drives this route as hard as a load generator drives a poll: per request it makes one
 * small object and no closure, and it waits only where it must (the body, a shared log's broker).
 */
export function publishHandler(host: PublishHost, owner: RefusalOwner): LeanHandler {
  const { guard, limits } = host;
  const bodyLimits: BodyLimits = { maxBytes: limits.publishBodyBytes, timeoutMs: limits.bodyTimeoutMs };
  return (exchange) => {
    const { req } = exchange;
    guard.checkOrigin(req);
    guard.requirePublisher(req, 'publishing');
    guard.checkJsonBody(req);
    readJsonBodyInto(req, exchange.res, bodyLimits, new PublishCall(host, owner, exchange));
  };
}

/** One publish whose body is being read: it stores the message once the body is in, and answers. */
class PublishCall implements BodyReceiver {
  constructor(
    private readonly host: PublishHost,
    private readonly owner: RefusalOwner,
    private readonly exchange: LeanExchange,
  ) {}

  received(body: unknown): void {
    let published: Message | Promise<Message>;
    try {
      const { payload, to, at } = publishRequest(body, this.host.limits, nowMs());
      // Embedded, the message is stored before this line returns; a shared log answers once its broker has.
      published = this.host.source.publish(payload, to, at);
    } catch (error) {
      return this.refused(error);
    }
    if (!(published instanceof Promise)) return sendAccepted(this.exchange, published.seq);
    published.then(
      (message) => sendAccepted(this.exchange, message.seq),
      (error: unknown) => this.refused(error),
    );
  }

  refused(error: unknown): void {
    refuse(this.exchange, this.owner, logRefusal(error));
  }
}

/** What the log threw, as the refusal the publisher gets: its own sentence for a payload or a broker it cannot reach. */
function logRefusal(error: unknown): unknown {
  if (error instanceof PayloadError) return new Refusal('payloadRefused', { reason: error.message });
  if (error instanceof SourceUnavailableError) return new Refusal('sourceUnavailable', { reason: error.message });
  return error;
}

/**
 * The body of a publish, checked: a JSON object with a `payload`, an optional `to` (a user id) and an optional
 * `t` (the publisher's time for the message, within the limits around `serverNowMs`). Throws the Refusal of the
 * first thing wrong.
 */
export function publishRequest(
  body: unknown,
  limits: Pick<ServerLimits, 'userIdChars' | 'publishTimeBeforeMs' | 'publishTimeAfterMs'>,
  serverNowMs: number,
): PublishRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('payload' in body)) {
    throw new Refusal('publishBodyShape');
  }
  const { payload, to, t } = body as { payload: unknown; to?: unknown; t?: unknown };
  if (to !== undefined && typeof to !== 'string') throw new Refusal('recipientNotString');
  const userId = parseUserId(to, limits.userIdChars, '"to"');
  return { payload, to: userId, at: publishTime(t, limits, serverNowMs) };
}

function publishTime(
  value: unknown,
  limits: Pick<ServerLimits, 'publishTimeBeforeMs' | 'publishTimeAfterMs'>,
  serverNowMs: number,
): number | undefined {
  if (value === undefined) return undefined;
  const { publishTimeBeforeMs: beforeMs, publishTimeAfterMs: afterMs } = limits;
  if (typeof value !== 'number' || !(value >= serverNowMs - beforeMs && value <= serverNowMs + afterMs)) {
    throw new Refusal('badPublishTime', { beforeMs, afterMs });
  }
  return value;
}

/** 202 with the seq, the headers in the order express wrote them for this answer before. */
function sendAccepted(exchange: LeanExchange, seq: number): void {
  const { res } = exchange;
  if (res.writableEnded) return;
  const body = `{"seq":${seq}}`;
  res.writeHead(202, [NOSNIFF[0], NOSNIFF[1], 'Content-Type', JSON_TYPE, 'Content-Length', String(body.length)]);
  res.end(body);
  exchange.answered(body.length);
}
