/**
 * The classroom demo page: the teacher's page runs a lane per strategy; a student's page joins one lane of
 * its choice. Every half second the page asks the server for what it cannot see itself (bytes at the
 * server's sockets, presence, the handshake, the teacher's settings) and follows it.
 */
import {
  DEMO_ROUTES,
  laneTag,
  TEACHER_USER,
  type DemoClock,
  type DemoJoinAnswer,
  type DemoLanes,
  type DemoSettings,
  type DemoState,
  type LaneFacts,
  type LaneName,
} from '../../servers/contract/demo-protocol.js';
import { CLOCK_SAMPLES, ClockOffset } from './clock.js';
import { Controls, tokenHeaders } from './controls.js';
import { byId, el, nowMs } from './format.js';
import { handshakePanel } from './handshake-panel.js';
import { joinRefusal, language, learnLanes, onLanguageChange, setLanguage, translateStatic } from './i18n.js';
import { browserClientOf, FallbackLane, PhpLongPollLane, type LaneClient } from './lane-clients.js';
import { SeatsView } from './seats.js';
import { LaneView } from './lane-view.js';
import { installShortcuts, shortcuts, showShortcuts } from './shortcuts.js';
import { PresencePanel, showJoin } from './side-panels.js';
import { chooseFittingView, installProjector, projectorOn, setProjector, showProjectorButton, toggleHandshake } from './view.js';

const STATE_EVERY_MS = 500;
/** One more clock exchange this often, so that the estimate follows two devices' clocks as they drift apart. */
const CLOCK_EVERY_MS = 2_000;
const TOKEN_KEY = 'pushbench.token';
const LANES_KEY = 'pushbench.lanes';
/** A user token the page was given, per user id, kept for the tab: a reload does not lose the name. */
const USER_TOKEN_KEY = 'pushbench.userToken.';

