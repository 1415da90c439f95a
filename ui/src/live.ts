// Live updates of a project's pages: one WebSocket to the project's object while a page of it is
// open. Events name checks; the queries showing them are refetched (batched, so a burst of pings is
// one refetch). Each time the socket opens (first and after a drop, reconnecting with backoff) the
// project's queries are refetched, since events may have been missed; a member taken off the project
// is not reconnected.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api } from "./api";
import { backoffMs, parseEvents, staleKeys, type LiveEvent } from "./live-plan";

/** Keeps the socket alive through proxies; answered by the runtime without waking the project's object. */
const HEARTBEAT_MS = 30_000;
/** Events arriving within this window share one refetch. */
const BATCH_MS = 150;
/** The server's close code for someone no longer in the project. */
const CLOSE_REMOVED = 4403;

export function useLiveProject(id: string): { connected: boolean } {
  const queryClient = useQueryClient();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    let ws: WebSocket | null = null;
    let stopped = false;
    let attempt = 0;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    let pending: LiveEvent[] = [];

    const flush = () => {
      flushTimer = undefined;
      const events = pending;
      pending = [];
      for (const queryKey of staleKeys(id, events)) void queryClient.invalidateQueries({ queryKey });
    };

    const connect = () => {
      const url = api.projects[":id"].live.$url({ param: { id } });
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      const socket = new WebSocket(url);
      ws = socket;
      socket.onopen = () => {
        attempt = 0;
        setConnected(true);
        // Anything may have changed before the socket opened (the project counts as watched only
        // from now on) or while it was down.
        void queryClient.invalidateQueries({ queryKey: ["project", id] });
        heartbeat = setInterval(() => socket.readyState === WebSocket.OPEN && socket.send("ping"), HEARTBEAT_MS);
      };
      socket.onmessage = (m) => {
        const events = parseEvents(m.data);
        if (events.length === 0) return;
        pending.push(...events);
        flushTimer ??= setTimeout(flush, BATCH_MS);
      };
      socket.onclose = (e) => {
        setConnected(false);
        clearInterval(heartbeat);
        if (stopped) return;
        if (e.code === CLOSE_REMOVED) {
          // Let the page find out it is no longer theirs (its next read is refused).
          void queryClient.invalidateQueries({ queryKey: ["me"] });
          void queryClient.invalidateQueries({ queryKey: ["project", id] });
          return;
        }
        retry = setTimeout(connect, backoffMs(attempt++));
      };
    };

    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      clearTimeout(flushTimer);
      clearInterval(heartbeat);
      ws?.close(1000, "page closed");
    };
  }, [id, queryClient]);
  return { connected };
}
