// Notification channels (beyond Healthchecks' API, which can only list them): create, read, update,
// delete, and send a test notification. The rules are src/channels' (shared with the dashboard).
import { Hono } from "hono";
import { isChannelKind } from "../alerts/channel-kinds";
import { channelSummary, createChannel, deleteChannel, describeChannels, listChannels, testChannel, updateChannel } from "../channels/channels";
import { HttpError } from "../http/errors";
import { parseBody } from "../http/validate";
import { cors, requireWrite, type ApiEnv } from "./auth";
import { channelCreateSchema, channelUpdateSchema } from "./channel-spec";
import { ownChannel, type C } from "./shared";

export const channelsApi = new Hono<ApiEnv>();

const later = (c: C) => (work: Promise<unknown>) => c.executionCtx.waitUntil(work);
const origin = (c: C) => new URL(c.req.url).origin;

channelsApi.use("/channels/", cors("GET, POST"));
channelsApi.get("/channels/", requireWrite, async (c) => c.json({ channels: await listChannels(c.env, c.get("projectId")) }));

channelsApi.post("/channels/", requireWrite, async (c) => {
  const spec = parseBody(channelCreateSchema, c.get("body"));
  const row = await createChannel(c.env, c.get("projectId"), spec, { origin: origin(c), later: later(c) });
  return c.json(channelSummary(row), 201);
});

channelsApi.use("/channels/:id", cors("POST, DELETE, GET"));
// Beyond Healthchecks: one channel with its value (secrets masked) and how its deliveries went.
channelsApi.get("/channels/:id", requireWrite, async (c) => {
  const row = await ownChannel(c);
  const [details] = await describeChannels(c.env, row.project_id, row.id);
  if (details === undefined) throw new HttpError(404, "not found");
  return c.json(details);
});
channelsApi.post("/channels/:id", requireWrite, async (c) => {
  const row = await ownChannel(c);
  if (!isChannelKind(row.kind)) throw new HttpError(400, "json validation error: kind cannot be edited through the API");
  const spec = parseBody(channelUpdateSchema(row.kind), c.get("body"));
  return c.json(channelSummary(await updateChannel(c.env, row, spec, { origin: origin(c), later: later(c) })));
});

channelsApi.delete("/channels/:id", requireWrite, async (c) => {
  const row = await ownChannel(c);
  await deleteChannel(c.env, row, origin(c));
  return c.json(channelSummary(row));
});

channelsApi.use("/channels/:id/test", cors("POST"));
channelsApi.post("/channels/:id/test", requireWrite, async (c) => c.json(await testChannel(c.env, await ownChannel(c), origin(c))));
