/**
 * What the article's stack can be set to, as a scenario names it (results/scenario.ts) and the stack is configured
 * with (servers/stack/): PHP-FPM's process managers, the proxy in front of our server, and Debian's defaults,
 * which are the defaults here because what they do (5 workers, a 60 s gateway timeout) is part of what is shown.
 */

/** PHP-FPM's process managers: all workers from the start, between spare bounds, or started on demand. */
export const PHP_PM_KINDS = ['static', 'dynamic', 'ondemand'] as const;
export type PhpPm = (typeof PHP_PM_KINDS)[number];

/** An ordinary page of the PHP site (servers/php/page.php): what the bench's probe and the demo's button ask for. */
export const PHP_PAGE_PATH = '/page';

/** What stands in front of our server: nothing, or nginx as a reverse proxy. */
export const PROXY_KINDS = ['none', 'nginx'] as const;
export type ProxyKind = (typeof PROXY_KINDS)[number];

/** Debian's pool (/etc/php/8.2/fpm/pool.d/www.conf) and nginx's own timeouts. */
export const STACK_DEFAULTS = {
  /** pm.max_children. */
  phpWorkers: 5,
  phpPm: 'dynamic' as PhpPm,
  /** fastcgi_read_timeout and proxy_read_timeout, seconds. */
  nginxReadTimeoutSec: 60,
  /** request_terminate_timeout, seconds: 0, never. */
  phpRequestTimeoutSec: 0,
} as const;
