<?php
/* Every path the site does not serve: the Node server's 404, in its words. */

declare(strict_types=1);
require __DIR__ . '/common.php';

serve(function (): void {
    throw new Refusal('noRoute', ['{method}' => $_SERVER['REQUEST_METHOD'] ?? 'GET', '{path}' => request_path()]);
});
