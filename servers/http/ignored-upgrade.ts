import type { IncomingMessage } from 'node:http';

/** Header fields that only ask for an upgrade, dropped from a request served without it. */
const UPGRADE_FIELDS = new Set(['upgrade', 'http2-settings']);
/** Connection options that name those fields (RFC 9110 §7.6.1). */
const UPGRADE_OPTIONS = new Set(['upgrade', 'http2-settings']);

/** Whether a request asks for a WebSocket (among the protocols its Upgrade lists); any other upgrade is ignored. */
export function asksForWebSocket(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').split(',').some((protocol) => protocol.trim().toLowerCase().startsWith('websocket'));
}

/**
 * The head of `req` as it would read without its upgrade: the request line and every header field as received
 * (names as sent, in order), except `Upgrade`, `HTTP2-Settings` and those names in `Connection` (the field goes
 * if nothing else is left in it). A server may ignore an upgrade it does not take (RFC 9110 §7.8) and answer in
 * the protocol the request came in: `curl --http2 http://…` asks for h2c that way and goes on in HTTP/1.1.
 */
export function headWithoutUpgrade(req: IncomingMessage): Buffer {
  let head = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    const lower = name.toLowerCase();
    if (UPGRADE_FIELDS.has(lower)) continue;
    let value = raw[i + 1];
    if (lower === 'connection') {
      value = value
        .split(',')
        .map((option) => option.trim())
        .filter((option) => option !== '' && !UPGRADE_OPTIONS.has(option.toLowerCase()))
        .join(', ');
      if (value === '') continue;
    }
    head += `${name}: ${value}\r\n`;
  }
  return Buffer.from(`${head}\r\n`, 'latin1');
}
