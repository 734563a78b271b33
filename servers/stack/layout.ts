import { join } from 'node:path';

/** Where one stack keeps everything it writes: configs, sockets, logs, pids, nginx's temp files, in one temp dir. */
export interface StackLayout {
  dir: string;
  nginxConf: string;
  nginxPid: string;
  nginxErrorLog: string;
  /** One line per request (see ACCESS_LOG_FORMAT in nginx-config.ts): what the bench counts the stack's answers from. */
  accessLog: string;
  /** The bench's own server of nginx: FPM's status page and nginx's counters, on a unix socket, never logged. */
  opsSocket: string;
  nginxTemp: string;
  fpmConf: string;
  fpmPid: string;
  fpmLog: string;
  fpmSocket: string;
  /** FPM's status pool (pm.status_listen): it answers while every worker of the main pool is busy. */
  fpmStatusSocket: string;
  phpConfig: string;
}

export function stackLayout(dir: string): StackLayout {
  const at = (name: string) => join(dir, name);
  return {
    dir,
    nginxConf: at('nginx.conf'),
    nginxPid: at('nginx.pid'),
    nginxErrorLog: at('nginx-error.log'),
    accessLog: at('access.log'),
    opsSocket: at('ops.sock'),
    nginxTemp: at('nginx-temp'),
    fpmConf: at('php-fpm.conf'),
    fpmPid: at('php-fpm.pid'),
    fpmLog: at('php-fpm.log'),
    fpmSocket: at('php-fpm.sock'),
    fpmStatusSocket: at('php-fpm-status.sock'),
    phpConfig: at('config.php'),
  };
}
