/**
 * The control bar: the push box (anyone may try; the server answers 401 without the teacher token), and the
 * teacher's settings, which the server keeps and every page follows.
 */
import { ROUTES, TOKEN_HEADER } from '../../servers/contract/wire.js';
import { DEMO_ROUTES, SETTING_CHOICES, type DemoSettings, type LaneFacts, type LaneName, type SettingsChange } from '../../servers/contract/demo-protocol.js';
import { byId, el, formatMs } from './format.js';
import { t } from './i18n.js';

type Slider = keyof typeof SETTING_CHOICES;

export interface ControlsOptions {
  /** Headers that carry the teacher token, when this page has one. */
  authHeaders: () => Record<string, string>;
  /** The lanes this page can draw, in order: one checkbox each. */
  lanes: readonly LaneFacts[];
  shownLanes: ReadonlySet<LaneName>;
  onLaneToggle: (lane: LaneName, shown: boolean) => void;
}

export class Controls {
  private settings?: DemoSettings;
  private recipients: string[] = [];

  constructor(private readonly options: ControlsOptions) {
    byId<HTMLFormElement>('push-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.push();
    });
    for (const [slider, field] of [
      ['ticker-rate', 'tickerRate'],
      ['poll-interval', 'pollIntervalMs'],
      ['network-delay', 'networkDelayMs'],
    ] as const) {
      const input = byId<HTMLInputElement>(slider);
      input.max = String(SETTING_CHOICES[field].length - 1);
      input.addEventListener('input', () => this.showValue(field, SETTING_CHOICES[field][Number(input.value)]!));
      input.addEventListener('change', () => void this.change({ [field]: SETTING_CHOICES[field][Number(input.value)] }));
    }
    byId('pause').addEventListener('click', () => void this.change({ paused: !this.settings?.paused }));
    byId<HTMLInputElement>('block-ws').addEventListener('change', (event) => {
      void this.change({ blockWebSocket: (event.target as HTMLInputElement).checked });
    });
    byId('reset').addEventListener('click', () => void this.change({ reset: true }));
    const toggles = byId('lane-toggles');
    for (const { name } of options.lanes) {
      const box = el('input', { type: 'checkbox', 'data-lane-toggle': name });
      box.checked = options.shownLanes.has(name);
      box.addEventListener('change', () => options.onLaneToggle(name, box.checked));
      toggles.append(el('label', {}, box, el('span', { 'data-lane-title': name })));
    }
  }

  /** Follows the server's settings, except on a slider the teacher is holding. */
  showSettings(settings: DemoSettings): void {
    this.settings = settings;
    const sliders: [string, Slider][] = [
      ['ticker-rate', 'tickerRate'],
      ['poll-interval', 'pollIntervalMs'],
      ['network-delay', 'networkDelayMs'],
    ];
    for (const [id, field] of sliders) {
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
    for (const user of users) select.append(el('option', { value: user }, t('push.to', { user })));
    select.value = users.includes(chosen) ? chosen : '';
  }

  refreshText(): void {
    this.recipients = [];
    if (this.settings) this.showSettings(this.settings);
  }

  private showValue(field: Slider, value: number): void {
    const output = byId(`${field === 'tickerRate' ? 'ticker-rate' : field === 'pollIntervalMs' ? 'poll-interval' : 'network-delay'}-value`);
    if (field === 'tickerRate') output.textContent = value === 0 ? t('ticker.off') : t('ticker.rate', { rate: value });
    else if (field === 'pollIntervalMs') output.textContent = formatMs(value);
    else output.textContent = t('delay.value', { ms: formatMs(value) });
  }

  private async push(): Promise<void> {
    const text = byId<HTMLInputElement>('push-text').value;
    const to = byId<HTMLSelectElement>('push-to').value;
    const result = byId('push-result');
    const body = JSON.stringify(to === '' ? { payload: text } : { payload: text, to });
    const answer = await this.post(ROUTES.publish, body);
    if (answer.ok) {
      result.textContent = t('push.sent', { seq: (answer.body as { seq: number }).seq });
      result.className = 'ok';
    } else {
      result.textContent = answer.status === 401 ? t('push.refused', { status: 401 }) : t('push.failed', { error: answer.error });
      result.className = 'bad';
    }
  }

  private async change(change: SettingsChange): Promise<void> {
    const result = byId('settings-result');
    const answer = await this.post(DEMO_ROUTES.settings, JSON.stringify(change));
    if (answer.ok) {
      result.textContent = '';
      this.showSettings(answer.body as DemoSettings);
    } else {
      result.textContent = answer.status === 401 ? t('settings.refused', { status: 401 }) : answer.error;
      result.className = 'bad';
    }
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
