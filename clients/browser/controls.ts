/**
 * The control bar: the push box (anyone may try; the server answers 401 without the teacher token), and the
 * teacher's settings, which the server keeps and every page follows.
 */
import { ROUTES, TOKEN_HEADER } from '../../servers/contract/wire.js';
import {
  DEMO_ROUTES,
  SETTING_CHOICES,
  type DemoSettings,
  type LaneFacts,
  type LaneName,
  type SettingsChange,
} from '../../servers/contract/demo-protocol.js';
import { byId, el, formatMs, nowMs } from './format.js';
import { t, userLabel } from './i18n.js';

type Slider = keyof typeof SETTING_CHOICES;

export interface ControlsOptions {
  /** Headers that carry the teacher token, when this page has one. */
  authHeaders: () => Record<string, string>;
  /** The lanes this page can draw, in order: one checkbox each. */
  lanes: readonly LaneFacts[];
  shownLanes: ReadonlySet<LaneName>;
  onLaneToggle: (lane: LaneName, shown: boolean) => void;
  /** The demo runs the PHP lane: a push goes through the PHP site, and the teacher sets its pool's size. */
  publishThroughPhp: boolean;
}

/** Each slider's element id and the setting it sets. */
const SLIDERS: readonly [string, Slider][] = [
  ['ticker-rate', 'tickerRate'],
  ['poll-interval', 'pollIntervalMs'],
  ['network-delay', 'networkDelayMs'],
  ['php-workers', 'phpWorkers'],
];

/** How often a push that waits for a PHP worker says for how long. */
const WAITING_TICK_MS = 100;

/** What the last push or settings change came to, kept so that a language switch can say it again. */
type Outcome =
  | { kind: 'sent'; seq: number }
  | { kind: 'refused'; status: number }
  | { kind: 'failed'; status: number }
  | { kind: 'waiting'; since: number }
  | undefined;

export class Controls {
  private settings?: DemoSettings;
  private recipients: string[] = [];
  private pushOutcome: Outcome;
  private settingsOutcome: Outcome;

