import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { TOKEN_HEADER, USER_TOKEN_PARAM } from '../contract/wire.js';
import { Refusal } from '../http/errors.js';
import { userToken, userTokenIssuer, userTokenMatches } from './user-token.js';

export interface SecurityOptions {
  /**
   * Origins allowed to open a WebSocket or to change state (e.g. "http://192.168.1.20:8080"). Unset: same origin
   * only — the Origin's host must be the Host the request was sent to. Requests without an Origin (not from a
   * browser) pass.
   */
  allowedOrigins?: readonly string[];
  /** When set, publishing needs this token. The serve command sets one whenever it listens beyond loopback. */
  publishToken?: string;
  /**
   * When set, a request that names a user (`user=`, Socket.IO's `auth.user`) must carry that user's token
   * (servers/trust/user-token.ts): user ids stop being unchecked claims. Set with --user-secret, generated beyond loopback.
   */
  userSecret?: string;
  /** Host names a request may be addressed to besides this machine's loopback names and the bound address (--allow-host). */
  allowedHosts?: readonly string[];
}

/** What the checks of a request's headers read of it: node:http's request, HTTP/2's, or the lean path's view of either. */
export type RequestHeaders = Pick<IncomingMessage, 'headers'>;

/** The names every server answers to: a browser only sends these in Host when it really means this machine. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

export function newToken(): string {
  return randomBytes(18).toString('base64url');
}

/** A user secret for the HMAC of user tokens: 32 random bytes, as long as the hash. */
export function newUserSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * A host name as it appears in `Host` (lower case, IPv6 in brackets, no port), or undefined when `value` is
 * not one: what --allow-host accepts, with or without a port.
 */
export function hostName(value: string): string | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)(?::\d{1,5})?$/i.exec(value);
  return match?.[1]!.toLowerCase();
}

