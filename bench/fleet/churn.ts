import { mulberry32 } from '../plan/random.js';

/** Drops fall inside this part of the schedule, so every dropped client has time to come back before the end. */
const EARLIEST = 0.1;
const LATEST = 0.7;

/**
 * Which clients lose their connection during the run, and when: round(share × clients) of them, chosen and
 * timed from the seed, so every strategy of a run sees the same churn. Entry i is the drop time of client i in
 * ms after the schedule starts, or null for a client that stays connected.
 */
export function churnPlan(seed: number, clients: number, share: number, durationMs: number): (number | null)[] {
  const plan: (number | null)[] = Array.from({ length: clients }, () => null);
  const count = Math.round(Math.min(1, Math.max(0, share)) * clients);
  if (count === 0) return plan;
  const random = mulberry32(seed ^ 0x2545f491);
  // A partial Fisher-Yates shuffle picks `count` distinct clients.
  const order = Array.from({ length: clients }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (clients - i));
    [order[i], order[j]] = [order[j], order[i]];
    plan[order[i]] = durationMs * (EARLIEST + random() * (LATEST - EARLIEST));
  }
  return plan;
}