  constructor(private readonly options: ControlsOptions) {
    byId<HTMLFormElement>('push-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.push();
    });
    byId('php-workers-control').hidden = !options.publishThroughPhp;
    for (const [slider, field] of SLIDERS) {
      const input = byId<HTMLInputElement>(slider);
      input.max = String(SETTING_CHOICES[field].length - 1);
      input.addEventListener('input', () => this.showValue(field, SETTING_CHOICES[field][Number(input.value)]));
      input.addEventListener('change', () => void this.change({ [field]: SETTING_CHOICES[field][Number(input.value)] }));
    }
    byId('pause').addEventListener('click', () => void this.change({ paused: !this.settings?.paused }));
    byId<HTMLInputElement>('block-ws').addEventListener('change', (event) => {
      void this.change({ blockWebSocket: (event.target as HTMLInputElement).checked });
    });
    byId('reset').addEventListener('click', () => void this.change({ reset: true }));
    const toggles = byId('lane-toggles');
    options.lanes.forEach(({ name }, i) => {
      const box = el('input', { type: 'checkbox', 'data-lane-toggle': name });
      box.checked = options.shownLanes.has(name);
      box.addEventListener('change', () => options.onLaneToggle(name, box.checked));
      // Numbered as the number keys that toggle them.
      toggles.append(el('label', {}, box, el('kbd', {}, String(i + 1)), el('span', { 'data-lane-title': name })));
    });
    this.refreshText();
  }

  /** Follows the server's settings, except on a slider the teacher is holding. */
  showSettings(settings: DemoSettings): void {
    this.settings = settings;
    for (const [id, field] of SLIDERS) {
      const input = byId<HTMLInputElement>(id);
      if (document.activeElement !== input) input.value = String((SETTING_CHOICES[field] as readonly number[]).indexOf(settings[field]));
      this.showValue(field, settings[field]);
    }
    byId('pause').textContent = t(settings.paused ? 'ticker.resume' : 'ticker.pause');
    byId('pause').classList.toggle('active', settings.paused);
    byId<HTMLInputElement>('block-ws').checked = settings.blockWebSocket;
  }

  /** The people a message can be addressed to: everyone online, in any lane. */
  showRecipients(presence: Record<string, string[]>): void {
    const users = [...new Set(Object.values(presence).flat())].sort();
    if (users.join('\n') === this.recipients.join('\n')) return;
    this.recipients = users;
    const select = byId<HTMLSelectElement>('push-to');
    const chosen = select.value;
    select.replaceChildren(el('option', { value: '' }, t('push.everyone')));
    for (const user of users) select.append(el('option', { value: user }, t('push.to', { user: userLabel(user) })));
    select.value = users.includes(chosen) ? chosen : '';
  }

  refreshText(): void {
    this.recipients = [];
    if (this.settings) this.showSettings(this.settings);
    // The default message follows the language until the teacher types one of their own.
    const text = byId<HTMLInputElement>('push-text');
    if (text.value === '' || text.value === t('message.default', {}, 'en') || text.value === t('message.default', {}, 'zh'))
      text.value = t('message.default');
    this.showOutcomes();
  }

  /** The teacher's main actions, for the keyboard (shortcuts.ts). */
  pushNow(): void {
    void this.push();
  }

  togglePause(): void {
    void this.change({ paused: !this.settings?.paused });
  }

  toggleBlockWebSocket(): void {
    void this.change({ blockWebSocket: !this.settings?.blockWebSocket });
  }

  reset(): void {
    void this.change({ reset: true });
  }

  private showOutcomes(): void {
    const push = byId('push-result');
    const outcome = this.pushOutcome;
    push.textContent =
      outcome === undefined
        ? ''
        : outcome.kind === 'sent'
          ? t('push.sent', { seq: outcome.seq })
          : outcome.kind === 'waiting'
            ? t('push.waiting', { elapsed: formatMs(nowMs() - outcome.since) })
            : outcome.kind === 'refused'
              ? t('push.refused', { status: outcome.status })
              : t('push.failed', { status: outcome.status });
    push.className = outcome === undefined ? '' : outcome.kind === 'sent' ? 'ok' : outcome.kind === 'waiting' ? 'waiting' : 'bad';
    push.dataset.outcome = outcome?.kind ?? '';
    const settings = byId('settings-result');
    const changed = this.settingsOutcome;
    settings.textContent =
      changed === undefined || changed.kind === 'sent' || changed.kind === 'waiting'
        ? ''
        : changed.kind === 'refused'
          ? t('settings.refused', { status: changed.status })
          : t('settings.failed', { status: changed.status });
    settings.className = 'bad';
  }

  private showValue(field: Slider, value: number): void {
    const output = byId(`${SLIDERS.find(([, f]) => f === field)![0]}-value`);
    if (field === 'tickerRate') output.textContent = value === 0 ? t('ticker.off') : t('ticker.rate', { rate: value });
    else if (field === 'pollIntervalMs') output.textContent = formatMs(value);
    else if (field === 'phpWorkers') output.textContent = String(value);
    else output.textContent = t('delay.value', { ms: formatMs(value) });
  }

  private async push(): Promise<void> {
    const text = byId<HTMLInputElement>('push-text').value;
    const to = byId<HTMLSelectElement>('push-to').value;
    const body = JSON.stringify(to === '' ? { payload: text } : { payload: text, to });
    if (this.pushOutcome?.kind === 'waiting') return;
    // Through PHP, the push waits for a worker like any other request of the site: the page says for how long.
    this.pushOutcome = { kind: 'waiting', since: nowMs() };
    this.showOutcomes();
    const ticking = setInterval(() => this.showOutcomes(), WAITING_TICK_MS);
    const answer = await this.post(this.options.publishThroughPhp ? `${DEMO_ROUTES.php}${ROUTES.publish}` : ROUTES.publish, body);
    clearInterval(ticking);
    this.pushOutcome = answer.ok
      ? { kind: 'sent', seq: (answer.body as { seq: number }).seq }
      : { kind: answer.status === 401 ? 'refused' : 'failed', status: answer.status };
    this.showOutcomes();
  }

  private async change(change: SettingsChange): Promise<void> {
    const answer = await this.post(DEMO_ROUTES.settings, JSON.stringify(change));
    this.settingsOutcome = answer.ok ? undefined : { kind: answer.status === 401 ? 'refused' : 'failed', status: answer.status };
    if (answer.ok) this.showSettings(answer.body as DemoSettings);
    this.showOutcomes();
  }

  private async post(path: string, body: string): Promise<{ ok: boolean; status: number; body: unknown; error: string }> {
    try {
      const res = await fetch(path, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json', ...this.options.authHeaders() },
      });
      const parsed = (await res.json()) as { error?: string };
      return { ok: res.ok, status: res.status, body: parsed, error: parsed.error ?? `HTTP ${res.status}` };
    } catch (error) {
      return { ok: false, status: 0, body: undefined, error: (error as Error).message };
    }
  }
}

export function tokenHeaders(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { [TOKEN_HEADER]: token };
}
