// GET /app/api/projects/:id/live: a dashboard's WebSocket to its project's object (live updates).
// Any member may listen; the handshake passed the same-origin check and the session middleware,
// and the socket is tagged with the member so removing them closes it.
import { Hono } from "hono";
import { HttpError } from "../http/errors";
import { projectObject } from "../projects/live";
import { projectAccess, type DashboardEnv } from "./shared";

export const liveApi = new Hono<DashboardEnv>().get("/projects/:id/live", async (c) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") throw new HttpError(426, "expected a WebSocket upgrade");
  const user = c.get("user");
  const { id } = await projectAccess(c.env, user.id, c.req.param("id"), { project: ["read"] });
  return projectObject(c.env, id).fetch(new Request(c.req.url, { headers: { Upgrade: "websocket", "X-User-Id": user.id, "X-Project-Id": id } }));
});
