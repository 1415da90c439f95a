// The dashboard API's integrations: the project's channels as the integrations page shows them, and
// creating, editing, removing and testing them with the Management API's rules (src/channels,
// src/api/channel-spec.ts).
import { Hono, type Context } from "hono";
import { isChannelKind } from "../alerts/channel-kinds";
import { deliverableKinds } from "../alerts/registry";
import { channelUpdateSchema } from "../api/channel-spec";
import { createChannel, deleteChannel, describeChannels, projectChannel, testChannel, updateChannel, type ChannelDetails } from "../channels/channels";
import { HttpError } from "../http/errors";
import { parseBody } from "../http/validate";
import { channelCreateBody, channelUpdateBody } from "./schemas";
import { json, projectAccess, type DashboardEnv } from "./shared";

type C = Context<DashboardEnv>;

const origin = (c: C) => new URL(c.req.url).origin;
const later = (c: C) => (work: Promise<unknown>) => c.executionCtx.waitUntil(work);

/** The Management API's channel details, with the number of checks it is assigned to. */
const shown = (d: ChannelDetails) => ({ ...d, n_checks: d.checks.length });

async function describeOne(c: C, projectId: string, channelId: string) {
  const [details] = await describeChannels(c.env, projectId, channelId);
  if (details === undefined) throw new HttpError(404, "channel not found");
  return shown(details);
}

/** The project in the URL once the caller's role allows `permission`, and its channel `:channelId` (404 otherwise). */
async function channelOf(c: C, permission: Parameters<typeof projectAccess>[3]) {
  const { id } = await projectAccess(c.env, c.get("user").id, c.req.param("id") ?? "", permission);
  const row = await projectChannel(c.env, id, c.req.param("channelId") ?? "");
  if (row === undefined) throw new HttpError(404, "channel not found");
  return row;
}

export const channelsApi = new Hono<DashboardEnv>()
  .get("/projects/:id/channels", async (c) => {
    const { id } = await projectAccess(c.env, c.get("user").id, c.req.param("id"), { project: ["read"] });
    // With the kinds this site can deliver, so the page offers only those.
    return c.json({ channels: (await describeChannels(c.env, id)).map(shown), deliverable: deliverableKinds(c.env) });
  })
  // As in Healthchecks' UI, a new integration is assigned to every check of the project.
  .post("/projects/:id/channels", json(channelCreateBody), async (c) => {
    const { id } = await projectAccess(c.env, c.get("user").id, c.req.param("id"), { channel: ["write"] });
    const row = await createChannel(c.env, id, c.req.valid("json"), { origin: origin(c), later: later(c), assignAllChecks: true });
    return c.json(await describeOne(c, id, row.id), 201);
  })
  .patch("/projects/:id/channels/:channelId", json(channelUpdateBody), async (c) => {
    const row = await channelOf(c, { channel: ["write"] });
    if (!isChannelKind(row.kind)) throw new HttpError(400, "json validation error: kind cannot be edited through the API");
    const spec = parseBody(channelUpdateSchema(row.kind), c.req.valid("json"));
    await updateChannel(c.env, row, spec, { origin: origin(c), later: later(c) });
    return c.json(await describeOne(c, row.project_id, row.id));
  })
  .delete("/projects/:id/channels/:channelId", async (c) => {
    const row = await channelOf(c, { channel: ["write"] });
    await deleteChannel(c.env, row, origin(c));
    return c.json({ id: row.id, deleted: true });
  })
  // Healthchecks lets every member, read-only ones too, send a test notification (reference §5.2:
  // its view looks the channel up with read access only); so does this route.
  .post("/projects/:id/channels/:channelId/test", async (c) => {
    const row = await channelOf(c, { project: ["read"] });
    return c.json(await testChannel(c.env, row, origin(c)));
  });
