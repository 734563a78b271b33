import { join } from 'node:path';
import { renderError } from '../http/error-codes.js';
import { JSON_TYPE, NOSNIFF } from '../http/answers.js';
import { ROUTES } from '../contract/wire.js';
import { FPM_STATUS_PATH } from './fpm-config.js';
import type { StackLayout } from './layout.js';

/** nginx's own counters (stub_status), on the ops server. */
export const NGINX_STATUS_PATH = '/nginx-status';

/**
 * Debian's nginx.conf worker_connections is 768: two workers would refuse new connections past about 700 proxied
 * clients (each holds a client and an upstream connection), a limit of the config file, not of the pool the bench
 * measures. Raised so that 2,000 clients fit; everything else of Debian's file is kept.
 */
export const WORKER_CONNECTIONS = 4_096;

/** The headers a PHP script tells nginx's access log about, never sent on to the client (fastcgi_hide_header). */
export const LOGGED_UPSTREAM_HEADERS = {
  /** Messages a poll answer carried. */
  messages: 'X-Pushbench-Messages',
  /** When the FPM worker began the request (REQUEST_TIME_FLOAT, seconds): the wait for a worker ends there. */
  started: 'X-Pushbench-Started',
} as const;

/**
 * One line per request: when it ended (ms), status, bytes in and out as nginx counted them on the client's
 * connection (request line, headers and body in; status line, headers and body out), how long it took, which
 * connection, the path, and what the script said in its hidden headers ("-" when nothing: a proxied request, an
 * answer of nginx's own such as a 504).
 */
export const ACCESS_LOG_FORMAT =
  '$msec $status $request_length $bytes_sent $request_time $connection "$uri" ' +
  `"$upstream_http_${headerVariable(LOGGED_UPSTREAM_HEADERS.messages)}" "$upstream_http_${headerVariable(LOGGED_UPSTREAM_HEADERS.started)}"`;

export interface NginxTimeouts {
  /** fastcgi_read_timeout (PHP) or proxy_read_timeout (our server), seconds: nginx's default is 60. */
  readTimeoutSec: number;
}

/** nginx in front of PHP-FPM: the PHP strategies' routes, each a script of servers/php/, the rest a JSON 404. */
export interface PhpSiteOptions extends NginxTimeouts {
  layout: StackLayout;
  port: number;
  phpDir: string;
  routes: readonly { path: string; script: string }[];
  notFoundScript: string;
  publishBodyBytes: number;
}

/** nginx in front of our Node server: a reverse proxy for every route, WebSocket upgrades included. */
export interface ProxyOptions extends NginxTimeouts {
  layout: StackLayout;
  port: number;
  upstreamPort: number;
}

export function nginxPhpSite(options: PhpSiteOptions): string {
  const { layout, phpDir } = options;
  const php = (script: string) => [
    ...FASTCGI_PARAMS,
    `fastcgi_param SCRIPT_FILENAME ${join(phpDir, script)};`,
    // The stack's config.php (servers/stack/php-config.ts): Redis, the log's keys, the limits, the error sentences.
    `fastcgi_param PUSHBENCH_CONFIG ${layout.phpConfig};`,
    'fastcgi_pass php;',
  ];
  const tooLarge = renderError('bodyTooLarge', { maxBytes: options.publishBodyBytes });
  const server = [
    `listen 127.0.0.1:${options.port};`,
    ...Object.values(LOGGED_UPSTREAM_HEADERS).map((name) => `fastcgi_hide_header ${name};`),
    // A body over the publish limit is refused by nginx before PHP sees it: in the Node server's words.
    `client_max_body_size ${options.publishBodyBytes};`,
    'error_page 413 = @body_too_large;',
    block('location @body_too_large', [
      `default_type "${JSON_TYPE}";`,
      `add_header ${NOSNIFF[0]} ${NOSNIFF[1]} always;`,
      `return ${tooLarge.status} ${quoted(JSON.stringify({ error: tooLarge.message }))};`,
    ]),
    ...options.routes.map(({ path, script }) => block(`location = ${path}`, php(script))),
    block('location /', php(options.notFoundScript)),
  ];
  return mainConfig(layout, [
    `fastcgi_read_timeout ${options.readTimeoutSec}s;`,
    block('upstream php', [`server unix:${layout.fpmSocket};`]),
    block('server', server),
    opsServer(layout, [
      block(`location = ${FPM_STATUS_PATH}`, [
        ...FASTCGI_PARAMS,
        // FPM answers its status page only for a request that names it as the script.
        `fastcgi_param SCRIPT_FILENAME ${FPM_STATUS_PATH};`,
        `fastcgi_pass unix:${layout.fpmStatusSocket};`,
      ]),
    ]),
  ]);
}

