/**
 * A sequence diagram that draws itself as the lane works: the browser's line on the left, the server's on
 * the right, time running down with "now" at the bottom. Requests and answers are arrows; an answer with
 * nothing in it is grey, dashed and says so; a held long poll is a bar on the server's line that grows until
 * it is answered; an open WebSocket or event stream is a band between the lines with frames crossing it.
 */
import { formatMs } from './format.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** How much time the diagram shows, top to bottom. */
const WINDOW_MS = 10_000;
/**
 * Shortest time an arrow takes to cross. On localhost a round trip takes a millisecond, which would draw
 * request and answer on top of each other; arrows this short stay visible and still animate in order.
 */
const MIN_TRANSIT_MS = 400;
const SIDE_MARGIN = 46;
const BOTTOM_MARGIN = 14;
/** Labels closer than this (px) to the previous one are left out rather than drawn over it. */
const LABEL_GAP_PX = 26;
/** A held span shorter than this (px) has no room for its label. */
const SPAN_LABEL_MIN_PX = 26;

export type AnswerKind = 'news' | 'empty' | 'refused';

interface Layout {
  width: number;
  xClient: number;
  xServer: number;
  y: (t: number) => number;
  now: number;
}

/** Where along its arrow a label sits, measured from the browser's side: labels close in time take turns. */
const LABEL_SLOTS = [0.5, 0.78, 0.22] as const;

interface PlacedLabel {
  text: () => string;
  along: number;
}

/** Shapes below, words above: a later arrow never crosses out an earlier label. */
interface Layers {
  shapes: SVGGElement;
  labels: SVGGElement;
}

interface Item {
  /** Last moment the item covers; Infinity while it is still growing. */
  end(): number;
  draw(layout: Layout): void;
  relabel(): void;
  remove(): void;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, className: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  element.setAttribute('class', className);
  return element;
}

class Arrow implements Item {
  private readonly group = svg('g', 'arrow');
  private readonly labelGroup = svg('g', 'arrow');
  private readonly line = svg('line', 'arrow-line');
  private readonly head = svg('polygon', 'arrow-head');
  /** A card under the label, so crossing lines never cut through the words. */
  private readonly card = svg('rect', 'arrow-label-card');
  private readonly text = svg('text', 'arrow-label');
  /** The label's box relative to its anchor point, measured once (measuring every frame would force layout). */
  private box?: { dx: number; dy: number; width: number; height: number };

  constructor(
    layers: Layers,
    className: string,
    private readonly from: { side: 'client' | 'server'; t: number },
    private readonly to: { t: number },
    private readonly label: PlacedLabel | undefined,
  ) {
    this.group.classList.add(...className.split(' '));
    this.labelGroup.classList.add(...className.split(' '));
    this.group.append(this.line, this.head);
    this.labelGroup.append(this.card, this.text);
    layers.shapes.append(this.group);
    layers.labels.append(this.labelGroup);
    this.relabel();
  }

  end(): number {
    return this.to.t;
  }

  relabel(): void {
    this.text.textContent = this.label?.text() ?? '';
    this.box = undefined;
  }

  draw({ width, xClient, xServer, y, now }: Layout): void {
    const x1 = this.from.side === 'client' ? xClient : xServer;
    const x2 = this.from.side === 'client' ? xServer : xClient;
    const progress = Math.min(1, Math.max(0, (now - this.from.t) / Math.max(1, this.to.t - this.from.t)));
    this.group.style.display = progress <= 0 ? 'none' : '';
    const [y1, yEnd] = [y(this.from.t), y(this.to.t)];
    const x = x1 + (x2 - x1) * progress;
    const yy = y1 + (yEnd - y1) * progress;
    this.line.setAttribute('x1', `${x1}`);
    this.line.setAttribute('y1', `${y1}`);
    this.line.setAttribute('x2', `${x}`);
    this.line.setAttribute('y2', `${yy}`);
    const angle = Math.atan2(yy - y1, x - x1);
    const point = (length: number, turn: number) =>
      `${x - length * Math.cos(angle + turn)},${yy - length * Math.sin(angle + turn)}`;
    this.head.setAttribute('points', `${x},${yy} ${point(14, 0.45)} ${point(14, -0.45)}`);
    // The label appears once the arrow has arrived: that is when the browser knows what it says.
    const labelled = progress >= 1 && this.text.textContent !== '';
    this.text.style.display = this.card.style.display = labelled ? '' : 'none';
    if (!labelled || !this.label) return;
    const along = this.from.side === 'client' ? this.label.along : 1 - this.label.along;
    let [lx, ly] = [x1 + along * (x2 - x1), y1 + along * (yEnd - y1)];
    if (!this.box) {
      this.text.setAttribute('x', `${lx}`);
      this.text.setAttribute('y', `${ly}`);
      const measured = this.text.getBBox();
      this.box = { dx: measured.x - lx, dy: measured.y - ly, width: measured.width, height: measured.height };
    }
    // A long label near a line stays inside the lane instead of running off its edge.
    lx = Math.min(Math.max(lx, this.box.width / 2 + 6), width - this.box.width / 2 - 6);
    this.text.setAttribute('x', `${lx}`);
    this.text.setAttribute('y', `${ly}`);
    this.card.setAttribute('x', `${lx + this.box.dx - 5}`);
    this.card.setAttribute('y', `${ly + this.box.dy - 1}`);
    this.card.setAttribute('width', `${this.box.width + 10}`);
    this.card.setAttribute('height', `${this.box.height + 2}`);
  }

