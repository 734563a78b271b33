import type { ServerStrategy } from './strategy.js';

/** A polling client counts as online for this long after its last request (it may be between polls). */
export const PRESENCE_TTL_MS = 5_000;

interface UserPresence {
  attached: number;
  lastSeenMs: number;
}

/** Who is online per strategy (claim C7): attached (held poll, open socket) or seen within the TTL. */
export class Presence {
  private readonly byStrategy = new Map<string, Map<string, UserPresence>>();

  watch(strategy: ServerStrategy): void {
    const users = new Map<string, UserPresence>();
    this.byStrategy.set(strategy.info.name, users);
    const entry = (userId: string) => {
      let presence = users.get(userId);
      if (!presence) users.set(userId, (presence = { attached: 0, lastSeenMs: 0 }));
      return presence;
    };
    strategy.on('request', (userId) => {
      if (userId !== undefined) entry(userId).lastSeenMs = Date.now();
    });
    strategy.on('attach', (userId) => {
      if (userId !== undefined) entry(userId).attached++;
    });
    strategy.on('detach', (userId) => {
      if (userId === undefined) return;
      const presence = entry(userId);
      presence.attached--;
      presence.lastSeenMs = Date.now();
    });
  }

  /** Online user ids per strategy, sorted. */
  online(nowMs = Date.now()): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [name, users] of this.byStrategy) {
      const online: string[] = [];
      for (const [userId, presence] of users) {
        if (presence.attached > 0 || nowMs - presence.lastSeenMs < PRESENCE_TTL_MS) online.push(userId);
        else users.delete(userId);
      }
      out[name] = online.sort();
    }
    return out;
  }
}
