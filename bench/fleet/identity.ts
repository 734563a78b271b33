import { loadHeaderProfile, type HeaderProfile } from '../../clients/header-profile.js';
import { scenarioValue, type Scenario } from '../../results/scenario.js';
import { mulberry32 } from '../plan/random.js';

/** Characters of a session token as servers mint them (base64url): no character needs quoting in a header. */
const TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const COOKIE_NAME = 'sid=';

/**
 * The identity a browser sends with every request to its origin: a Cookie header whose value is exactly
 * `bytes` bytes (`sid=` and a token), different for every client, drawn from the seed. On the wire the header
 * line adds `Cookie: ` + value + CRLF, i.e. bytes + 10, to every HTTP request that carries it.
 */
export function identityHeaders(bytes: number, clientIndex: number, seed: number): Record<string, string> {
  if (bytes <= 0) return {};
  const random = mulberry32((seed ^ 0x9e3779b9) + clientIndex);
  let token = '';
  for (let i = COOKIE_NAME.length; i < bytes; i++) token += TOKEN_CHARS[Math.floor(random() * TOKEN_CHARS.length)];
  return { Cookie: (COOKIE_NAME + token).slice(0, bytes) };
}

/** The identity headers of client `clientIndex` of a scenario: its cookie (--cookie-bytes), drawn from its seed. */
export function scenarioIdentity(scenario: Pick<Scenario, 'cookieBytes' | 'seed'>, clientIndex: number): Record<string, string> {
  return identityHeaders(scenarioValue(scenario, 'cookieBytes'), clientIndex, scenario.seed);
}

/** Bytes a Cookie header of that value size adds to a request on the wire: "Cookie: " + value + CRLF. */
export function cookieLineBytes(bytes: number): number {
  return bytes > 0 ? 'Cookie: '.length + bytes + 2 : 0;
}

/** The header profile a scenario's simulated clients send (--headers), or undefined for the minimal one. */
export function scenarioHeaderProfile(scenario: Pick<Scenario, 'headers'>): HeaderProfile | undefined {
  const name = scenarioValue(scenario, 'headers');
  return name === 'minimal' ? undefined : loadHeaderProfile(name);
}