export function originAllowed(req: RequestHeaders, allowedOrigins: readonly string[] | undefined): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowedOrigins) return allowedOrigins.includes(origin);
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** The token a request carries, from X-Pushbench-Token or `Authorization: Bearer` (any case: RFC 7235 §2.1). */
export function tokenOf(req: RequestHeaders): string | undefined {
  const header = req.headers[TOKEN_HEADER];
  if (typeof header === 'string') return header;
  const match = /^bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** Compares in constant time: hashing first makes the lengths equal, so the length leaks nothing either. */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Every check of the trust model (docs/trust-model.md), in one place, for the app to call wherever a request
 * enters: `admit` before any route or upgrade is chosen, the others on the routes that change state.
 */
export class RequestGuard {
  /** Host header values accepted as they are: each name alone and with the bound port (one Set lookup). */
  private readonly exactHosts = new Set<string>();
  /** The names, whatever the port (a client may come through a proxy on a port of its own). */
  private readonly names = new Set<string>();

  constructor(readonly options: SecurityOptions) {
    for (const name of [...LOOPBACK_NAMES, ...(options.allowedHosts ?? [])]) this.allowName(name);
  }

  get userTokensRequired(): boolean {
    return this.options.userSecret !== undefined;
  }

  /** A public name of the user secret (see userTokenIssuer), when there is one. */
  get userTokenIssuer(): string | undefined {
    const secret = this.options.userSecret;
    return secret === undefined ? undefined : userTokenIssuer(secret);
  }

  /** Learns the bound address once the server listens: its port, and its name (every interface's for a wildcard). */
  bound(address: AddressInfo): void {
    const names = isWildcardHost(address.address) ? interfaceAddresses() : [address.address];
    for (const name of names) this.allowName(name.includes(':') ? `[${name}]` : name);
    for (const name of this.names) this.exactHosts.add(`${name}:${address.port}`);
  }

  /**
   * What every HTTP request and upgrade passes before anything else: a Host (over HTTP/2, an :authority) this
   * server is bound to (421 otherwise: a DNS-rebinding page names its own host), and, with a user secret, a valid token for every
   * `user=` in its URL (401).
   */
  admit(req: IncomingMessage): void {
    // An HTTP/2 request names its host in :authority, which wins over a Host header beside it (RFC 9113 §8.3.1).
    const authority = req.headers[':authority'] as string | undefined;
    const host = authority ?? req.headers.host;
    if (!this.hostAllowed(host)) {
      throw new Refusal('hostNotAllowed', { host: host ?? '' });
    }
    // "A server SHOULD treat a request as malformed if it contains a Host header field that identifies an entity
    // that differs from the entity in the :authority pseudo-header field."
    if (authority !== undefined && req.headers.host !== undefined && req.headers.host !== authority) throw new Refusal('hostMismatch');
    if (this.options.userSecret === undefined) return;
    const url = req.url ?? '';
    const query = url.indexOf('?');
    if (query < 0) return;
    const params = new URLSearchParams(url.slice(query + 1));
    const users = params.getAll('user');
    if (users.length === 0) return;
    const tokens = params.getAll(USER_TOKEN_PARAM);
    for (const user of users) this.checkUserClaim(user, tokens.length === 1 ? tokens[0] : undefined);
  }

  hostAllowed(host: string | undefined): boolean {
    if (host === undefined) return false;
    if (this.exactHosts.has(host)) return true;
    const name = hostName(host);
    return name !== undefined && this.names.has(name);
  }

  /** With a user secret, a user id must come with its token; without one, user ids are unchecked claims. */
  checkUserClaim(user: unknown, token: unknown): void {
    const secret = this.options.userSecret;
    if (secret === undefined || user === undefined) return;
    if (typeof user !== 'string' || typeof token !== 'string' || !userTokenMatches(secret, user, token)) {
      throw new Refusal('userTokenMissing');
    }
  }

  /** The token of `userId`, when this server has a user secret. */
  userToken(userId: string): string | undefined {
    const secret = this.options.userSecret;
    return secret === undefined ? undefined : userToken(secret, userId);
  }

  /** Whether the request may publish: it carries the publish token, or none is configured. */
  isPublisher(req: RequestHeaders): boolean {
    const token = this.options.publishToken;
    return token === undefined || tokenMatches(tokenOf(req), token);
  }

  requirePublisher(req: RequestHeaders, what: string): void {
    if (!this.isPublisher(req)) {
      throw new Refusal('publisherTokenMissing', { what });
    }
  }

  /**
   * A route that changes state refuses a foreign Origin (403): a page elsewhere could otherwise make the
   * teacher's browser publish, loopback or not. Requests without an Origin (not from a browser) pass.
   */
  checkOrigin(req: RequestHeaders): void {
    if (!originAllowed(req, this.options.allowedOrigins)) {
      throw new Refusal('originNotAllowed', { origin: req.headers.origin ?? '' });
    }
  }

  /**
   * A JSON body must say so (415 otherwise): a form or text/plain POST is one a page elsewhere may send without
   * asking, application/json makes the browser ask first (a CORS preflight, which this server never grants).
   */
  checkJsonBody(req: RequestHeaders): void {
    const type = req.headers['content-type'];
    if ((type ?? '').split(';', 1)[0].trim().toLowerCase() !== 'application/json') {
      throw new Refusal('bodyNotDeclaredJson');
    }
  }

  private allowName(name: string): void {
    const normal = hostName(name);
    if (normal === undefined) throw new Error(`not a host name: ${name}`);
    this.names.add(normal);
    this.exactHosts.add(normal);
  }
}

/** Every address of this machine's interfaces: what a client on the network may put in Host for a wildcard bind. */
function interfaceAddresses(): string[] {
  const out: string[] = [];
  for (const addresses of Object.values(networkInterfaces())) {
    for (const { address } of addresses ?? []) if (!address.includes('%')) out.push(address);
  }
  return out;
}
