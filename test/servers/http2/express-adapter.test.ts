import http2 from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import { PushServer } from '../../../servers/app.js';
import { TOKEN_HEADER } from '../../../servers/contract/wire.js';
import { h2request } from './helpers.js';

let server: PushServer | undefined;
let session: http2.ClientHttp2Session | undefined;

afterEach(async () => {
  session?.destroy();
  await server?.close();
  server = undefined;
});

async function start(publishToken?: string): Promise<http2.ClientHttp2Session> {
  server = new PushServer({ strategies: ['short-polling', 'long-polling'], ...(publishToken && { security: { publishToken } }) });
  await server.listen(0, '127.0.0.1');
  session = http2.connect(server.url);
  return session;
}

const JSON_POST = { ':method': 'POST', 'content-type': 'application/json' };

describe('the express routes over HTTP/2', () => {
  it('publishes, and tells stats and presence, as over HTTP/1.1', async () => {
    const h2 = await start();
    const published = await h2request(h2, '/api/publish', JSON_POST, '{"payload":{"n":1}}');
    expect([published.status, JSON.parse(published.body)]).toEqual([202, { seq: 1 }]);
    const poll = await h2request(h2, '/api/poll?since=0&user=amy');
    expect(JSON.parse(poll.body)).toMatchObject({ messages: [{ seq: 1, payload: { n: 1 } }], cursor: 1 });
    const stats = await h2request(h2, '/api/stats');
    expect(stats.status).toBe(200);
    expect(stats.headers['cache-control']).toBe('no-store');
    const body = JSON.parse(stats.body) as { source: { head: number }; strategies: Record<string, { requests: number }> };
    expect(body.source.head).toBe(1);
    expect(body.strategies['short-polling'].requests).toBe(1);
    const presence = await h2request(h2, '/api/presence');
    expect(presence.status).toBe(200);
    expect(JSON.parse(presence.body)).toMatchObject({ counts: { 'short-polling': 1, 'long-polling': 0 } });
    // Publish, stats and presence are control traffic; the poll is the strategy's, on the same session.
    expect(server!.ledger.totalsFor('control').clientToServer).toBeGreaterThan(0);
    expect(server!.ledger.totalsFor('short-polling').serverToClient).toBeGreaterThan(0);
  });

  it('asks for the publish token over HTTP/2 too', async () => {
    const h2 = await start('a-token-of-16-chars');
    const refused = await h2request(h2, '/api/publish', JSON_POST, '{"payload":1}');
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer');
    const accepted = await h2request(h2, '/api/publish', { ...JSON_POST, [TOKEN_HEADER]: 'a-token-of-16-chars' }, '{"payload":1}');
    expect([accepted.status, accepted.body]).toEqual([202, '{"seq":1}']);
  });
});
