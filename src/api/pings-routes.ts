// A check's pings (and their bodies) and its flips.
import { Hono } from "hono";
import { checkStub } from "../checks/client";
import { type CheckRow } from "../checks/repository";
import { HttpError } from "../http/errors";
import { cors, requireRead, requireWrite, type ApiEnv } from "./auth";
import { flipsQuerySchema, renderFlips, renderPings } from "./present";
import { byUniqueKey, ownCheck, renderOptions, type C } from "./shared";

export const pingsApi = new Hono<ApiEnv>();

pingsApi.use("/checks/:uuid/pings/", cors("GET"));
pingsApi.get("/checks/:uuid/pings/", requireWrite, async (c) => {
  const row = await ownCheck(c);
  const pings = (await checkStub(c.env, row.id).pings()) ?? [];
  return c.json({ pings: renderPings(pings, renderOptions(c, false), row.id, c.get("apiVersion")) });
});

pingsApi.use("/checks/:uuid/pings/:n{[0-9]+}/body", cors("GET"));
pingsApi.get("/checks/:uuid/pings/:n{[0-9]+}/body", requireWrite, async (c) => {
  const row = await ownCheck(c);
  const body = await checkStub(c.env, row.id).pingBody(Number(c.req.param("n")));
  if (body === null) throw new HttpError(404, "not found");
  return c.body(body as Uint8Array<ArrayBuffer>, 200, { "Content-Type": "text/plain" });
});

async function flipsOf(c: C, row: CheckRow) {
  const query = flipsQuerySchema.safeParse(Object.fromEntries(new URL(c.req.url).searchParams));
  if (!query.success) throw new HttpError(400, query.error.issues[0]?.message ?? "invalid filter");
  const flips = (await checkStub(c.env, row.id).flips()) ?? [];
  return c.json({ flips: renderFlips(flips, query.data, Date.now()) });
}

pingsApi.use("/checks/:key{[A-Za-z0-9]{40}}/flips/", cors("GET"));
pingsApi.get("/checks/:key{[A-Za-z0-9]{40}}/flips/", requireRead, async (c) => flipsOf(c, await byUniqueKey(c, c.req.param("key"))));

pingsApi.use("/checks/:uuid/flips/", cors("GET"));
pingsApi.get("/checks/:uuid/flips/", requireRead, async (c) => flipsOf(c, await ownCheck(c)));

