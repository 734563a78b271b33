/**
 * How the page is laid out for the room: projector view (the control bar gives its height to the lanes, the
 * keys are listed under them) and the jump to the handshake panel and back, each one click or one key.
 */
import { byId } from './format.js';
import { t } from './i18n.js';

const PROJECTOR_KEY = 'pushbench.projector';
/** Lanes side by side: below this width they stack, and no view holds their timelines in one screen anyway. */
const SIDE_BY_SIDE_PX = 1000;

export function projectorOn(): boolean {
  return document.body.classList.contains('projector');
}

export function setProjector(on: boolean): void {
  document.body.classList.toggle('projector', on);
  localStorage.setItem(PROJECTOR_KEY, on ? '1' : '0');
  showProjectorButton();
}

/** The button says what it switches to. */
export function showProjectorButton(): void {
  byId('projector-toggle').querySelector('span')!.textContent = t(projectorOn() ? 'projector.off' : 'projector.on');
}

/** Projector view as this browser left it; the button switches it. */
export function installProjector(): void {
  document.body.classList.toggle('projector', localStorage.getItem(PROJECTOR_KEY) === '1');
  byId('projector-toggle').addEventListener('click', () => setProjector(!projectorOn()));
  showProjectorButton();
}

/**
 * The view that fits the screen, for a browser that never chose one: when the lanes stand side by side and their
 * timelines end below the window (1280×720 in normal view), projector view gives them the control bar's height.
 * Not remembered: the choice stays the teacher's, one click or V away, and is remembered once made.
 */
export function chooseFittingView(): void {
  if (localStorage.getItem(PROJECTOR_KEY) !== null || projectorOn() || innerWidth < SIDE_BY_SIDE_PX) return;
  const cut = [...document.querySelectorAll('.timeline-svg')].some((svg) => svg.getBoundingClientRect().bottom > innerHeight);
  if (!cut) return;
  document.body.classList.add('projector');
  showProjectorButton();
}

/** To the handshake panel, or back to the lanes when it is already in view. */
export function toggleHandshake(): void {
  const panel = byId('handshake');
  const { top, bottom } = panel.getBoundingClientRect();
  if (top < innerHeight / 2 && bottom > 0) scrollTo({ top: 0 });
  else panel.scrollIntoView({ block: 'start' });
}
