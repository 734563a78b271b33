/**
 * One lane on the page: its title, live counters, the timeline and the last messages it received. The
 * request and message counters are counted here, from what this lane's client did; the byte counters come
 * from the server's socket accounting (GET /demo/api/state), never from an estimate.
 */
import type { ByteCounts } from '../../servers/contract/byte-counts.js';
import type { LaneFacts } from '../../servers/contract/demo-protocol.js';
import type { Message } from '../../servers/contract/message.js';
import { el, formatBytes, formatMs, nowMs } from './format.js';
import { laneSubtitle, messageText, t, translateStatic, userLabel } from './i18n.js';
import { FallbackLane, type LaneClient, type LaneRequest } from './lane-clients.js';
import { Timeline, type ConnectionMark, type RequestMark } from './timeline.js';

const COUNTERS = ['requests', 'empty', 'messages', 'bytesUp', 'bytesDown', 'bytesPerMessage', 'latency', 'p50'] as const;
/** The counters, and what the lane is doing now (a badge beside its title). */
type CounterName = (typeof COUNTERS)[number] | 'state';

/** Messages listed under the timeline. */
const RECEIVED_SHOWN = 4;
/** Latencies kept for the running median. */
const LATENCIES_KEPT = 2_000;

export interface LaneViewOptions {
  /** The facts of the lane's strategy: its title and colour. */
  lane: LaneFacts;
  client: LaneClient;
  networkDelayMs: () => number;
  pollIntervalMs: () => number;
  /** Server clock minus this page's clock, ms: a phone's latencies are measured on the server's clock. */
  clockOffsetMs: () => number;
  /** What the lane shows of its server beside its counters (the PHP lane's pool of workers). */
  extra?: HTMLElement;
}

export class LaneView {
  readonly element: HTMLElement;
  private readonly cells = new Map<CounterName, HTMLElement>();
  private readonly subtitle = el('p', { class: 'lane-sub' });
  private readonly received = el('ol', { class: 'received', 'aria-live': 'polite' });
  private readonly online = el('p', { class: 'online' });
  /** How long the WebSocket or event stream has been open ("12 s"), beside the lane's state above the diagram. */
  private readonly connectionLabel = el('span', { class: 'connection-label' });
  private openSince?: number;
  private readonly timeline: Timeline;
  private readonly marks = new Map<LaneRequest, RequestMark>();
  private connection?: ConnectionMark;
  private counts = { requests: 0, empty: 0, messages: 0 };
  private bytes: ByteCounts = { clientToServer: 0, serverToClient: 0 };
  private latencies: number[] = [];
  private lastLatency: number | undefined;
  private outstanding?: LaneRequest;
  private open = false;
  private onlineUsers: string[] = [];
  /** The messages listed under the timeline, so that a language switch can word them again (a tick). */
  private readonly listed = new Map<HTMLElement, Message>();
  /** How many are online, for a page that is not shown the names (a student's). */
  private onlineCount = 0;

  constructor(private readonly options: LaneViewOptions) {
    const { lane } = options;
    const title = el('h2', { class: 'lane-title', 'data-lane-title': lane.name });
    const counters = el('dl', { class: 'counters' });
    for (const name of COUNTERS) {
      const value = el('dd', { 'data-counter': name, 'data-value': '0' });
      const label = el('dt');
      label.dataset.i18n = `counter.${name}`;
      this.cells.set(name, value);
      counters.append(el('div', { class: `counter counter-${name}` }, label, value));
    }
    const state = el('span', { class: 'lane-state', 'data-counter': 'state', 'data-value': '' });
    this.cells.set('state', state);
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('class', 'timeline-svg');
    svg.setAttribute('role', 'img');
    const browser = el('span');
    browser.dataset.i18n = 'side.browser';
    const server = el('span');
    server.dataset.i18n = 'side.server';
    this.element = el(
      'section',
      { class: 'lane', 'data-lane': lane.name, 'data-claim': lane.claim },
      el('header', { class: 'lane-head' }, title, this.subtitle),
      // A box of its own, so the counters can lay themselves out by the lane's width (a container query).
      // What the lane shows of its server sits with its counters: the lanes' rows stay aligned (a subgrid).
      el('div', { class: 'counters-box' }, counters, ...(options.extra ? [options.extra] : [])),
      // What the lane is doing now sits between its two lifelines: asking, held, open (and for how long).
      el(
        'div',
        { class: 'timeline' },
        el('div', { class: 'sides' }, browser, el('span', { class: 'now' }, state, this.connectionLabel), server),
        el('div', { class: 'timeline-canvas' }, svg),
      ),
      this.received,
      this.online,
    );
    // Everything in the lane draws in its strategy's colour (style.css reads --lane).
    this.element.style.setProperty('--lane', lane.colour);
    this.timeline = new Timeline(svg, options.networkDelayMs, { held: (elapsed) => t('timeline.held', { elapsed }) });
    this.listen(options.client);
    this.refreshText();
  }

