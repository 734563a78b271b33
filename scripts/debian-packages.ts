import { spawnSync } from 'node:child_process';
import { findProgram } from '../bench/plan/programs.js';

export { findProgram };

/**
 * The Debian packages the tests and the presets start programs from, each with why: the one list behind
 * `npm run setup` (scripts/setup.ts, which `.ci/run` calls) and the tests' requirements (test/requirements.ts).
 * Node.js and npm come first and are not on it; nothing here is downloaded at run time.
 */
export interface DebianPackage {
  /** The Debian package, as apt-get installs it. */
  name: string;
  /** What uses it, for the line `npm run setup` prints. */
  why: string;
  /**
   * The programs the tests look for, by name on PATH (and the sbin folders, which a user's PATH may lack) or by
   * absolute path. Empty for a package that installs no program of its own (a PHP extension).
   */
  programs: readonly string[];
  /** A package without a program of its own: how to tell it is there. */
  present?: () => boolean;
}

export const DEBIAN_PACKAGES: readonly DebianPackage[] = [
  {
    name: 'chromium',
    programs: ['/usr/bin/chromium'],
    why: 'the browser tests and docs/ screenshots: playwright-core drives Debian’s Chromium (a browser is never downloaded)',
  },
  {
    name: 'redis-server',
    programs: ['redis-server'],
    why: 'the message log on Redis (--source redis, the scale-out presets) and its tests; the bench starts its own',
  },
  { name: 'nghttp2-client', programs: ['h2load'], why: 'h2load, the HTTP/2 capacity probe (capacity, scale, http2 presets) and its test' },
  { name: 'openssl', programs: ['openssl'], why: 'a throwaway self-signed certificate for the TLS runs and their tests' },
  { name: 'nginx', programs: ['nginx'], why: 'the article’s stack: nginx in front of PHP-FPM, and as a reverse proxy for our strategies' },
  { name: 'php8.2-fpm', programs: ['php-fpm8.2'], why: 'the article’s stack: short and long polling written in PHP, on PHP-FPM' },
  {
    name: 'php-redis',
    programs: [],
    present: () => phpModules().includes('redis'),
    why: 'the PHP strategies read the same Redis Stream as ours',
  },
  { name: 'nftables', programs: ['nft'], why: 'packet loss in the kernel for the kernel network (--network kernel, the network preset; as root)' },
  {
    name: 'iproute2',
    programs: ['ip', 'tc', 'ss'],
    why:
      'the kernel network: the namespaces, their veth pair, tc shaping, and TCP’s own RTT (ss -ti) (as root); ' +
      'ss also reads the kernel memory of the server’s sockets and PHP-FPM’s accept queue',
  },
  { name: 'iptables', programs: ['iptables-nft'], why: 'the kernel network’s delay line: packets queued to it by an NFQUEUE rule (as root)' },
  { name: 'python3', programs: ['python3'], why: 'the kernel network’s delay line (bench/network/delay-line.py): Node.js has no netlink socket' },
  {
    name: 'util-linux',
    programs: ['setpriv'],
    why: 'setpriv: the kernel network’s no-root test runs the bench with root’s capabilities dropped, and Chromium is bound to its launcher',
  },
  { name: 'tshark', programs: ['tshark'], why: 'the byte check of the wire counts against a capture' },
];

/** Whether a package's programs are all there (or, without one, whatever it installs). */
export function isInstalled(pkg: DebianPackage): boolean {
  if (pkg.present) return pkg.present();
  return pkg.programs.every((program) => findProgram(program) !== null);
}

/** The modules PHP-FPM loads, one a line ("redis"); empty without PHP-FPM. */
function phpModules(): string[] {
  const fpm = findProgram('php-fpm8.2');
  if (fpm === null) return [];
  const listed = spawnSync(fpm, ['-m'], { encoding: 'utf8', timeout: 10_000 });
  return (listed.stdout ?? '').split('\n').map((line) => line.trim().toLowerCase());
}
