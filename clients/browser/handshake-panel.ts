/**
 * The real handshake of this page's WebSocket lane, as the server captured it, and the derivation of
 * Sec-WebSocket-Accept from Sec-WebSocket-Key done again here, in the browser, step by step (RFC 6455 §4.2.2).
 */
import type { HandshakeCapture } from '../../servers/contract/demo-protocol.js';
import { byId, el } from './format.js';
import { t } from './i18n.js';
import { sha1, toBase64, toHex, WEBSOCKET_GUID } from './sha1.js';

/** Header lines that carry the handshake's meaning, marked in the raw text. */
const MARKED = /^(upgrade|connection|sec-websocket-[a-z]+):/i;

export class HandshakePanel {
  private shown?: HandshakeCapture;

  constructor(private readonly root: HTMLElement) {}

  show(capture: HandshakeCapture | undefined): void {
    if (capture === this.shown || (capture && this.shown && capture.at === this.shown.at)) return;
    this.shown = capture;
    this.render();
  }

  /** Re-renders the sentences that depend on the language. */
  render(): void {
    const capture = this.shown;
    this.root.classList.toggle('empty', capture === undefined);
    if (!capture) return;
    this.fillRaw('request', capture.requestLines);
    this.fillRaw('response', capture.responseLines);

    const concatenated = capture.key + WEBSOCKET_GUID;
    const digest = sha1(new TextEncoder().encode(concatenated));
    const computed = toBase64(digest);
    this.field('key').textContent = capture.key;
    const concat = this.field('concat');
    concat.replaceChildren(el('span', { class: 'hs-key' }, capture.key), el('span', { class: 'hs-guid' }, WEBSOCKET_GUID));
    this.field('sha1').textContent = toHex(digest);
    this.field('accept-computed').textContent = computed;
    this.field('accept-server').textContent = capture.accept;
    const match = this.field('match');
    match.textContent = computed === capture.accept ? t('handshake.match') : t('handshake.mismatch');
    match.className = computed === capture.accept ? 'ok' : 'bad';

    const none = t('handshake.protocol.none');
    this.field('protocol').textContent = t('handshake.protocol', {
      offered: capture.offeredProtocols.join(', ') || none,
      chosen: capture.protocol ?? none,
    });
    this.field('extensions').textContent = t('handshake.extensions', {
      offered: capture.offeredExtensions ?? none,
      accepted: capture.extensions ?? none,
    });
    this.field('version').textContent = t('handshake.version', { version: capture.version });
  }

  private fillRaw(which: 'request' | 'response', lines: readonly string[]): void {
    const pre = this.field(which);
    pre.replaceChildren(...lines.map((line, i) => el(i === 0 || MARKED.test(line) ? 'mark' : 'span', {}, line + '\n')));
  }

  private field(name: string): HTMLElement {
    const element = this.root.querySelector<HTMLElement>(`[data-hs="${name}"]`);
    if (!element) throw new Error(`the handshake panel has no [data-hs="${name}"]`);
    return element;
  }
}

export function handshakePanel(): HandshakePanel {
  return new HandshakePanel(byId('handshake'));
}