  remove(): void {
    this.group.remove();
    this.labelGroup.remove();
  }
}

/** A span of time on one line or between the lines: a held request, an open connection. */
class Span implements Item {
  private readonly rect = svg('rect', 'span');
  private readonly text = svg('text', 'span-label');
  endAt = Number.POSITIVE_INFINITY;

  constructor(
    layers: Layers,
    className: string,
    private readonly startAt: number,
    private readonly where: 'server' | 'between',
    private readonly label: (elapsedMs: number) => string = () => '',
  ) {
    this.rect.classList.add(className);
    this.text.classList.add(className);
    layers.shapes.prepend(this.rect);
    layers.labels.prepend(this.text);
  }

  end(): number {
    return this.endAt;
  }

  relabel(): void {}

  draw({ xClient, xServer, y, now }: Layout): void {
    const until = Math.min(now, this.endAt);
    const visible = now >= this.startAt;
    this.rect.style.display = this.text.style.display = visible ? '' : 'none';
    const [top, bottom] = [y(this.startAt), y(until)];
    const [x, width] = this.where === 'server' ? [xServer - 9, 18] : [xClient, xServer - xClient];
    this.rect.setAttribute('x', `${x}`);
    this.rect.setAttribute('width', `${width}`);
    this.rect.setAttribute('y', `${top}`);
    this.rect.setAttribute('height', `${Math.max(0, bottom - top)}`);
    const server = this.where === 'server';
    // A held request's label sits beside the middle of its bar. An open connection is labelled above the
    // diagram (LaneView), where it never meets the frames crossing it.
    this.text.textContent = server && bottom - top >= SPAN_LABEL_MIN_PX ? this.label(until - this.startAt) : '';
    this.text.setAttribute('x', `${xServer - 16}`);
    this.text.setAttribute('y', `${(top + bottom) / 2}`);
  }

  remove(): void {
    this.rect.remove();
    this.text.remove();
  }
}

export interface Labels {
  held: (elapsed: string) => string;
}

/** A request drawn in flight; answer it, or open it into a connection. */
export interface RequestMark {
  answer(atMs: number, kind: AnswerKind, label: () => string): void;
  open(atMs: number, label: () => string): ConnectionMark;
}

export interface ConnectionMark {
  frame(atMs: number, label: () => string): void;
  close(atMs: number): void;
}

export class Timeline {
  private readonly layer: Layers = { shapes: svg('g', 'shapes'), labels: svg('g', 'labels') };
  private readonly lifelines = [svg('line', 'lifeline'), svg('line', 'lifeline')] as const;
  private items: Item[] = [];
  private width = 400;
  private height = 400;
  private lastLabel = { at: Number.NEGATIVE_INFINITY, slot: 0 };

  constructor(
    private readonly element: SVGSVGElement,
    /** The simulated one-way network delay, ms: arrows take at least this long to cross. */
    private readonly networkDelayMs: () => number,
    private readonly labels: Labels,
  ) {
    element.append(...this.lifelines, this.layer.shapes, this.layer.labels);
    new ResizeObserver(() => this.measure()).observe(element);
    this.measure();
  }

