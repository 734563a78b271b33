import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha1, toBase64, toHex, WEBSOCKET_GUID } from '../../../clients/browser/sha1.js';

describe('the page’s own SHA-1 (phones on plain http have no crypto.subtle)', () => {
  it('derives RFC 6455’s example accept value from its example key', () => {
    const digest = sha1(new TextEncoder().encode(`dGhlIHNhbXBsZSBub25jZQ==${WEBSOCKET_GUID}`));
    expect(toBase64(digest)).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(toHex(digest)).toBe('b3 7a 4f 2c c0 62 4f 16 90 f6 46 06 cf 38 59 45 b2 be c4 ea');
  });

  it('agrees with node:crypto across the block boundaries', () => {
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000]) {
      const bytes = randomBytes(length);
      expect(Buffer.from(sha1(bytes)).toString('hex'), `length ${length}`).toBe(createHash('sha1').update(bytes).digest('hex'));
    }
  });
});
