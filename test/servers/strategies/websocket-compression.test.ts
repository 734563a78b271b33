import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startPushServer, type PushServer } from '../../../servers/app.js';
import { ROUTES, SUBPROTOCOL } from '../../../servers/contract/wire.js';
import { jsonPayload } from '../../../bench/capacity/websocket-compression.js';

let server: PushServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Opens a client offering permessage-deflate, as Chromium does; resolves with the extensions agreed and the first message. */
async function offerDeflate(deflate: boolean | undefined): Promise<{ extensions: string; payload: unknown }> {
  server = await startPushServer({ strategies: ['websocket'], port: 0, ...(deflate !== undefined && { limits: { wsPerMessageDeflate: deflate } }) });
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}${ROUTES.ws}?since=0`, SUBPROTOCOL, { perMessageDeflate: true });
  const payload = jsonPayload(4096, 1);
  try {
    const message = new Promise<unknown>((resolve) =>
      ws.once('message', (data) => resolve((JSON.parse((data as Buffer).toString()) as { payload: unknown }).payload)),
    );
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    server.source.publish(payload);
    return { extensions: ws.extensions, payload: await message };
  } finally {
    ws.terminate();
  }
}

describe('the WebSocket strategy and permessage-deflate', () => {
  it('declines the offer by default, and the message arrives as sent', async () => {
    const { extensions, payload } = await offerDeflate(undefined);
    expect(extensions).toBe('');
    expect(payload).toEqual(jsonPayload(4096, 1));
  });

  it('accepts it when the server is set to, and the message arrives as sent', async () => {
    const { extensions, payload } = await offerDeflate(true);
    expect(extensions).toContain('permessage-deflate');
    expect(payload).toEqual(jsonPayload(4096, 1));
  });

  it('measures with JSON bodies of about the asked size, different for every seed', () => {
    for (const size of [100, 4096]) {
      const length = JSON.stringify(jsonPayload(size, 3)).length;
      expect(length).toBeLessThanOrEqual(size);
      expect(length).toBeGreaterThan(size * 0.6);
    }
    expect(jsonPayload(4096, 1)).not.toEqual(jsonPayload(4096, 2));
  });
});