  /** A request leaves the browser now; `holds` draws the wait at the server until it is answered. */
  request(sentAt: number, label?: () => string, holds = false): RequestMark {
    const arrivesAt = sentAt + this.transitMs();
    const placed = label && this.placeLabel(sentAt, 'news', label);
    this.add(new Arrow(this.layer, 'request', { side: 'client', t: sentAt }, { t: arrivesAt }, placed));
    const hold = holds ? this.add(new Span(this.layer, 'held', arrivesAt, 'server', (ms) => this.labels.held(formatMs(ms)))) : undefined;
    return {
      answer: (atMs, kind, answerLabel) => {
        const leavesAt = this.serverSendTime(atMs, arrivesAt);
        if (hold) hold.endAt = leavesAt;
        this.answerArrow(leavesAt, `answer ${kind}`, this.placeLabel(leavesAt, kind, answerLabel));
      },
      open: (atMs, openLabel) => {
        const leavesAt = this.serverSendTime(atMs, arrivesAt);
        this.answerArrow(leavesAt, 'answer open', this.placeLabel(leavesAt, 'news', openLabel));
        const band = this.add(new Span(this.layer, 'connection', leavesAt, 'between'));
        let lastFrameAt = leavesAt;
        return {
          frame: (frameAt, frameLabel) => {
            lastFrameAt = this.serverSendTime(frameAt, lastFrameAt);
            this.answerArrow(lastFrameAt, 'frame', this.placeLabel(lastFrameAt, 'news', frameLabel));
          },
          close: (closedAt) => (band.endAt = closedAt),
        };
      },
    };
  }

  /** Draws every item for the current moment and forgets those that scrolled out. */
  render(now: number): void {
    const pxPerMs = (this.height - BOTTOM_MARGIN) / WINDOW_MS;
    const layout: Layout = {
      width: this.width,
      xClient: SIDE_MARGIN,
      xServer: this.width - SIDE_MARGIN,
      y: (t) => this.height - BOTTOM_MARGIN - (now - t) * pxPerMs,
      now,
    };
    this.items = this.items.filter((item) => {
      if (item.end() < now - WINDOW_MS) {
        item.remove();
        return false;
      }
      item.draw(layout);
      return true;
    });
  }

  relabel(): void {
    for (const item of this.items) item.relabel();
  }

  clear(): void {
    for (const item of this.items) item.remove();
    this.items = [];
    this.lastLabel = { at: Number.NEGATIVE_INFINITY, slot: 0 };
  }

  private add<T extends Item>(item: T): T {
    this.items.push(item);
    return item;
  }

  private answerArrow(leavesAt: number, className: string, label: PlacedLabel | undefined): void {
    this.add(new Arrow(this.layer, className, { side: 'server', t: leavesAt }, { t: leavesAt + this.transitMs() }, label));
  }

  /** When the server sent what arrived at `atMs`: one network delay earlier, but not before `notBefore`. */
  private serverSendTime(atMs: number, notBefore: number): number {
    return Math.max(atMs - this.networkDelayMs(), notBefore);
  }

  private transitMs(): number {
    return Math.max(MIN_TRANSIT_MS, this.networkDelayMs());
  }

  /**
   * Keeps every label clear of the previous one: close in time, it moves along its arrow to the next slot.
   * Only "nothing new" gives way and is left out (its arrow is still grey and dashed).
   */
  private placeLabel(at: number, kind: AnswerKind, text: () => string): PlacedLabel | undefined {
    const pxPerMs = (this.height - BOTTOM_MARGIN) / WINDOW_MS;
    const crowded = (at - this.lastLabel.at) * pxPerMs < LABEL_GAP_PX;
    if (crowded && kind === 'empty') return undefined;
    const slot = crowded ? (this.lastLabel.slot + 1) % LABEL_SLOTS.length : 0;
    this.lastLabel = { at, slot };
    return { text, along: LABEL_SLOTS[slot]! };
  }

  private measure(): void {
    const { width, height } = this.element.getBoundingClientRect();
    this.width = Math.max(200, width);
    this.height = Math.max(150, height);
    this.element.setAttribute('viewBox', `0 0 ${this.width} ${this.height}`);
    [SIDE_MARGIN, this.width - SIDE_MARGIN].forEach((x, i) => {
      const line = this.lifelines[i]!;
      line.setAttribute('x1', `${x}`);
      line.setAttribute('x2', `${x}`);
      line.setAttribute('y1', '0');
      line.setAttribute('y2', `${this.height}`);
    });
  }
}
