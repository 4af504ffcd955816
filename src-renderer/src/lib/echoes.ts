// Our own changes come back as items-changed events; those are already on screen and must not
// reload the timeline (which would pull a just-read item out of an Unread view).

interface Echo {
  key: string;
  until: number;
}

/** Echoes: the events our changes will cause, each expected for a few seconds. */
export class Echoes {
  private list: Echo[] = [];

  constructor(private readonly ttlMs = 5000) {}

  /** expect: a change of ours to items of these feeds is on its way; returns a handle for drop. */
  expect(feedIds: string[], now = Date.now()): Echo {
    const echo = { key: keyOf(feedIds), until: now + this.ttlMs };
    this.list.push(echo);
    return echo;
  }

  /** drop: the change failed or changed nothing, so no event will come. */
  drop(echo: Echo): void {
    this.list = this.list.filter((e) => e !== echo);
  }

  /** consume: whether an event for these feeds is one we expected (and forget it). */
  consume(feedIds: string[], now = Date.now()): boolean {
    this.list = this.list.filter((e) => e.until > now);
    const key = keyOf(feedIds);
    const echo = this.list.find((e) => e.key === key);
    if (echo) this.drop(echo);
    return echo !== undefined;
  }
}

function keyOf(feedIds: string[]): string {
  return [...new Set(feedIds)].sort().join(' ');
}
