#!/bin/sh
# Debian's Chromium, bound to the process that launches it: setpriv asks the kernel to SIGKILL the browser when
# that process dies, even by SIGKILL (the harness's last word to a child that does not exit), as redis-server is
# bound. Playwright starts the browser in a process group of its own, so nothing else would end it.
exec setpriv --pdeathsig KILL -- /usr/bin/chromium "$@"
