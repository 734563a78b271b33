/**
 * When a short-polling client's next poll is due, drift-free: every interval from its first poll, as Blink runs a
 * page's setInterval (the next beat is the next multiple of the interval, however late this one ran; a beat missed
 * by more than half an interval is skipped, not made up). A timer re-armed from the moment it ran instead polls less often the busier
 * the machine: on two cores shared with twenty renderers, a browser's poll every 1,000 ms came out every ~1,080 ms.
 * Both the simulated client and the browser's use it, so requests per message compare.
 */
export function nextPollDelayMs(firstPollAtMs: number, nowMs: number, intervalMs: number): number {
  const sinceFirst = Math.max(0, nowMs - firstPollAtMs);
  // The beat this tick is: the nearest one, since a timer may fire a fraction of a millisecond before its time on
  // another clock, and that tick must not count as the previous beat's (its next wait would be ~0: a double poll).
  const beat = Math.round(sinceFirst / intervalMs);
  return (beat + 1) * intervalMs - sinceFirst;
}
