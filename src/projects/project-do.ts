// One Durable Object per project: the open dashboards' WebSockets. A check's object (after each
// summary mirror, while a dashboard may be open) and the alert consumer (after deliveries) tell it
// what changed; it passes that to every socket, and the pages refetch what the event names. Sockets
// are hibernatable: an idle project's object is evicted while its dashboards stay connected, and the
// heartbeat ("ping" → "pong") is answered by the runtime without waking it.
import { DurableObject } from "cloudflare:workers";

/** What a dashboard hears: something about one check changed (status, ping, config, alert). */
export interface LiveEvent {
  type: "check" | "alert" | "removed";
  uuid: string;
}

/** Close code for a member taken off the project (the page stops reconnecting). */
export const CLOSE_REMOVED = 4403;
/** Dashboards per project per user, beyond which the oldest socket is closed. */
const MAX_SOCKETS_PER_USER = 20;
/**
 * While sockets are open, D1's projects.live_until stays at least this far ahead (renewed by the
 * object's alarm every LIVE_RENEW_MS): check objects read it with their summary write and tell this
 * object about changes only before then. Once the last dashboard closes it lapses within this time.
 */
const LIVE_AHEAD_MS = 10 * 60_000;
const LIVE_RENEW_MS = 5 * 60_000;

export class ProjectDO extends DurableObject<Env> {
  /** Publish calls since this instance started (the capacity figures: calls per change). */
  #published = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /**
   * The upgrade, already authorised by the Worker: `X-User-Id` is the member the socket is tagged
   * with, `X-Project-Id` the project. The project is marked watched in D1 before the socket opens, so
   * every summary written after the page's refetch on open is announced (and every one before it is
   * in what the page reads).
   */
  override async fetch(request: Request): Promise<Response> {
    const userId = request.headers.get("X-User-Id");
    const projectId = request.headers.get("X-Project-Id");
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket" || userId === null || projectId === null) {
      return Response.json({ error: "expected a WebSocket upgrade" }, { status: 426 });
    }
    await this.ctx.storage.put("project_id", projectId);
    await this.#markWatched(projectId);
    const mine = this.ctx.getWebSockets(userId);
    for (const old of mine.slice(0, Math.max(0, mine.length - MAX_SOCKETS_PER_USER + 1))) old.close(1008, "too many open dashboards");
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [userId]);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Keeps projects.live_until ahead while dashboards are open (the first renewal also arms the alarm). */
  async #markWatched(projectId: string): Promise<void> {
    const now = Date.now();
    await this.env.DB.prepare("UPDATE projects SET live_until = ? WHERE id = ?").bind(now + LIVE_AHEAD_MS, projectId).run();
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + LIVE_RENEW_MS);
  }

  override async alarm(): Promise<void> {
    const projectId = await this.ctx.storage.get<string>("project_id");
    if (projectId === undefined || this.ctx.getWebSockets().length === 0) return;
    await this.ctx.storage.setAlarm(Date.now() + LIVE_RENEW_MS);
    await this.#markWatched(projectId);
  }

  /** Sends the events to every open dashboard of the project. */
  publish(events: LiveEvent[]): number {
    this.#published++;
    const sockets = this.ctx.getWebSockets();
    const message = JSON.stringify(events);
    for (const ws of sockets) {
      try {
        ws.send(message);
      } catch {
        // A socket closing under us: its page reconnects and refetches.
      }
    }
    return sockets.length;
  }

  /** Open dashboards, and publish calls since the object was last loaded. */
  stats(): { sockets: number; published: number } {
    return { sockets: this.ctx.getWebSockets().length, published: this.#published };
  }

  /** A member left or was removed (or the project is gone: no user): their pages are disconnected. */
  disconnect(userId?: string): void {
    for (const ws of userId === undefined ? this.ctx.getWebSockets() : this.ctx.getWebSockets(userId)) {
      ws.close(CLOSE_REMOVED, "no longer a member of this project");
    }
  }

  /** The page only sends heartbeats (answered without waking the object); anything else is ignored. */
  override webSocketMessage(): void {}

  override webSocketClose(ws: WebSocket, code: number): void {
    // Complete the closing handshake (1005/1006 cannot be sent back).
    if (code !== 1005 && code !== 1006) ws.close(code, "closed");
  }
}
