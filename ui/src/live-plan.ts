// The live feed's decisions, pure so they are unit-tested: which queries an event batch makes stale,
// and how long to wait before reconnecting.

export interface LiveEvent {
  type: "check" | "alert" | "removed";
  uuid: string;
}

/**
 * The query keys (prefixes) to refetch for events about a project's checks: the list, each check
 * named, and the signed-in user's projects (the top bar's switcher shows each project's status).
 */
export function staleKeys(projectId: string, events: readonly LiveEvent[]): (readonly string[])[] {
  const uuids = [...new Set(events.map((e) => e.uuid))];
  return [["project", projectId, "checks"], ...uuids.map((uuid) => ["project", projectId, "check", uuid]), ["me"]];
}

/** Parses one message of the feed; anything unexpected is no events (never a broken page). */
export function parseEvents(data: unknown): LiveEvent[] {
  if (typeof data !== "string") return [];
  try {
    const parsed: unknown = JSON.parse(data);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (e): e is LiveEvent =>
        typeof e === "object" && e !== null && ["check", "alert", "removed"].includes((e as LiveEvent).type) && typeof (e as LiveEvent).uuid === "string",
    );
  } catch {
    return [];
  }
}

/** Exponential backoff from 1 s to 30 s, with up to 50% jitter so dashboards do not reconnect in step. */
export function backoffMs(attempt: number, random = Math.random()): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
  return Math.round(base * (0.5 + random / 2));
}
