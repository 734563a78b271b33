import type { IncomingMessage } from 'node:http';
import { nowMs } from '../contract/message.js';
import { USER_TOKEN_PARAM } from '../contract/wire.js';
import type { HandshakeCapture } from '../contract/demo-protocol.js';

/**
 * The handshake as the server saw it: the request head rebuilt from the raw header list (the client's own
 * spelling and order, exactly as parsed off the socket) and the response lines the server wrote.
 */
export function captureHandshake(req: IncomingMessage, responseLines: readonly string[]): HandshakeCapture {
  // The page shows this on the projector: a lane's user token stays off the screen, masked character for
  // character so that the lines still add up to the bytes counted at the socket.
  const url = (req.url ?? '').replace(
    new RegExp(`([?&]${USER_TOKEN_PARAM}=)([^&]*)`, 'g'),
    (_, key: string, value: string) => key + '*'.repeat(value.length),
  );
  const requestLines = [`${req.method} ${url} HTTP/${req.httpVersion}`];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) requestLines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  const answered = (name: string) => {
    const prefix = `${name.toLowerCase()}:`;
    const line = responseLines.find((l) => l.toLowerCase().startsWith(prefix));
    return line?.slice(prefix.length).trim();
  };
  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  return {
    at: nowMs(),
    requestLines,
    responseLines: [...responseLines],
    key: header('sec-websocket-key') ?? '',
    accept: answered('Sec-WebSocket-Accept') ?? '',
    version: header('sec-websocket-version') ?? '',
    offeredProtocols: (header('sec-websocket-protocol') ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== ''),
    protocol: answered('Sec-WebSocket-Protocol'),
    offeredExtensions: header('sec-websocket-extensions'),
    extensions: answered('Sec-WebSocket-Extensions'),
  };
}
