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
/** Labels closer than this (px) to the previous one take the next place along their arrow. */
const LABEL_GAP_PX = 26;
/** A held span shorter than this (px) has no room for its label. */
const SPAN_LABEL_MIN_PX = 26;
/** Clear space kept around every label, px. */
const LABEL_PAD_PX = 2;
/** How far a handshake label may be moved down below its arrow to clear an earlier one, px. */
const MAX_LABEL_SHIFT_PX = 60;
/** No label is drawn smaller than this to fit a narrow lane, px. */
const MIN_LABEL_FONT_PX = 12;

/**
 * Which label keeps its place when two would overlap: the handshake (Upgrade, 101, the event stream's 200) is
 * what a teacher points at; a message's arrival next; how long a poll was held after; "nothing new" gives way
 * first (its arrow stays grey and dashed).
 */
export const LABEL_PRIORITY = { handshake: 3, news: 2, held: 1, empty: 0 } as const;

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
  priority: number;
}

/**
 * A label ready to be laid out this frame: its text element, the card under it (if any), where it wants to be
 * and its box relative to that point. Timeline.render moves or hides it so that no two labels overlap and
 * none leaves the diagram.
 */
interface LabelCandidate {
  text: SVGTextElement;
  card?: SVGRectElement;
  x: number;
  y: number;
  /** The text's box relative to (x, y), at its natural font size. */
  box: LabelBox;
  priority: number;
  /** Keeps the label's x inside the diagram (arrow labels) or leaves it where it is (a held bar's, right-aligned). */
  clampX: boolean;
}

/** Shapes below, words above: a later arrow never crosses out an earlier label. */
interface Layers {
  shapes: SVGGElement;
  labels: SVGGElement;
}

interface Item {
  /** Last moment the item covers; Infinity while it is still growing. */
  end(): number;
  /** Draws the shapes, and returns the label it would like to show, placed by the timeline. */
  draw(layout: Layout): LabelCandidate | undefined;
  relabel(): void;
  remove(): void;
}

interface LabelBox {
  dx: number;
  dy: number;
  width: number;
  height: number;
  /** The font size the box was measured at. */
  fontPx: number;
}

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Room around a label's text on its card, px each side. */
const CARD_PAD_X = 5;

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;
}

