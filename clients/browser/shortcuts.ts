/**
 * One key for each of the teacher's main actions, so that a teacher at a projector can run the demo without
 * the control bar (projector view hides it). The keys are listed on the page, in the keyboard panel and, in
 * projector view, in a strip under the lanes.
 */
import { byId, el } from './format.js';
import { t, type MessageKey } from './i18n.js';

export interface Shortcut {
  /** What is pressed, as shown: "P", "1–5". */
  keys: string;
  /** `event.key` values that run it (letters in either case). */
  match: (key: string) => boolean;
  /** What it does, in words (the keyboard panel), and in a word or two (the projector view's strip). */
  label: MessageKey;
  /** What the label's words are filled in with ("lane 1 to {last}"). */
  vars?: Record<string, number>;
  short: MessageKey;
  /** Only a teacher's page acts on it. */
  teacherOnly: boolean;
  run: (key: string) => void;
}

const letter = (char: string) => (key: string) => key.toLowerCase() === char;

export interface ShortcutActions {
  push(): void;
  togglePause(): void;
  toggleBlockWebSocket(): void;
  reset(): void;
  /** Shows or hides the lane numbered `n` (1 = the first of the lanes menu). */
  toggleLane(n: number): void;
  toggleHandshake(): void;
  toggleProjector(): void;
  toggleLanguage(): void;
}

/** The keys, with one number key per lane of the lanes menu (`lanes` of them, at most 9). */
export function shortcuts(actions: ShortcutActions, lanes: number): Shortcut[] {
  const last = Math.min(Math.max(lanes, 1), 9);
  return [
    { keys: 'P', match: letter('p'), label: 'keys.push', short: 'strip.push', teacherOnly: true, run: () => actions.push() },
    { keys: 'T', match: letter('t'), label: 'keys.pause', short: 'strip.pause', teacherOnly: true, run: () => actions.togglePause() },
    { keys: 'B', match: letter('b'), label: 'keys.block', short: 'strip.block', teacherOnly: true, run: () => actions.toggleBlockWebSocket() },
    { keys: 'R', match: letter('r'), label: 'keys.reset', short: 'strip.reset', teacherOnly: true, run: () => actions.reset() },
    {
      keys: `1–${last}`,
      match: (key) => /^[1-9]$/.test(key) && Number(key) <= last,
      label: 'keys.lanes',
      vars: { last },
      short: 'strip.lanes',
      teacherOnly: true,
      run: (key) => actions.toggleLane(Number(key)),
    },
    { keys: 'H', match: letter('h'), label: 'keys.handshake', short: 'strip.handshake', teacherOnly: false, run: () => actions.toggleHandshake() },
    { keys: 'V', match: letter('v'), label: 'keys.projector', short: 'strip.projector', teacherOnly: false, run: () => actions.toggleProjector() },
    { keys: 'L', match: letter('l'), label: 'keys.language', short: 'strip.language', teacherOnly: false, run: () => actions.toggleLanguage() },
  ];
}

/** A key typed into the message box or the name field is text, not a command. */
function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

export function installShortcuts(list: readonly Shortcut[], isTeacher: () => boolean): void {
  addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat || typing(event.target)) return;
    const shortcut = list.find((s) => s.match(event.key) && (!s.teacherOnly || isTeacher()));
    if (!shortcut) return;
    event.preventDefault();
    shortcut.run(event.key);
  });
}

/** Lists the keys this page acts on, in the keyboard panel and the projector strip, in the page's language. */
export function showShortcuts(list: readonly Shortcut[], isTeacher: boolean): void {
  const usable = list.filter((s) => isTeacher || !s.teacherOnly);
  byId('keys-list').replaceChildren(...usable.flatMap((s) => [el('dt', {}, el('kbd', {}, s.keys)), el('dd', {}, t(s.label, s.vars))]));
  byId('shortcut-strip').replaceChildren(...usable.map((s) => el('span', { class: 'shortcut' }, el('kbd', {}, s.keys), ` ${t(s.short)}`)));
}
