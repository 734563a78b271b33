import type { Client, Dispatcher } from 'undici';
import type { PollResponse } from '../servers/contract/message.js';
import { SimulatedClient, type ClientOptions } from './client.js';
import { flatHeaders, type ProfiledRequest } from './header-profile.js';
import { originClient } from './origin-client.js';

/** Largest poll answer a client accepts; the server's own limit keeps real answers far below it. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/**
 * The client never closes an idle keep-alive connection first, as a browser polling its origin would not within
 * a poll interval; the server's `Keep-Alive: timeout=…` hint, when it sends one, still applies.
 */
const IDLE_KEEP_ALIVE_MS = 600_000;

/**
 * What the two polling clients share: one keep-alive connection (as a browser keeps to its origin), a GET
 * that parses a poll answer, and recovery from failures. Subclasses only decide when to ask.
 *
 * The requests go through undici's `Client` (one connection, one request at a time) and its low-level
 * `dispatch`, not node:http: a short check on a shared machine put it near 60 µs of client CPU per empty poll
 * against node:http's 100 µs (an indication, not a measurement; docs/bench.md, "The load generator"), and that is what
 * lets a few client processes drive thousands of polls a second. Its connections are opened by the WireCounter,
 * so every byte is still counted at the socket.
 */
/** How long a stopping client waits for the answer to a poll it has sent that the server answers at once. */
const STOP_ANSWER_GRACE_MS = 2_000;

export abstract class PollingClient extends SimulatedClient {
  private http: Client;
  /** The poll in flight, by identity: an answer or error of an earlier one is ignored. */
  private inFlight?: object;
  /** Whether the poll in flight is answered at once (a short poll) rather than held until news. */
  private inFlightAnsweredAtOnce = false;
  /** Told when the poll in flight is answered or has failed. */
  private readonly onSettled: (() => void)[] = [];
  /** Which of a browser's requests a poll of this client is (its header profile's entry). */
  protected abstract readonly profiledAs: ProfiledRequest;
  /** Every poll's headers: the same on every request, so made once (undici writes Host and Connection itself). */
  private headers?: string[] | Record<string, string>;

  constructor(options: ClientOptions) {
    super(options);
    this.http = this.origin();
  }

  private get requestHeaders(): string[] | Record<string, string> | undefined {
    if (this.headers === undefined) {
      const lines = this.profiledHeaders(this.profiledAs);
      this.headers = lines ? flatHeaders(lines) : this.options.headers;
    }
    return this.headers;
  }

  private origin(): Client {
    return originClient(this.options.baseUrl, this.wire, this.options.httpVersion, {
      pipelining: 1,
      maxResponseSize: MAX_RESPONSE_BYTES,
      keepAliveTimeout: IDLE_KEEP_ALIVE_MS,
      keepAliveMaxTimeout: IDLE_KEEP_ALIVE_MS,
    });
  }

  protected get busy(): boolean {
    return this.inFlight !== undefined;
  }

  /**
   * GETs `path` from the cursor; calls `done` after a successful answer was delivered. The answer must come within
   * the connect timeout plus `holdMs` (what the server may hold it), or the poll is given up.
   */
  protected poll(path: string, params: Record<string, string | number | undefined>, done: () => void, holdMs = 0): void {
    if (this.stopped || this.inFlight) return;
    const request = {};
    this.inFlight = request;
    this.inFlightAnsweredAtOnce = holdMs === 0;
    const fail = (error: Error) => {
      if (this.inFlight !== request) return;
      disarm();
      this.settle();
      this.retryLater(error, () => this.poll(path, params, done, holdMs));
    };
    // A poll with no answer in time is given up with its connection (connecting, or connected to a server that
    // does not answer): the retry goes out on a new one rather than queueing behind it.
    const disarm = this.attemptDeadline((error) => {
      fail(error);
      this.abandonConnection();
    }, holdMs);
    const answered = (statusCode: number, text: string) => {
      if (this.inFlight !== request) return;
      disarm();
      if (!this.keepAlive) this.retireConnection();
      if (statusCode !== 200) return fail(new Error(`HTTP ${statusCode}: ${text.slice(0, 200)}`));
      let body: PollResponse;
      try {
        body = JSON.parse(text) as PollResponse;
      } catch {
        return fail(new Error('poll answer is not JSON'));
      }
      this.settle();
      this.reportOpen();
      if (body.gap) this.reportGap(body.gap);
      this.deliver(body.messages, body.cursor, 'response');
      done();
    };
    // Counted when undici puts the request on the connection, not when it is queued: a client stopped in between
    // sent nothing, and the server (and a capture) must see exactly as many requests as the client reports.
    this.http.dispatch(
      {
        method: 'GET',
        path: this.target(path, { since: this.cursor, ...params }),
        headers: this.requestHeaders,
        // undici's `reset` sends `Connection: close`: the server closes the connection after its answer.
        ...(!this.keepAlive && { reset: true }),
      },
      answerCollector(answered, fail, () => this.emit('request')),
    );
  }

  private get keepAlive(): boolean {
    return this.options.keepAlive !== false;
  }

  /**
   * Without keep-alive: the answered poll's connection is closed (over HTTP/1.1 the server closes it after its
   * answer; an HTTP/2 session is closed with GOAWAY) and the next poll opens a new one.
   */
  private retireConnection(): void {
    const retired = this.http;
    if (!this.stopped) this.http = this.origin();
    retired.close().catch(() => {});
  }

  /** Destroys the connection (and whatever is queued on it); the next poll opens a new one. */
  private abandonConnection(): void {
    const abandoned = this.http;
    if (!this.stopped) this.http = this.origin();
    abandoned.destroy().catch(() => {});
  }

  private settle(): void {
    this.inFlight = undefined;
    for (const told of this.onSettled.splice(0)) told();
  }

  protected async closeTransport(): Promise<void> {
    // A poll the server answers at once is given a moment for its answer, so that what the server wrote is read and
    // counted at both ends; a held poll is not waited for (its server writes nothing until news).
    if (this.inFlight && this.inFlightAnsweredAtOnce) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, STOP_ANSWER_GRACE_MS);
        this.onSettled.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.settle();
    await this.wire.closeSecure(this.tlsCloseTimeoutMs);
    await this.http.destroy();
  }
}

/** undici's low-level handler: collects one answer's body, then hands over the status and the text. */
function answerCollector(
  answered: (statusCode: number, text: string) => void,
  fail: (error: Error) => void,
  sent: () => void,
): Dispatcher.DispatchHandler {
  let statusCode = 0;
  let chunks: Buffer[] = [];
  return {
    // Called again if undici sends the request again on a new connection: start over (and count it: it is sent).
    onRequestStart: () => {
      chunks = [];
      sent();
    },
    onResponseStart: (_controller, status) => {
      statusCode = status;
    },
    onResponseData: (_controller, chunk) => {
      chunks.push(chunk);
    },
    onResponseEnd: () => answered(statusCode, Buffer.concat(chunks).toString('utf8')),
    onResponseError: (_controller, error) => fail(error),
  };
}
