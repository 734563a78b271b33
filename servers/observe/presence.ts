import type { ServerStrategy } from '../strategy.js';

/** A polling client counts as online for this long after its last request (it may be between polls). */
export const PRESENCE_TTL_MS = 5_000;

interface UserPresence {
  attached: number;
  lastSeenMs: number;
}

/**
 * Who is online per strategy (claim C7): attached (held poll, open socket) or seen within the TTL. Ids that
 * went quiet are forgotten on a timer, whether or not anyone reads the presence, and at most `maxIds` are
 * remembered at once (over all strategies): a client inventing a new id per request cannot grow memory. An id
 * that arrives while the table is full is not shown (it is counted in `untracked`) until room frees up.
 */
export class Presence {
  private readonly byStrategy = new Map<string, Map<string, UserPresence>>();
  private size = 0;
  private untrackedCount = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly maxIds: number) {
    this.sweeper = setInterval(() => this.sweep(), PRESENCE_TTL_MS).unref();
  }

  /** Ids remembered now, over all strategies. */
  get trackedIds(): number {
    return this.size;
  }

  /** Times an id was not remembered because the table was full. */
  get untracked(): number {
    return this.untrackedCount;
  }

  watch(strategy: ServerStrategy): void {
    const users = new Map<string, UserPresence>();
    this.byStrategy.set(strategy.info.name, users);
    const entry = (userId: string): UserPresence | undefined => {
      let presence = users.get(userId);
      if (presence) return presence;
      if (this.size >= this.maxIds) {
        this.untrackedCount++;
        return undefined;
      }
      users.set(userId, (presence = { attached: 0, lastSeenMs: Date.now() }));
      this.size++;
      return presence;
    };
    strategy.on('request', (userId) => {
      const presence = userId === undefined ? undefined : entry(userId);
      if (presence) presence.lastSeenMs = Date.now();
    });
    strategy.on('attach', (userId) => {
      const presence = userId === undefined ? undefined : entry(userId);
      if (presence) presence.attached++;
    });
    strategy.on('detach', (userId) => {
      // An id that was not remembered when it attached has nothing to undo.
      const presence = userId === undefined ? undefined : users.get(userId);
      if (!presence) return;
      presence.attached = Math.max(0, presence.attached - 1);
      presence.lastSeenMs = Date.now();
    });
  }

  /** Online user ids per strategy, sorted. */
  online(nowMs = Date.now()): Record<string, string[]> {
    this.sweep(nowMs);
    const out: Record<string, string[]> = {};
    for (const [name, users] of this.byStrategy) out[name] = [...users.keys()].sort();
    return out;
  }

  /** How many users are online per strategy: what anyone may see (the ids only with the publish token). */
  counts(nowMs = Date.now()): Record<string, number> {
    this.sweep(nowMs);
    const out: Record<string, number> = {};
    for (const [name, users] of this.byStrategy) out[name] = users.size;
    return out;
  }

  /** Stops the timer (the server is closing). */
  stop(): void {
    clearInterval(this.sweeper);
  }

  /** Forgets every id neither attached nor seen within the TTL. */
  sweep(nowMs = Date.now()): void {
    for (const users of this.byStrategy.values()) {
      for (const [userId, presence] of users) {
        if (presence.attached === 0 && nowMs - presence.lastSeenMs >= PRESENCE_TTL_MS) {
          users.delete(userId);
          this.size--;
        }
      }
    }
  }
}
