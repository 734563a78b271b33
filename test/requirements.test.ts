import { describe, expect, it } from 'vitest';
import { isCi, requirement } from './requirements.js';

const none = () => false;
const all = () => true;

describe('the rule for a test whose program is missing', () => {
  it('runs the tests when every program is there, under CI or not', () => {
    expect(requirement(['h2load', '/usr/bin/chromium'], 'the tests', {}, all)).toEqual({ action: 'run' });
    expect(requirement(['h2load'], 'the tests', { CI: 'true' }, all)).toEqual({ action: 'run' });
  });

  it('outside CI, skips them with one line naming the program, its Debian package and npm run setup', () => {
    expect(requirement(['h2load'], 'h2load against the server', {}, none)).toEqual({
      action: 'skip',
      line: 'h2load against the server needs h2load, which is not installed: install the Debian package nghttp2-client (npm run setup); skipped',
    });
  });

  it('under CI, fails the suite with the same line', () => {
    expect(requirement(['/usr/bin/chromium'], 'the browser tests', { CI: 'true' }, none)).toEqual({
      action: 'fail',
      line:
        'the browser tests needs /usr/bin/chromium, which is not installed: install the Debian package chromium (npm run setup); under CI a ' +
        'missing program fails the suite',
    });
  });

  it('names each package once, and only the programs that are missing', () => {
    const installed = (program: string) => program === 'nginx';
    expect(requirement(['nginx', 'ip', 'tc', 'php-redis'], 'the PHP stack', {}, installed)).toEqual({
      action: 'skip',
      line:
        'the PHP stack needs ip, tc, php-redis, which are not installed: install the Debian packages iproute2 php-redis (npm run setup); ' +
        'skipped',
    });
  });

  it('knows CI by the variable CI services set, and not by "false" or "0"', () => {
    expect(isCi({ CI: 'true' })).toBe(true);
    expect(isCi({ CI: '1' })).toBe(true);
    expect(isCi({ CI: 'false' })).toBe(false);
    expect(isCi({ CI: '0' })).toBe(false);
    expect(isCi({ CI: '' })).toBe(false);
    expect(isCi({})).toBe(false);
  });

  it('refuses a program that is on no list, so that no test needs what npm run setup does not install', () => {
    expect(() => requirement(['mystery-tool'], 'a test', {}, none)).toThrow(
      'mystery-tool is on no list of Debian packages (scripts/debian-packages.ts)',
    );
  });
});
