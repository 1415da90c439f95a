// One Durable Object per project: the open dashboards' WebSockets. A check's object (after each
// summary mirror) and the alert consumer (after deliveries) tell it what changed; it passes that to
// every socket, and the pages refetch what the event names. Sockets are hibernatable: an idle
// project's object is evicted while its dashboards stay connected, and the heartbeat ("ping" →
// "pong") is answered by the runtime without waking it.
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

export class ProjectDO extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** The upgrade, already authorised by the Worker: `X-User-Id` is the member the socket is tagged with. */
  override async fetch(request: Request): Promise<Response> {
    const userId = request.headers.get("X-User-Id");
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket" || userId === null) {
      return Response.json({ error: "expected a WebSocket upgrade" }, { status: 426 });
    }
    const mine = this.ctx.getWebSockets(userId);
    for (const old of mine.slice(0, Math.max(0, mine.length - MAX_SOCKETS_PER_USER + 1))) old.close(1008, "too many open dashboards");
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [userId]);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Sends the events to every open dashboard of the project. */
  publish(events: LiveEvent[]): number {
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
