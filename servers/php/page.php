<?php
/*
 * An ordinary page of the same site: no Redis, no waiting, a few hundred bytes of HTML. The bench asks for it a few
 * times a second while the polls hold the workers: its latency is the wait of a customer with a real question
 * behind the callers on hold.
 */

declare(strict_types=1);

// When this worker took the request, for nginx's access log only (see common.php).
header(sprintf('X-Pushbench-Started: %.6f', $_SERVER['REQUEST_TIME_FLOAT']));
header('Content-Type: text/html; charset=utf-8');
header('Cache-Control: no-store');
echo "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>pushbench</title></head>\n",
    '<body><h1>An ordinary page</h1><p>Served by PHP-FPM at ', date('H:i:s'), ".</p></body></html>\n";
