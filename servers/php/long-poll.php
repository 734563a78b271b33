<?php
/*
 * Long polling on PHP-FPM (php-long-polling): a poll with nothing to answer waits in XREAD BLOCK on the log until a
 * message after its cursor arrives or its timeout passes, and holds its FPM worker all that time: the article's
 * "customer service" on hold. The same route, parameters, answer and errors as the Node server's GET /api/long-poll.
 */

declare(strict_types=1);
require __DIR__ . '/common.php';

serve(function (array $config): void {
    require_method('GET');
    $params = poll_params($config);
    $limits = $config['limits'];
    $timeoutMs = parse_integer_param($params['query']['timeout'] ?? null, 'timeout', $config['minLongPollTimeoutMs'], $limits['longPollTimeoutMs'])
        ?? $limits['longPollTimeoutMs'];
    $cursor = $params['cursor'];
    $user = $params['user'];
    // Reads may wait as long as the hold, and a little more.
    $redis = redis_connection($config, $timeoutMs / 1000 + 5.0);
    $result = since($redis, $config, $cursor, $user);
    $deadline = microtime(true) + $timeoutMs / 1000;
    // Nothing new: wait for entries after the cursor (or after the head, for cursor 0 and a log that has none).
    $waitFrom = max($cursor, $result['cursor']);
    while (count($result['texts']) === 0 && $result['gap'] === null) {
        $leftMs = (int) ceil(($deadline - microtime(true)) * 1000);
        if ($leftMs <= 0) break;
        $read = $redis->xRead([$config['keys']['log'] => "$waitFrom-0"], 1, $leftMs);
        if (!is_array($read) || count($read) === 0) {
            // The hold is over: answer with what there is, as the Node server does when its timer fires.
            $result = since($redis, $config, $cursor, $user);
            break;
        }
        // A message after the cursor arrived; it may be another user's, and then the poll waits on.
        $result = since($redis, $config, $cursor, $user);
        $waitFrom = max($waitFrom, (int) array_key_last($read[$config['keys']['log']]));
    }
    send_poll_answer(poll_answer($result));
});
