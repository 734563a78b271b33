/**
 * The PHP lane's pool, drawn as seats: one per PHP-FPM worker, filled while a request holds it (a waiting long
 * poll, a page, a publish), and the queue of requests that no worker serves yet. Beside it, "load a page": an
 * ordinary page of the same PHP site, which takes a seat for a millisecond once it has one, and waits for one as
 * long as every seat is held. What the pool shows comes from FPM's own status page (GET /demo/api/state).
 */
import { DEMO_ROUTES, type DemoPhpPool, type DemoSeat, type SeatUse } from '../../servers/contract/demo-protocol.js';
import { PHP_PAGE_PATH } from '../../servers/contract/stack.js';
import { el, formatMs, nowMs } from './format.js';
import { t, userLabel, type MessageKey } from './i18n.js';

/** Queued requests drawn one dot each, up to this many (the count says the rest). */
const QUEUE_DOTS = 20;

const SEAT_WORDS: Readonly<Record<SeatUse, MessageKey>> = {
  'long-poll': 'php.seat.longPoll',
  page: 'php.seat.page',
  publish: 'php.seat.publish',
  other: 'php.seat.other',
};

type PageLoad = { state: 'waiting'; since: number } | { state: 'loaded'; tookMs: number } | { state: 'failed'; status: number } | undefined;

export class SeatsView {
  readonly element: HTMLElement;
  private readonly summary = el('output', { class: 'pool-summary' });
  private readonly seats = el('ol', { class: 'seats' });
  private readonly queue = el('p', { class: 'pool-queue', 'data-queued': '0' });
  private readonly pageButton = el('button', { type: 'button', class: 'page-load' });
  private readonly pageResult = el('output', { class: 'page-result', 'data-page': '' });
  private pool: DemoPhpPool | undefined;
  private workers = 0;
  private page: PageLoad;

  constructor() {
    const head = el('span');
    head.dataset.i18n = 'php.pool';
    this.element = el(
      'div',
      { class: 'php-pool' },
      el('p', { class: 'pool-head' }, head, ' ', this.summary),
      this.seats,
      el('div', { class: 'page-row' }, this.pageButton, this.queue),
      this.pageResult,
    );
    this.pageButton.addEventListener('click', () => void this.loadPage());
    this.refreshText();
  }

  /** The pool as the server last read it, and the pool size the teacher set. */
  show(pool: DemoPhpPool | undefined, workers: number): void {
    this.pool = pool;
    this.workers = workers;
    const seats = pool?.seats ?? [];
    this.seats.replaceChildren(...seats.map((seat) => this.seat(seat)));
    const busy = seats.filter((seat) => seat.busy).length;
    this.seats.dataset.seats = String(seats.length);
    this.seats.dataset.busy = String(busy);
    const queued = Math.max(0, pool?.queued ?? 0);
    this.queue.dataset.queued = String(queued);
    this.queue.replaceChildren(
      el('span', {}, t('php.queue', { n: queued })),
      ' ',
      el('span', { class: 'queue-dots', 'aria-hidden': 'true' }, '●'.repeat(Math.min(queued, QUEUE_DOTS))),
    );
    this.queue.classList.toggle('waiting', queued > 0);
    this.summary.textContent = pool === undefined ? '' : t('php.busy', { busy, seats: seats.length });
  }

  /** Once a frame: how long the page has been waiting. */
  render(): void {
    if (this.page?.state === 'waiting') this.showPage();
  }

  refreshText(): void {
    this.pageButton.textContent = t('php.page.button');
    this.show(this.pool, this.workers);
    this.showPage();
  }

  private seat(seat: DemoSeat): HTMLElement {
    const item = el('li', { class: `seat${seat.busy ? ' busy' : ''}`, 'data-use': seat.use ?? '' });
    if (!seat.busy) {
      // An empty seat is an empty box; its word is for screen readers and the tooltip.
      item.title = t('php.seat.free');
      item.setAttribute('aria-label', item.title);
      return item;
    }
    // One line a seat, so that the pool fits a projector's lane: whose poll it is (the teacher's page), else what.
    const what = t(SEAT_WORDS[seat.use ?? 'other']);
    if (seat.user !== undefined) item.append(el('span', { class: 'seat-user' }, userLabel(seat.user)));
    else item.append(el('span', { class: 'seat-use' }, what));
    const held = seat.forMs !== undefined && seat.forMs >= 1_000 ? ` · ${formatMs(seat.forMs)}` : '';
    item.title = `${what}${seat.user === undefined ? '' : ` · ${userLabel(seat.user)}`}${held}`;
    return item;
  }

  private async loadPage(): Promise<void> {
    if (this.page?.state === 'waiting') return;
    const since = nowMs();
    this.page = { state: 'waiting', since };
    this.showPage();
    try {
      const res = await fetch(`${DEMO_ROUTES.php}${PHP_PAGE_PATH}`, { cache: 'no-store' });
      await res.text();
      this.page = res.ok ? { state: 'loaded', tookMs: nowMs() - since } : { state: 'failed', status: res.status };
    } catch {
      this.page = { state: 'failed', status: 0 };
    }
    this.showPage();
  }

  private showPage(): void {
    const page = this.page;
    this.pageResult.dataset.page = page?.state ?? '';
    this.pageResult.className = `page-result${page?.state === 'failed' ? ' bad' : page?.state === 'waiting' ? ' waiting' : ''}`;
    this.pageResult.textContent =
      page === undefined
        ? ''
        : page.state === 'waiting'
          ? t('php.page.waiting', { elapsed: formatMs(nowMs() - page.since) })
          : page.state === 'loaded'
            ? t('php.page.loaded', { ms: formatMs(page.tookMs) })
            : t('php.page.failed', { status: page.status });
  }
}
