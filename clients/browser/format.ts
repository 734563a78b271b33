import type { Message } from '../../servers/contract/message.js';

/** The clock of a message's `t`; a page on another device corrects it by its clock offset to the server. */
export { nowMs } from '../../servers/contract/message.js';

/** Exact up to 10 kB, where the header bytes of each request are still worth reading one by one. */
export function formatBytes(bytes: number): string {
  if (bytes < 10_000) return `${bytes.toLocaleString('en-US')} B`;
  if (bytes < 10_000_000) return `${(bytes / 1_000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

export function formatMs(ms: number): string {
  if (ms === 0) return '0 ms';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1_000).toFixed(2)} s`;
}

export function payloadText(message: Message): string {
  const text = typeof message.payload === 'string' ? message.payload : JSON.stringify(message.payload);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}