/** The token comes in the URL fragment, which browsers never send; it leaves the address bar the projector shows. */
function takeToken(): string | undefined {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

function newPageId(): string {
  return [...crypto.getRandomValues(new Uint8Array(12))].map((b) => (b % 36).toString(36)).join('');
}

/** A user id the server accepts (docs/server.md: A-Z a-z 0-9 . _ ~ -), from whatever a student typed. */
function userIdFrom(name: string): string {
  const cleaned = name
    .trim()
    .replace(/[^A-Za-z0-9._~-]+/g, '-')
    .slice(0, 32);
  return cleaned === '' || cleaned === '-' ? 'student' : cleaned;
}

/** Every lane the server names, in its order: the strategies it mounts, then the fallback lane. */
async function fetchLanes(): Promise<LaneFacts[]> {
  const res = await fetch(DEMO_ROUTES.lanes);
  if (!res.ok) throw new Error(`lanes: HTTP ${res.status}`);
  return ((await res.json()) as DemoLanes).lanes;
}

/** The lanes this teacher showed last time; at first the article's ways and its fallback (server-sent events is one click away). */
function shownLanes(lanes: readonly LaneFacts[]): Set<LaneName> {
  const names = lanes.map((lane) => lane.name);
  const stored = localStorage
    .getItem(LANES_KEY)
    ?.split(',')
    .filter((name) => names.includes(name));
  return new Set(stored && stored.length > 0 ? stored : lanes.filter((lane) => lane.inArticle).map((lane) => lane.name));
}

class DemoPage {
  private token = takeToken();
  private readonly forcedStudent = new URLSearchParams(location.search).get('as') === 'student';
  private pageId = newPageId();
  private state!: DemoState;
  /** The lanes this page can draw, in the order it draws them. */
  private lanes: LaneFacts[] = [];
  private readonly clock = new ClockOffset();
  private readonly views = new Map<LaneName, LaneView>();
  private readonly clients = new Map<LaneName, LaneClient>();
  private readonly seats = new Map<LaneName, SeatsView>();
  private userId = TEACHER_USER;
  /** The token of `userId`, when the server checks user ids. */
  private userToken: string | undefined;
  private controls!: Controls;
  private readonly handshake = handshakePanel();
  private readonly presence = new PresencePanel();
  private refreshing = false;

  async boot(): Promise<void> {
    setLanguage(language());
    byId('lang-switch').addEventListener('click', () => setLanguage(language() === 'en' ? 'zh' : 'en'));
    // The clock first: exchanges taken between reading the newest seq and starting the lanes would let a message in between.
    for (let i = 0; i < CLOCK_SAMPLES; i++) await this.exchangeClock();
    setInterval(() => void this.exchangeClock(), CLOCK_EVERY_MS);
    const [named, state] = await Promise.all([fetchLanes(), this.fetchState()]);
    this.state = state;
    // Every strategy the server mounts is titled in the presence panel; a lane is drawn for those with a browser client.
    learnLanes(named);
    this.lanes = named.filter((lane) => browserClientOf(lane.name) !== undefined);
    if (this.token !== undefined && !this.state.teacher) this.forgetToken();
    const teacher = this.state.teacher && !this.forcedStudent;
    document.body.dataset.role = teacher ? 'teacher' : 'student';
    byId('role-badge').dataset.i18n = teacher ? 'role.teacher' : 'role.student';
    byId('token-form').hidden = !this.state.tokenRequired || teacher;
    const shown = shownLanes(this.lanes);
    this.controls = new Controls({
      authHeaders: () => tokenHeaders(this.token),
      // With the PHP lane, a push is what it is in a PHP application: a request to the PHP site, on its pool.
      publishThroughPhp: this.lanes.some((lane) => browserClientOf(lane.name) === PhpLongPollLane),
      lanes: this.lanes,
      shownLanes: shown,
      onLaneToggle: (lane, shown) => this.toggleLane(lane, shown),
    });
    byId('lanes-last').textContent = String(Math.min(this.lanes.length, 9));
    const keys = shortcuts(
      {
        push: () => this.controls.pushNow(),
        togglePause: () => this.controls.togglePause(),
        toggleBlockWebSocket: () => this.controls.toggleBlockWebSocket(),
        reset: () => this.controls.reset(),
        toggleLane: (n) => this.toggleLaneNumber(n),
        toggleHandshake,
        toggleProjector: () => setProjector(!projectorOn()),
        toggleLanguage: () => setLanguage(language() === 'en' ? 'zh' : 'en'),
      },
      this.lanes.length,
    );
    installShortcuts(keys, () => document.body.dataset.role === 'teacher');
    installProjector();
    showShortcuts(keys, teacher);
    byId<HTMLFormElement>('token-form').addEventListener('submit', (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, byId<HTMLInputElement>('token-input').value);
      location.replace(location.pathname);
    });
    onLanguageChange(() => {
      for (const view of this.views.values()) view.refreshText();
      for (const seats of this.seats.values()) seats.refreshText();
      this.controls.refreshText();
      this.handshake.render();
      this.presence.render();
      showShortcuts(keys, teacher);
      showProjectorButton();
    });
    translateStatic(document.body);
    this.apply(this.state);

    if (teacher) {
      if (this.state.userTokensRequired) {
        const answer = await this.userTokenFor(TEACHER_USER);
        if ('token' in answer) this.userToken = answer.token;
      }
      for (const lane of this.lanes) if (shown.has(lane.name)) this.addLane(lane);
      chooseFittingView();
    } else {
      this.showJoinScreen();
    }
    setInterval(() => void this.refresh(), STATE_EVERY_MS);
    const frame = () => {
      const now = nowMs();
      for (const view of this.views.values()) view.render(now);
      for (const seats of this.seats.values()) seats.render();
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    // Closing the tab ends the lanes at once, so presence shows the leave live.
    addEventListener('pagehide', () => this.views.forEach((view) => view.destroy()));
    addEventListener('pageshow', (event) => event.persisted && location.reload());
  }

  private forgetToken(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    this.token = undefined;
  }

  private async fetchState(): Promise<DemoState> {
    const res = await fetch(`${DEMO_ROUTES.state}?page=${this.pageId}`, { headers: tokenHeaders(this.token) });
    if (!res.ok) throw new Error(`state: HTTP ${res.status}`);
    return (await res.json()) as DemoState;
  }

  /**
   * One exchange with the server's clock; a failed one is skipped (the state refresh says when the server is gone).
   * Its ends are the browser's own record of when the request left and the answer came in (Resource Timing), which
   * leaves out the time the page's script takes to send and to read; without that record, the script's clock.
   */
  private async exchangeClock(): Promise<void> {
    try {
      // Only this exchange's record is read, and the buffer of records (250 by default) never fills.
      performance.clearResourceTimings();
      const url = new URL(DEMO_ROUTES.clock, location.href).href;
      const scriptSentAt = nowMs();
      const res = await fetch(url);
      const { now } = (await res.json()) as DemoClock;
      const scriptReceivedAt = nowMs();
      if (!res.ok) return;
      const record = performance.getEntriesByName(url).at(-1) as PerformanceResourceTiming | undefined;
      const timed = record !== undefined && record.requestStart > 0 && record.responseStart >= record.requestStart;
      this.clock.add({
        sentAt: timed ? performance.timeOrigin + record.requestStart : scriptSentAt,
        receivedAt: timed ? performance.timeOrigin + record.responseStart : scriptReceivedAt,
        serverNow: now,
      });
      // What the latencies are corrected by, and how well, for whoever inspects the page.
      document.body.dataset.clockOffsetMs = this.clock.offsetMs.toFixed(2);
      document.body.dataset.clockRoundTripMs = (this.clock.roundTripMs ?? 0).toFixed(2);
      document.body.dataset.clockSamples = String(this.clock.samples);
    } catch {
      // The next exchange tries again.
    }
  }

  private async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    const pageId = this.pageId;
    try {
      const state = await this.fetchState();
      // A reset started a new page while this answer was on its way: its bytes belong to the old lanes.
      if (pageId !== this.pageId) return;
      const previous = this.state.settings;
      this.state = state;
      this.apply(state, previous);
    } catch {
      document.body.classList.add('offline');
      return;
    } finally {
      this.refreshing = false;
    }
    document.body.classList.remove('offline');
  }

  private apply(state: DemoState, previous?: DemoSettings): void {
    this.controls.showSettings(state.settings);
    this.controls.showRecipients(state.presence);
    this.presence.show(state.presence, state.presenceCounts);
    showJoin(state.joinUrl);
    // The first WebSocket lane's handshake, in lane order: the WebSocket lane's, else the fallback lane's.
    this.handshake.show(this.lanes.map((lane) => state.handshakes[lane.name]).find((capture) => capture !== undefined));
    for (const seats of this.seats.values()) seats.show(state.php, state.settings.phpWorkers);
    for (const [lane, view] of this.views) {
      view.setBytes(state.bytes[lane]);
      const strategy = this.strategyOf(lane);
      view.setOnline(state.presence[strategy] ?? [], state.presenceCounts[strategy] ?? 0);
    }
    if (!previous) return;
    if (state.settings.resetEpoch !== previous.resetEpoch) return void this.reset();
    // The fallback lane tries WebSocket again whenever the block changes, as a page reload would.
    if (state.settings.blockWebSocket !== previous.blockWebSocket) {
      for (const client of this.clients.values()) if (client instanceof FallbackLane) client.restart();
    }
  }

  /** Whose presence a lane shows: the fallback lane is on whichever strategy it fell back to. */
  private strategyOf(lane: LaneName): string {
    const client = this.clients.get(lane);
    return client instanceof FallbackLane ? client.mode : lane;
  }

  private addLane(facts: LaneFacts): void {
    const lane = facts.name;
    const Client = browserClientOf(lane)!;
    const client = new Client({
      userId: this.userId,
      userToken: this.userToken,
      tag: laneTag(this.pageId, lane),
      since: this.state.head,
      pollIntervalMs: () => this.state.settings.pollIntervalMs,
    });
    // A lane served by a pool of PHP workers shows the pool beside its counters.
    const seats = client instanceof PhpLongPollLane ? new SeatsView() : undefined;
    if (seats) {
      this.seats.set(lane, seats);
      seats.show(this.state.php, this.state.settings.phpWorkers);
    }
    const view = new LaneView({
      lane: facts,
      client,
      extra: seats?.element,
      networkDelayMs: () => this.state.settings.networkDelayMs,
      pollIntervalMs: () => this.state.settings.pollIntervalMs,
      clockOffsetMs: () => this.clock.offsetMs,
    });
    this.views.set(lane, view);
    this.clients.set(lane, client);
    const container = byId('lanes');
    const order = this.lanes.map((other) => other.name);
    const next = order.slice(order.indexOf(lane) + 1).find((other) => this.views.has(other));
    container.insertBefore(view.element, next ? this.views.get(next)!.element : null);
    container.style.setProperty('--lane-count', String(this.views.size));
    client.start();
  }

  private removeLane(lane: LaneName): void {
    this.views.get(lane)?.destroy();
    this.views.delete(lane);
    this.clients.delete(lane);
    this.seats.delete(lane);
    byId('lanes').style.setProperty('--lane-count', String(this.views.size));
  }

  /** Lane `n` of the lanes menu (its number key): shown if hidden, hidden if shown. */
  private toggleLaneNumber(n: number): void {
    const lane = this.lanes[n - 1];
    const box = lane && document.querySelector<HTMLInputElement>(`[data-lane-toggle="${lane.name}"]`);
    if (!lane || !box) return;
    box.checked = !box.checked;
    this.toggleLane(lane.name, box.checked);
  }

  private toggleLane(lane: LaneName, shown: boolean): void {
    const facts = this.lanes.find((other) => other.name === lane);
    if (shown && facts) this.addLane(facts);
    else this.removeLane(lane);
    localStorage.setItem(LANES_KEY, [...this.views.keys()].join(','));
  }

  /** Every lane starts again from zero: a new page id, so the server counts the new lanes' bytes from zero too. */
  private async reset(): Promise<void> {
    const lanes = [...this.views.keys()];
    for (const lane of lanes) this.removeLane(lane);
    this.pageId = newPageId();
    this.state = await this.fetchState();
    this.handshake.show(undefined);
    for (const lane of this.lanes) if (lanes.includes(lane.name)) this.addLane(lane);
  }

  /** Joins a lane as `userId`, with its user token when the server checks user ids (a name taken by another page: 409). */
  private async join(userId: string, lane: LaneFacts): Promise<void> {
    if (this.state.userTokensRequired) {
      const answer = await this.userTokenFor(userId);
      if (!('token' in answer)) {
        byId('join-result').textContent = joinRefusal(answer, userId);
        return;
      }
      this.userToken = answer.token;
    }
    byId('join-screen').hidden = true;
    this.userId = userId;
    this.addLane(lane);
    chooseFittingView();
  }

  /** The user token of `userId`: the one this tab was given before, or a new one from the server. */
  private async userTokenFor(userId: string): Promise<DemoJoinAnswer | { status: number; error: string }> {
    const key = `${USER_TOKEN_KEY}${this.state.userTokenIssuer}.${userId}`;
    const kept = sessionStorage.getItem(key);
    if (kept !== null) return { user: userId, token: kept };
    try {
      const res = await fetch(DEMO_ROUTES.join, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...tokenHeaders(this.token) },
        body: JSON.stringify({ user: userId }),
      });
      const body = (await res.json()) as DemoJoinAnswer | { error: string };
      if (!res.ok || !('token' in body)) return { status: res.status, error: 'error' in body ? body.error : `HTTP ${res.status}` };
      sessionStorage.setItem(key, body.token);
      return body;
    } catch (error) {
      return { status: 0, error: (error as Error).message };
    }
  }

  private showJoinScreen(): void {
    const screen = byId('join-screen');
    screen.hidden = false;
    const name = byId<HTMLInputElement>('join-name');
    name.value = `student-${100 + Math.floor(Math.random() * 900)}`;
    const buttons = byId('join-lanes');
    for (const lane of this.lanes) {
      const button = el('button', { type: 'button', class: 'lane-pick', 'data-join-lane': lane.name, 'data-lane-title': lane.name });
      button.style.setProperty('--lane', lane.colour);
      button.addEventListener('click', () => void this.join(userIdFrom(name.value), lane));
      buttons.append(button);
    }
    translateStatic(buttons);
  }
}

void new DemoPage().boot();
