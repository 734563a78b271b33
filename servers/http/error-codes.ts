import { SUBPROTOCOL, USER_TOKEN_PARAM } from '../contract/wire.js';

/**
 * Every way the server refuses a request, in one table: each code's HTTP status, its message (a function of the
 * code's data where the sentence names a limit or an input), and the headers that go with it. A refusal names
 * its code (`new Refusal('badCursor')`, servers/http/errors.ts); one function renders and counts it. The messages
 * are part of the public contract (docs/server.md shows some byte for byte): change one only on purpose.
 *
 * No message carries a stack trace or an internal detail; where the data is the client's own input it is cut
 * short or quoted.
 */
export interface ErrorCodeSpec {
  readonly status: number;
  readonly message: string | ((data: never) => string);
  readonly headers?: Readonly<Record<string, string>> | ((data: never) => Readonly<Record<string, string>>);
}

/** Come back in a second: a capacity limit that frees itself as clients leave. */
const RETRY_SOON = { 'Retry-After': '1' } as const;
/** Publishing and the teacher's settings take a bearer token (X-Pushbench-Token is its other spelling). */
const BEARER = { 'WWW-Authenticate': 'Bearer' } as const;

export const ERROR_CODES = {
  // The request as a whole, refused before any route (node:http's parser, the guard, the router).
  malformedRequest: { status: 400, message: 'malformed HTTP request' },
  requestTimeout: {
    status: 408,
    message: (d: { headersTimeoutMs: number; requestTimeoutMs: number }) =>
      `request not received in time (headers within ${d.headersTimeoutMs} ms, all of it within ${d.requestTimeoutMs} ms)`,
  },
  headersTooLarge: { status: 431, message: 'request headers over the limit' },
  chunkExtensionsTooLarge: { status: 413, message: 'chunk extensions over the limit' },
  hostNotAllowed: {
    status: 421,
    message: (d: { host: string }) => `this server does not answer to host ${JSON.stringify(d.host)}; start it with --allow-host to add a name`,
  },
  hostMismatch: { status: 400, message: 'the Host header and :authority name different hosts' },
  noRoute: { status: 404, message: (d: { method: string; path: string }) => `no route ${d.method} ${d.path}` },
  methodNotAllowed: {
    status: 405,
    message: (d: { path: string; method: string; allowed: string }) => `${d.path} takes ${d.allowed}, not ${d.method}`,
    headers: (d: { allowed: string }) => ({ Allow: d.allowed }),
  },
  upgradeRequired: {
    status: 426,
    message: (d: { path: string }) => `${d.path} needs a WebSocket upgrade`,
    // A connection-level header: dropped on an HTTP/2 answer, which has no upgrade.
    headers: { Upgrade: 'websocket' },
  },
  noWebSocketEndpoint: { status: 404, message: (d: { path: string }) => `no WebSocket endpoint at ${d.path}` },
  /** Something the server cannot blame on the request; never more detail than this. */
  internal: { status: 500, message: 'internal error' },
  /** A 4xx raised by a library (a body parser) without a code of ours. */
  badRequest: { status: 400, message: 'bad request' },

  // Query parameters of the strategies' routes and upgrades.
  badCursor: { status: 400, message: 'since must be a non-negative integer cursor (e.g. ?since=0)' },
  badUserId: {
    status: 400,
    message: (d: { field: string; maxChars: number }) => `${d.field} must be 1-${d.maxChars} characters of A-Z a-z 0-9 . _ ~ -`,
  },
  badIntegerParam: {
    status: 400,
    message: (d: { name: string; min: number; max: number }) => `${d.name} must be an integer from ${d.min} to ${d.max}`,
  },
  badSubprotocol: { status: 400, message: `unsupported subprotocol; offer ${SUBPROTOCOL} or none` },

  // Trust: tokens, origins, what a body says it is.
  userTokenMissing: { status: 401, message: `a user id needs its user token (${USER_TOKEN_PARAM}=…, issued by this server)` },
  publisherTokenMissing: {
    status: 401,
    message: (d: { what: string }) => `${d.what} needs the token (X-Pushbench-Token or Authorization: Bearer)`,
    headers: BEARER,
  },
  originNotAllowed: { status: 403, message: (d: { origin: string }) => `origin ${d.origin} is not allowed` },
  bodyNotDeclaredJson: { status: 415, message: 'the body must be sent as Content-Type: application/json' },
  /** The demo and the bench stand in for a proxy that blocks WebSocket; `by` says who and why. */
  upgradeBlocked: { status: 403, message: (d: { by: string }) => `WebSocket upgrade blocked by ${d.by}` },

  // Request bodies (servers/http/request-body.ts).
  bodyTooLarge: { status: 413, message: (d: { maxBytes: number }) => `body over the limit of ${d.maxBytes} bytes` },
  bodyTimeout: { status: 408, message: (d: { timeoutMs: number }) => `request body not received within ${d.timeoutMs} ms` },
  bodyCompressed: {
    status: 415,
    message: (d: { encoding: string }) => `body must not be compressed (Content-Encoding: ${d.encoding.slice(0, 32)})`,
  },
  bodyNotUtf8Json: { status: 415, message: 'body must be UTF-8 JSON' },
  bodyNotUtf8: { status: 400, message: 'body is not valid UTF-8' },
  bodyNotJson: { status: 400, message: 'body is not valid JSON' },
  bodyNumberOutOfRange: { status: 400, message: 'body has a number out of range (JSON numbers must be finite, e.g. not 1e309)' },
  requestAborted: { status: 400, message: 'request aborted' },

  // The API.
  publishBodyShape: { status: 400, message: 'body must be a JSON object with a "payload" field, e.g. {"payload":"hello"}' },
  recipientNotString: { status: 400, message: '"to" must be a user id string' },
  badPublishTime: {
    status: 400,
    message: (d: { beforeMs: number; afterMs: number }) =>
      `"t" must be a time in ms since 1970 (as Date.now() counts), at most ${d.beforeMs} ms before the server's clock and ${d.afterMs} ms after it`,
  },
  /** The message log's own sentence: a payload it cannot store (too deep, not JSON). */
  payloadRefused: { status: 400, message: (d: { reason: string }) => d.reason },
  /** The message log's own sentence: its broker does not answer. */
  sourceUnavailable: { status: 503, message: (d: { reason: string }) => d.reason, headers: RETRY_SOON },
  noUserSecret: { status: 404, message: 'this server has no user secret: user ids are not checked (start it with --user-secret)' },

  // Capacity of the strategies.
  tooManyHeldPolls: { status: 503, message: (d: { limit: number }) => `too many held long polls (limit ${d.limit})`, headers: RETRY_SOON },
  tooManyHeldPollsPerUser: {
    status: 503,
    message: (d: { limit: number }) => `too many held long polls for one user (limit ${d.limit})`,
    headers: RETRY_SOON,
  },
  /** HTTP/2 multiplexes requests on one connection: a session has a budget of its own (HTTP2_LIMITS). */
  tooManyOnHttp2Session: {
    status: 503,
    message: (d: { what: string; limit: number }) => `too many ${d.what} on one HTTP/2 connection (limit ${d.limit})`,
    headers: RETRY_SOON,
  },
  tooManyPushClients: {
    status: 503,
    message: (d: { clients: string; limit: number }) => `too many ${d.clients} (limit ${d.limit})`,
    headers: RETRY_SOON,
  },
  /** engine.io answered a Socket.IO request itself (its own body); counted here as what it was. */
  socketIoForbidden: { status: 403, message: (d: { reason: string }) => `Socket.IO refused the request: ${d.reason}` },
  socketIoBadRequest: { status: 400, message: (d: { reason: string }) => `Socket.IO refused the request: ${d.reason}` },

  // The classroom demo.
  demoPageId: { status: 400, message: 'page must be 8-24 characters of a-z 0-9' },
  demoTooManyPages: { status: 503, message: (d: { limit: number }) => `the demo has ${d.limit} pages open`, headers: { 'Retry-After': '5' } },
  demoNotOnLan: { status: 404, message: 'the demo is not on the local network (start it with --lan)' },
  demoTeacherOnly: { status: 401, message: 'changing settings needs the teacher token (X-Pushbench-Token)', headers: BEARER },
  demoNoUserSecret: { status: 404, message: 'the demo has no user secret: lanes need no user token' },
  demoNameTaken: { status: 409, message: (d: { user: string }) => `the name ${d.user} is taken; pick another` },
  demoNamesExhausted: { status: 503, message: (d: { limit: number }) => `the demo has handed out ${d.limit} names, its limit` },
  demoSettingsShape: { status: 400, message: 'body must be a JSON object of settings, e.g. {"tickerRate":1}' },
  demoUnknownSetting: { status: 400, message: (d: { field: string }) => `unknown setting "${d.field}"` },
  demoSettingNotBoolean: { status: 400, message: (d: { field: string }) => `"${d.field}" must be true or false` },
  demoSettingNotChoice: {
    status: 400,
    message: (d: { field: string; choices: readonly number[] }) => `"${d.field}" must be one of ${d.choices.join(', ')}`,
  },
} as const satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

type DataOf<F> = F extends (data: infer D) => unknown ? D : unknown;
type Spec<C extends ErrorCode> = (typeof ERROR_CODES)[C];

/** What a code's message and headers are made of; `unknown` for a code whose sentence is fixed. */
export type ErrorData<C extends ErrorCode> = DataOf<Spec<C>['message']> & (Spec<C> extends { headers: infer H } ? DataOf<H> : unknown);

/** The data argument of a code: none for a fixed sentence, required otherwise. */
export type ErrorDataArgs<C extends ErrorCode> = unknown extends ErrorData<C> ? [] : [data: ErrorData<C>];

export interface RenderedError {
  readonly status: number;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** A code's status, message and headers for its data. */
export function renderError<C extends ErrorCode>(code: C, ...args: ErrorDataArgs<C>): RenderedError {
  const spec: ErrorCodeSpec = ERROR_CODES[code];
  const data = args[0] as never;
  const message = typeof spec.message === 'string' ? spec.message : spec.message(data);
  const headers = spec.headers === undefined ? NO_HEADERS : typeof spec.headers === 'function' ? spec.headers(data) : spec.headers;
  return { status: spec.status, message, headers };
}
