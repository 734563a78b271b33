<?php
/*
 * Short polling on PHP-FPM (php-short-polling): answers at once with the messages after the cursor, usually none.
 * The same route, parameters, answer and errors as the Node server's GET /api/poll.
 */

declare(strict_types=1);
require __DIR__ . '/common.php';

serve(function (array $config): void {
    require_method('GET');
    $params = poll_params($config);
    $redis = redis_connection($config, 5.0);
    send_poll_answer(poll_answer(since($redis, $config, $params['cursor'], $params['user'])));
});