/** A text's box relative to its anchor point, measured once per text (measuring every frame would force layout). */
function measure(text: SVGTextElement, x: number, y: number): LabelBox {
  text.style.fontSize = '';
  // Measured invisibly: the layout decides whether it shows at all.
  text.style.visibility = 'hidden';
  text.style.display = '';
  text.setAttribute('x', `${x}`);
  text.setAttribute('y', `${y}`);
  const measured = text.getBBox();
  const fontPx = parseFloat(getComputedStyle(text).fontSize) || 16;
  text.style.visibility = '';
  text.style.display = 'none';
  return { dx: measured.x - x, dy: measured.y - y, width: measured.width, height: measured.height, fontPx };
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
  /** The label's box relative to its anchor point, measured once per text. */
  private box?: LabelBox;

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
    // Hidden until the timeline lays it out: a label drawn before its first frame would sit at the corner.
    this.text.style.display = this.card.style.display = 'none';
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

  draw({ xClient, xServer, y, now }: Layout): LabelCandidate | undefined {
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
    const point = (length: number, turn: number) => `${x - length * Math.cos(angle + turn)},${yy - length * Math.sin(angle + turn)}`;
    this.head.setAttribute('points', `${x},${yy} ${point(14, 0.45)} ${point(14, -0.45)}`);
    // The label appears once the arrow has arrived: that is when the browser knows what it says.
    const labelled = progress >= 1 && this.text.textContent !== '' && this.label !== undefined;
    if (!labelled) {
      this.text.style.display = this.card.style.display = 'none';
      return undefined;
    }
    const along = this.from.side === 'client' ? this.label.along : 1 - this.label.along;
    const [lx, ly] = [x1 + along * (x2 - x1), y1 + along * (yEnd - y1)];
    if (!this.box) this.box = measure(this.text, lx, ly);
    return { text: this.text, card: this.card, x: lx, y: ly, box: this.box, priority: this.label.priority, clampX: true };
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
  private box?: LabelBox;
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
    this.text.style.display = 'none';
    layers.shapes.prepend(this.rect);
    layers.labels.prepend(this.text);
  }

  end(): number {
    return this.endAt;
  }

  relabel(): void {}

  draw({ xClient, xServer, y, now }: Layout): LabelCandidate | undefined {
    const until = Math.min(now, this.endAt);
    const visible = now >= this.startAt;
    this.rect.style.display = visible ? '' : 'none';
    const [top, bottom] = [y(this.startAt), y(until)];
    const [x, width] = this.where === 'server' ? [xServer - 9, 18] : [xClient, xServer - xClient];
    this.rect.setAttribute('x', `${x}`);
    this.rect.setAttribute('width', `${width}`);
    this.rect.setAttribute('y', `${top}`);
    this.rect.setAttribute('height', `${Math.max(0, bottom - top)}`);
    // A held request's label sits beside the middle of its bar. An open connection is labelled above the
    // diagram (LaneView), where it never meets the frames crossing it.
    const text = visible && this.where === 'server' && bottom - top >= SPAN_LABEL_MIN_PX ? this.label(until - this.startAt) : '';
    if (text === '') {
      this.text.style.display = 'none';
      return undefined;
    }
    const [lx, ly] = [xServer - 16, (top + bottom) / 2];
    if (this.text.textContent !== text) {
      // The elapsed time changes every frame; its width only with its length (digits are about as wide).
      if (this.text.textContent?.length !== text.length) this.box = undefined;
      this.text.textContent = text;
    }
    if (!this.box) this.box = measure(this.text, lx, ly);
    return { text: this.text, x: lx, y: ly, box: this.box, priority: LABEL_PRIORITY.held, clampX: false };
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
    const placed = label && this.placeLabel(sentAt, LABEL_PRIORITY.handshake, label);
    this.add(new Arrow(this.layer, 'request', { side: 'client', t: sentAt }, { t: arrivesAt }, placed));
    const hold = holds ? this.add(new Span(this.layer, 'held', arrivesAt, 'server', (ms) => this.labels.held(formatMs(ms)))) : undefined;
    return {
      answer: (atMs, kind, answerLabel) => {
        const leavesAt = this.serverSendTime(atMs, arrivesAt);
        if (hold) hold.endAt = leavesAt;
        const priority = kind === 'empty' ? LABEL_PRIORITY.empty : LABEL_PRIORITY.news;
        this.answerArrow(leavesAt, `answer ${kind}`, this.placeLabel(leavesAt, priority, answerLabel));
      },
      open: (atMs, openLabel) => {
        const leavesAt = this.serverSendTime(atMs, arrivesAt);
        this.answerArrow(leavesAt, 'answer open', this.placeLabel(leavesAt, LABEL_PRIORITY.handshake, openLabel));
        const band = this.add(new Span(this.layer, 'connection', leavesAt, 'between'));
        let lastFrameAt = leavesAt;
        return {
          frame: (frameAt, frameLabel) => {
            lastFrameAt = this.serverSendTime(frameAt, lastFrameAt);
            this.answerArrow(lastFrameAt, 'frame', this.placeLabel(lastFrameAt, LABEL_PRIORITY.news, frameLabel));
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
    const labels: LabelCandidate[] = [];
    this.items = this.items.filter((item) => {
      if (item.end() < now - WINDOW_MS) {
        item.remove();
        return false;
      }
      const label = item.draw(layout);
      if (label) labels.push(label);
      return true;
    });
    this.layOut(labels);
  }

  /**
   * Places this frame's labels so that none overlaps another and none leaves the diagram. Labels are placed
   * by priority, older first (items are kept in time order): a handshake label that would overlap an earlier
   * one moves down below it, any other label that would overlap is left out for this frame, and a label that
   * does not fit inside the diagram (scrolling in at the bottom, out at the top) is not drawn until it does.
   * Everything scrolls at one speed, so the places chosen stay apart from frame to frame.
   */
  private layOut(labels: readonly LabelCandidate[]): void {
    const placed: Box[] = [];
    const order = labels.map((label, index) => ({ label, index })).sort((a, b) => b.label.priority - a.label.priority || a.index - b.index);
    for (const { label } of order) {
      const { box } = label;
      // An arrow's label stays between the two lifelines, where its arrow runs, drawn smaller down to a floor if
      // it must (a phone's lane); only one that does not fit there even so may cross them, inside the diagram.
      const minScale = MIN_LABEL_FONT_PX / box.fontPx;
      const between = this.width - 2 * SIDE_MARGIN - 2 * CARD_PAD_X - 4;
      const [lo, hi] = label.clampX && box.width * minScale <= between ? [SIDE_MARGIN, this.width - SIDE_MARGIN] : [0, this.width];
      const room = hi - lo - 2 * CARD_PAD_X - 4;
      const scale = box.width > room ? Math.max(minScale, room / box.width) : 1;
      const [width, height] = [box.width * scale, box.height * scale];
      const x = label.clampX ? Math.min(Math.max(label.x, lo + width / 2 + CARD_PAD_X + 2), hi - width / 2 - CARD_PAD_X - 2) : label.x;
      const area = (shift: number): Box => ({
        left: x + box.dx * scale - CARD_PAD_X,
        top: label.y + box.dy * scale + shift - 1,
        width: width + 2 * CARD_PAD_X,
        height: height + 2,
      });
      let shift = 0;
      let clash = placed.find((other) => overlaps(other, area(shift)));
      // Only a handshake label moves out of the way; anything else gives way for this frame.
      while (clash && label.priority >= LABEL_PRIORITY.handshake) {
        shift = clash.top + clash.height + LABEL_PAD_PX - (label.y + box.dy * scale - 1);
        if (shift > MAX_LABEL_SHIFT_PX) break;
        clash = placed.find((other) => overlaps(other, area(shift)));
      }
      const at = area(shift);
      const inside = at.left >= 0 && at.top >= 0 && at.left + at.width <= this.width && at.top + at.height <= this.height;
      const shown = clash === undefined && inside;
      label.text.style.display = shown ? '' : 'none';
      if (label.card) label.card.style.display = shown ? '' : 'none';
      if (!shown) continue;
      placed.push(at);
      label.text.style.fontSize = scale === 1 ? '' : `${box.fontPx * scale}px`;
      label.text.setAttribute('x', `${x}`);
      label.text.setAttribute('y', `${label.y + shift}`);
      if (label.card) {
        label.card.setAttribute('x', `${at.left}`);
        label.card.setAttribute('y', `${at.top}`);
        label.card.setAttribute('width', `${at.width}`);
        label.card.setAttribute('height', `${at.height}`);
      }
    }
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
   * Spreads labels close in time along their arrows (the next slot), so that fewer have to give way when the
   * frame is laid out; "nothing new" close to another label is left out at once (its arrow stays grey and dashed).
   */
  private placeLabel(at: number, priority: number, text: () => string): PlacedLabel | undefined {
    const pxPerMs = (this.height - BOTTOM_MARGIN) / WINDOW_MS;
    const crowded = (at - this.lastLabel.at) * pxPerMs < LABEL_GAP_PX;
    if (crowded && priority === LABEL_PRIORITY.empty) return undefined;
    const slot = crowded ? (this.lastLabel.slot + 1) % LABEL_SLOTS.length : 0;
    this.lastLabel = { at, slot };
    return { text, along: LABEL_SLOTS[slot], priority };
  }

  private measure(): void {
    const { width, height } = this.element.getBoundingClientRect();
    this.width = Math.max(200, width);
    this.height = Math.max(150, height);
    this.element.setAttribute('viewBox', `0 0 ${this.width} ${this.height}`);
    [SIDE_MARGIN, this.width - SIDE_MARGIN].forEach((x, i) => {
      const line = this.lifelines[i];
      line.setAttribute('x1', `${x}`);
      line.setAttribute('x2', `${x}`);
      line.setAttribute('y1', '0');
      line.setAttribute('y2', `${this.height}`);
    });
  }
}