/**
 * The article's recipe for a push server behind nginx: HTTP/1.1 to the upstream with keep-alive connections, the
 * WebSocket upgrade passed on (Upgrade and Connection set from the request, as nginx's own documentation does it),
 * the client's Host kept. nginx's defaults otherwise: proxy_read_timeout 60 s closes a proxied connection on which
 * nothing arrived for that long — an idle WebSocket without a heartbeat among them. An event stream is not
 * buffered (nginx would hold its events back until a buffer fills).
 */
export function nginxProxy(options: ProxyOptions): string {
  const proxied = [
    'proxy_pass http://node;',
    'proxy_http_version 1.1;',
    'proxy_set_header Host $http_host;',
    'proxy_set_header Upgrade $http_upgrade;',
    'proxy_set_header Connection $connection_upgrade;',
  ];
  return mainConfig(options.layout, [
    // Upgrade when asked; otherwise an empty Connection, so that the upstream connection is kept alive.
    block('map $http_upgrade $connection_upgrade', ['default upgrade;', "'' '';"]),
    `proxy_read_timeout ${options.readTimeoutSec}s;`,
    block('upstream node', [`server 127.0.0.1:${options.upstreamPort};`, 'keepalive 64;']),
    block('server', [
      `listen 127.0.0.1:${options.port};`,
      block('location /', proxied),
      block(`location = ${ROUTES.sse}`, [...proxied, 'proxy_buffering off;']),
    ]),
    opsServer(options.layout, []),
  ]);
}

/** Debian's nginx.conf, in the foreground, with every path in the stack's dir and the access log in our format. */
function mainConfig(layout: StackLayout, http: string[]): string {
  const temp = (name: string) => join(layout.nginxTemp, name);
  return [
    '# Generated by pushbench for one stack (servers/stack/nginx-config.ts).',
    'daemon off;',
    'worker_processes auto;',
    `worker_rlimit_nofile ${WORKER_CONNECTIONS * 2};`,
    `pid ${layout.nginxPid};`,
    `error_log ${layout.nginxErrorLog};`,
    block('events', [`worker_connections ${WORKER_CONNECTIONS};`]),
    block('http', [
      'sendfile on;',
      'tcp_nopush on;',
      'types_hash_max_size 2048;',
      block('types', ['text/html html;', 'application/json json;']),
      'default_type application/octet-stream;',
      'gzip on;',
      `log_format pushbench '${ACCESS_LOG_FORMAT}';`,
      `access_log ${layout.accessLog} pushbench;`,
      `client_body_temp_path ${temp('body')};`,
      `proxy_temp_path ${temp('proxy')};`,
      `fastcgi_temp_path ${temp('fastcgi')};`,
      `uwsgi_temp_path ${temp('uwsgi')};`,
      `scgi_temp_path ${temp('scgi')};`,
      ...http,
    ]),
    '',
  ].join('\n');
}

/** The bench's own server: on a unix socket in the stack's dir, never in the access log. */
function opsServer(layout: StackLayout, locations: string[]): string {
  return block('server', [
    `listen unix:${layout.opsSocket};`,
    'access_log off;',
    block(`location = ${NGINX_STATUS_PATH}`, ['stub_status;']),
    ...locations,
  ]);
}

/** Debian's /etc/nginx/fastcgi_params, inlined so that the stack reads nothing from /etc. */
const FASTCGI_PARAMS = [
  'fastcgi_param QUERY_STRING $query_string;',
  'fastcgi_param REQUEST_METHOD $request_method;',
  'fastcgi_param CONTENT_TYPE $content_type;',
  'fastcgi_param CONTENT_LENGTH $content_length;',
  'fastcgi_param SCRIPT_NAME $fastcgi_script_name;',
  'fastcgi_param REQUEST_URI $request_uri;',
  'fastcgi_param DOCUMENT_URI $document_uri;',
  'fastcgi_param DOCUMENT_ROOT $document_root;',
  'fastcgi_param SERVER_PROTOCOL $server_protocol;',
  'fastcgi_param REQUEST_SCHEME $scheme;',
  'fastcgi_param GATEWAY_INTERFACE CGI/1.1;',
  'fastcgi_param SERVER_SOFTWARE nginx/$nginx_version;',
  'fastcgi_param REMOTE_ADDR $remote_addr;',
  'fastcgi_param REMOTE_PORT $remote_port;',
  'fastcgi_param SERVER_ADDR $server_addr;',
  'fastcgi_param SERVER_PORT $server_port;',
  'fastcgi_param SERVER_NAME $server_name;',
  'fastcgi_param REDIRECT_STATUS 200;',
];

function block(head: string, body: string[]): string {
  return `${head} {\n${body.map((line) => line.replace(/^/gm, '  ')).join('\n')}\n}`;
}

/** A string of nginx's config, single-quoted; a `$` would be read as a variable, and nothing of ours has one. */
function quoted(text: string): string {
  if (text.includes('$')) throw new Error(`no $ in a quoted string of nginx.conf: ${text}`);
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** nginx's variable name for a header: lowercase, dashes as underscores. */
function headerVariable(name: string): string {
  return name.toLowerCase().replaceAll('-', '_');
}
