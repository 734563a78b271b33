import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Request, Response } from 'express';
import type { ServerLimits } from './constants.js';
import type { BareHandler } from './http/bare-routes.js';
import type { LeanHandler, LeanRouteKind } from './http/exchange.js';
import type { MessageLog } from './log/message-log.js';
import type { StrategyInfo } from './contract/strategies.js';

/**
 * The server-side event vocabulary. A strategy only turns its I/O into these; statistics, presence and byte
 * attribution listen to them (or are done by the app around the strategy's routes), never inside it.
 */
export interface StrategyEvents {
  /** An HTTP request or WebSocket handshake arrived. */
  request: [userId: string | undefined];
  /**
   * An HTTP answer went out with this many messages (0 = "nothing new"), and a body of `bodyBytes` when the strategy
   * knows it (pushbench's own polls do): what of the answer is not its status line and headers.
   */
  response: [messageCount: number, bodyBytes?: number];
  /** Pushed messages went out (a frame or an event each), this many at once: a broadcast's recipients, a replay. */
  push: [messageCount: number];
  /** A request was refused (bad input, over a limit). */
  failed: [status: number];
  /** A client is now attached: a held poll or an open WebSocket. */
  attach: [userId: string | undefined];
  detach: [userId: string | undefined];
  /** A client that stopped reading was cut off at the send-buffer limit. */
  cut: [];
  /** An upgrade was accepted: the request as received and the status and header lines answered (without CRLFs). */
  handshake: [req: IncomingMessage, responseLines: readonly string[]];
}

export type RouteHandler = (req: Request, res: Response) => void;
export type RouteMethod = 'GET' | 'POST';
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => void;

/** What the app lends a strategy to mount itself: routes and upgrades are wrapped so bytes and errors are handled once. */
export interface StrategyContext {
  source: MessageLog;
  limits: ServerLimits;
  /**
   * Serves GET on exactly `path` on node:http itself, before express (servers/http/dispatch.ts): pushbench's own
   * hot routes. `kind` says whether the answer is bounded (a poll) or a stream that holds its connection. A
   * thrown Refusal (servers/http/errors.ts) becomes its JSON error answer.
   */
  leanGet: (path: string, kind: LeanRouteKind, handler: LeanHandler) => void;
  /**
   * Serves GET on exactly `path` with node's own request and response (HTTP/1.1's, or HTTP/2's compatibility pair),
   * before the connection rules, the guard and the per-answer attribution of every other route: for the reference
   * bare loops, which show what node:http itself costs (servers/http/bare-routes.ts). The bytes of a connection
   * that asked it are credited to the strategy as a whole; a thrown Refusal becomes its JSON error answer.
   */
  bareGet: (path: string, handler: BareHandler) => void;
  /** Mounts an express route; a thrown Refusal becomes its JSON error answer. Several methods may share a path. */
  route: (method: RouteMethod, path: string, handler: RouteHandler) => void;
  /** `route('GET', …)`. */
  get: (path: string, handler: RouteHandler) => void;
  /** Handles WebSocket upgrades on `path`; a thrown Refusal becomes its HTTP error answer on the raw socket. */
  upgrade: (path: string, handler: UpgradeHandler) => void;
  /**
   * Checks a user id claimed outside the URL (Socket.IO's handshake `auth`) with its token: throws the Refusal
   * `userTokenMissing` (401) when the server has a user secret and the token is not that user's. A `user=` in the
   * URL has been checked before the strategy sees the request.
   */
  checkUser: (user: unknown, token: unknown) => void;
}

export abstract class ServerStrategy extends EventEmitter<StrategyEvents> {
  abstract readonly info: StrategyInfo;
  abstract mount(context: StrategyContext): void;
  /** Graceful stop: answers held requests and closes connections (WebSocket with 1001). */
  abstract close(): Promise<void>;
  /** Bytes queued in user space for this strategy's clients, not yet handed to the kernel. */
  bufferedBytes(): number {
    return 0;
  }
}

export interface ServerStrategyClass {
  readonly info: StrategyInfo;
  new (): ServerStrategy;
}

/**
 * A strategy served by another process than ours (its facts say `servedBy`): the bench starts what serves it
 * (servers/stack/), our server never mounts it. It has facts and a client half, no server half in Node.
 */
export interface StackStrategy {
  readonly info: StrategyInfo & { servedBy: NonNullable<StrategyInfo['servedBy']> };
}

/** Either half a registry line names: a server half of ours, or a strategy another process serves. */
export type StrategyHalf = ServerStrategyClass | StackStrategy;

export function isServedByNode(half: StrategyHalf): half is ServerStrategyClass {
  return half.info.servedBy === undefined;
}
