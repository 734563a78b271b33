/** Presence (claim C7) and the join panel: who is online per strategy, and where the room joins. */
import { DEMO_ROUTES } from '../../servers/contract/demo-protocol.js';
import { byId, el } from './format.js';
import { laneTitle, t, userLabel } from './i18n.js';

export class PresencePanel {
  private shown = '';
  private presence: Record<string, string[]> = {};
  private counts: Record<string, number> = {};

  /** `presence` names the users for the teacher's page only; every page gets the counts. */
  show(presence: Record<string, string[]>, counts: Record<string, number>): void {
    const key = JSON.stringify([presence, counts]);
    if (key === this.shown) return;
    this.shown = key;
    this.presence = presence;
    this.counts = counts;
    this.render();
  }

  render(): void {
    const list = byId('presence-list');
    list.replaceChildren();
    for (const [strategy, count] of Object.entries(this.counts)) {
      const users = this.presence[strategy] ?? [];
      list.append(
        el('dt', { 'data-strategy': strategy }, laneTitle(strategy), el('span', { class: 'count' }, String(count))),
        el(
          'dd',
          { 'data-strategy': strategy },
          users.length > 0 ? users.map(userLabel).join(', ') : count > 0 ? t('online.count', { count }) : t('online.none'),
        ),
      );
    }
  }
}

/** Shows where students join, once the server says the demo is on the local network. */
export function showJoin(joinUrl: string | undefined): void {
  const shown = joinUrl !== undefined;
  byId('join-panel').hidden = !shown;
  byId('join-mini').hidden = !shown;
  if (!shown) return;
  for (const img of [byId<HTMLImageElement>('join-qr'), byId('join-mini').querySelector('img')!]) {
    if (!img.getAttribute('src')) img.src = DEMO_ROUTES.joinQr;
  }
  byId('join-url').textContent = joinUrl;
  byId('join-mini-url').textContent = joinUrl.replace(/^http:\/\//, '');
}
