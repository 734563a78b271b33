<?php
/*
 * POST /api/publish on PHP-FPM: the application back end publishing from one of its own requests, on the same pool
 * as the polls. The same body, answer and errors as the Node server's; the message is appended by the log's own
 * Lua script, so seqs stay atomic and the stored text is what the Node server would store for the same body.
 *
 * Idempotency-Key: a publisher that retries after a 504 cannot know whether its first request, still queued for a
 * worker when nginx gave up on it, will run later. Under a key Redis remembers, the second attempt and the late
 * first one get the same seq and append one message.
 */

declare(strict_types=1);
require __DIR__ . '/common.php';

serve(function (array $config): void {
    require_method('POST');
    $limits = $config['limits'];
    check_origin();
    $type = strtolower(trim(explode(';', $_SERVER['CONTENT_TYPE'] ?? '', 2)[0]));
    if ($type !== 'application/json') throw new Refusal('bodyNotDeclaredJson');
    $body = read_json_body($limits['publishBodyBytes']);
    if (!($body instanceof stdClass) || !property_exists($body, 'payload')) throw new Refusal('publishBodyShape');
    if (property_exists($body, 'to') && !is_string($body->to)) throw new Refusal('recipientNotString');
    $to = parse_user_id(property_exists($body, 'to') ? $body->to : null, $limits['userIdChars'], '"to"');
    if (depth_of($body->payload) > $limits['payloadDepth']) {
        throw new Refusal('payloadRefused', ['{reason}' => "payload is nested deeper than {$limits['payloadDepth']} levels"]);
    }
    $key = $_SERVER['HTTP_IDEMPOTENCY_KEY'] ?? null;
    if ($key !== null) parse_user_id($key, $limits['userIdChars'], 'Idempotency-Key');
    $t = publish_time($body, $limits, microtime(true) * 1000);
    $afterSeq = ',"t":' . js_number($t) . ',"payload":' . json_text($body->payload) . ($to === null ? '' : ',"to":' . json_text($to)) . '}';
    $redis = redis_connection($config, $config['publishTimeoutMs'] / 1000);
    $argv = ['0', (string) $config['ringSize'], $afterSeq];
    // The append script's deadline, on Redis's clock (the same machine's: the stack runs beside its Redis).
    $deadline = (string) (int) floor(microtime(true) * 1000 + $config['publishTimeoutMs'] - $config['lateMarginMs']);
    [$seq] = $key === null
        ? run_script($redis, $config, 'append', [...$argv, $deadline])
        : run_script($redis, $config, 'appendOnce', [...$argv, (string) $config['idempotencySeconds']], [$config['keys']['log'] . ':publish:' . $key]);
    if ((int) $seq === 0) throw new Refusal('sourceUnavailable', ['{reason}' => $config['unansweredMessage']]);
    send_json(202, '{"seq":' . (int) $seq . '}');
});

/**
 * The message's time: the publisher's own `t` when it gives one (its schedule's, so that latency counts from when
 * the publish was asked for, however long the request waited for a worker), within the Node server's limits around
 * this server's clock; otherwise now.
 */
function publish_time(stdClass $body, array $limits, float $nowMs): float
{
    if (!property_exists($body, 't')) return $nowMs;
    $t = $body->t;
    $before = $limits['publishTimeBeforeMs'];
    $after = $limits['publishTimeAfterMs'];
    if (!(is_int($t) || is_float($t)) || !($t >= $nowMs - $before && $t <= $nowMs + $after)) {
        throw new Refusal('badPublishTime', ['{beforeMs}' => (string) $before, '{afterMs}' => (string) $after]);
    }
    return (float) $t;
}

/** A foreign Origin may not publish (a page elsewhere could make a browser do it): 403, as on the Node server. */
function check_origin(): void
{
    $origin = $_SERVER['HTTP_ORIGIN'] ?? null;
    if ($origin === null) return;
    $parts = parse_url($origin);
    $host = ($parts['host'] ?? '') . (isset($parts['port']) ? ':' . $parts['port'] : '');
    if (!is_array($parts) || $host !== ($_SERVER['HTTP_HOST'] ?? null)) throw new Refusal('originNotAllowed', ['{origin}' => $origin]);
}

/**
 * The body as JSON.parse reads it, with the Node server's refusals in its order: compressed, not UTF-8, over the
 * limit (declared or read), not valid UTF-8, not JSON, a number JSON.parse would make Infinity. Objects stay
 * objects (stdClass), so that {} is written back as {}.
 */
function read_json_body(int $maxBytes): mixed
{
    $encoding = $_SERVER['HTTP_CONTENT_ENCODING'] ?? null;
    if ($encoding !== null && strtolower(trim($encoding)) !== 'identity') {
        throw new Refusal('bodyCompressed', ['{encoding}' => substr($encoding, 0, 32)]);
    }
    if (preg_match('/;\s*charset\s*=\s*"?([^";\s]+)/i', $_SERVER['CONTENT_TYPE'] ?? '', $m) === 1 && preg_match('/^utf-?8$/i', $m[1]) !== 1) {
        throw new Refusal('bodyNotUtf8Json');
    }
    $declared = $_SERVER['CONTENT_LENGTH'] ?? '';
    if ($declared !== '' && (int) $declared > $maxBytes) throw new Refusal('bodyTooLarge', ['{maxBytes}' => (string) $maxBytes]);
    $text = (string) file_get_contents('php://input', false, null, 0, $maxBytes + 1);
    if (strlen($text) > $maxBytes) throw new Refusal('bodyTooLarge', ['{maxBytes}' => (string) $maxBytes]);
    if ($text === '') return null;
    if (preg_match('//u', $text) !== 1) throw new Refusal('bodyNotUtf8');
    // The Node server's UTF-8 decoder drops a leading byte order mark; JSON.parse never sees it.
    if (str_starts_with($text, "\xEF\xBB\xBF")) $text = substr($text, 3);
    // As deep as the body allows: JSON.parse has no depth limit of its own, the payload's depth is checked after.
    $value = json_decode($text, false, $maxBytes + 1);
    if (json_last_error() !== JSON_ERROR_NONE) throw new Refusal('bodyNotJson');
    if (has_non_finite($value)) throw new Refusal('bodyNumberOutOfRange');
    return $value;
}

function has_non_finite(mixed $root): bool
{
    $stack = [$root];
    while ($stack) {
        $value = array_pop($stack);
        if (is_float($value) && !is_finite($value)) return true;
        if (is_array($value) || $value instanceof stdClass) foreach ((array) $value as $child) $stack[] = $child;
    }
    return false;
}

/** Nesting of arrays and objects, as servers/log/payload.ts counts it (a scalar is 0), without recursion. */
function depth_of(mixed $root): int
{
    $deepest = 0;
    $stack = [[$root, 0]];
    while ($stack) {
        [$value, $depth] = array_pop($stack);
        if (!is_array($value) && !($value instanceof stdClass)) continue;
        $deepest = max($deepest, $depth + 1);
        foreach ((array) $value as $child) $stack[] = [$child, $depth + 1];
    }
    return $deepest;
}