  private listen(client: LaneClient): void {
    client.on('request', (request) => {
      this.counts.requests++;
      this.outstanding = request;
      const label = request.kind === 'upgrade' ? () => t('timeline.upgrade') : undefined;
      this.marks.set(request, this.timeline.request(request.sentAt, label, request.kind === 'long-poll'));
      this.update();
    });
    client.on('answer', (request, messages, at) => {
      if (messages.length === 0) this.counts.empty++;
      const empty = request.kind === 'long-poll' ? () => t('timeline.timeout') : () => t('timeline.nothingNew');
      const news = () => messages.map(messageText).join(', ');
      this.marks.get(request)?.answer(at, messages.length > 0 ? 'news' : 'empty', messages.length > 0 ? news : empty);
      this.settle(request);
    });
    client.on('failed', (request, at) => {
      this.marks.get(request)?.answer(at, 'refused', () => t('timeline.refused'));
      this.settle(request);
    });
    client.on('open', (request, at) => {
      const label = request.kind === 'upgrade' ? () => t('timeline.switching') : () => t('timeline.stream');
      this.connection = this.marks.get(request)?.open(at, label);
      this.open = true;
      this.openSince = at;
      this.settle(request);
    });
    client.on('frame', (message, at) => this.connection?.frame(at, () => messageText(message)));
    client.on('closed', (_request, at) => {
      this.connection?.close(at);
      this.connection = undefined;
      this.open = false;
      this.openSince = undefined;
      this.update();
    });
    client.on('message', (message, at) => this.deliver(message, at));
    client.on('mode', () => this.refreshText());
  }

  private settle(request: LaneRequest): void {
    this.marks.delete(request);
    if (this.outstanding === request) this.outstanding = undefined;
    this.update();
  }

  private deliver(message: Message, at: number): void {
    this.counts.messages++;
    const latency = Math.max(0, at + this.options.clockOffsetMs() - message.t);
    this.lastLatency = latency;
    this.latencies.push(latency);
    if (this.latencies.length > LATENCIES_KEPT) this.latencies.shift();
    const item = el(
      'li',
      { 'data-seq': String(message.seq) },
      el('span', { class: 'seq' }, `#${message.seq}`),
      el('span', { class: 'text' }, messageText(message)),
      el('span', { class: 'lat' }, formatMs(latency)),
    );
    this.received.prepend(item);
    this.listed.set(item, message);
    while (this.received.children.length > RECEIVED_SHOWN) {
      const oldest = this.received.lastElementChild as HTMLElement;
      this.listed.delete(oldest);
      oldest.remove();
    }
    this.update();
  }

  /** Bytes of this lane as counted at the server's sockets. */
  setBytes(bytes: ByteCounts | undefined): void {
    if (bytes) this.bytes = bytes;
    this.update();
  }

  setOnline(users: readonly string[], count: number): void {
    this.onlineUsers = [...users];
    this.onlineCount = count;
    this.refreshText();
  }

  refreshText(): void {
    const { lane, client } = this.options;
    translateStatic(this.element);
    this.subtitle.textContent =
      client instanceof FallbackLane
        ? t(`fallback.sub.${client.mode}`)
        : laneSubtitle(lane.name, { interval: formatMs(this.options.pollIntervalMs()) });
    const online =
      this.onlineUsers.length > 0
        ? this.onlineUsers.map(userLabel).join(', ')
        : this.onlineCount > 0
          ? t('online.count', { count: this.onlineCount })
          : t('online.none');
    this.online.textContent = t('online.line', { label: t('online.label'), users: online });
    for (const [item, message] of this.listed) item.querySelector('.text')!.textContent = messageText(message);
    this.timeline.relabel();
    this.update();
  }

  render(now = nowMs()): void {
    this.timeline.render(now);
    const text = this.openSince === undefined ? '' : `${Math.floor((now - this.openSince) / 1_000)} s`;
    if (this.connectionLabel.textContent !== text) this.connectionLabel.textContent = text;
  }

  private update(): void {
    const { requests, empty, messages } = this.counts;
    const { clientToServer: up, serverToClient: down } = this.bytes;
    this.set('requests', requests, requests.toLocaleString('en-US'));
    this.set('empty', empty, empty.toLocaleString('en-US'));
    this.set('messages', messages, messages.toLocaleString('en-US'));
    this.set('bytesUp', up, formatBytes(up));
    this.set('bytesDown', down, formatBytes(down));
    const perMessage = messages > 0 ? Math.round((up + down) / messages) : undefined;
    this.set('bytesPerMessage', perMessage, perMessage === undefined ? '–' : formatBytes(perMessage));
    this.set('latency', this.lastLatency, this.lastLatency === undefined ? '–' : formatMs(this.lastLatency));
    const p50 = median(this.latencies);
    this.set('p50', p50, p50 === undefined ? '–' : formatMs(p50));
    const state = this.state();
    this.set('state', state, t(`state.${state}`));
  }

  private state(): 'idle' | 'asking' | 'held' | 'open' {
    if (this.open) return 'open';
    const kind = this.outstanding?.kind;
    if (kind === 'long-poll') return 'held';
    return kind === undefined ? 'idle' : 'asking';
  }

  private set(name: CounterName, value: number | string | undefined, text: string): void {
    const cell = this.cells.get(name)!;
    cell.dataset.value = value === undefined ? '' : String(value);
    if (cell.textContent !== text) cell.textContent = text;
  }

  destroy(): void {
    this.options.client.stop();
    this.timeline.clear();
    this.element.remove();
  }
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
