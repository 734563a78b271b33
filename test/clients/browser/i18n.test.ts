import { beforeAll, describe, expect, it, vi } from 'vitest';

// The module reads the page's stored language when it loads; in node there is no page.
vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => {} });
vi.stubGlobal('navigator', { language: 'en-GB' });

let i18n: typeof import('../../../clients/browser/i18n.js');
beforeAll(async () => {
  i18n = await import('../../../clients/browser/i18n.js');
});

/** The server's answer to a second page joining as "ada" (servers/demo/routes.ts). */
const TAKEN = { status: 409, error: 'the name ada is taken; pick another' };

describe('a refused join, in the page’s language', () => {
  it('tells a taken name (409) by its status, in Chinese too, not in the server’s English', () => {
    expect(i18n.joinRefusal(TAKEN, 'ada', 'zh')).toBe('409：名字 ada 已被占用，请换一个');
    expect(i18n.joinRefusal(TAKEN, 'ada', 'en')).toBe('409: the name ada is taken; pick another');
  });

  it('shows any other refusal as the server said it', () => {
    const full = { status: 503, error: 'the demo has handed out 1000 names, its limit' };
    expect(i18n.joinRefusal(full, 'ada', 'zh')).toBe('503：the demo has handed out 1000 names, its limit');
    expect(i18n.joinRefusal({ status: 0, error: 'Failed to fetch' }, 'ada', 'en')).toBe('0: Failed to fetch');
  });

  it('follows the page’s language when none is given', () => {
    expect(i18n.language()).toBe('en');
    expect(i18n.joinRefusal(TAKEN, 'ada')).toBe('409: the name ada is taken; pick another');
  });
});
