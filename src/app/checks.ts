// The dashboard API's checks: the list, details with downtime, the event log and one ping, and
// every change Healthchecks' check pages make (create, edit, schedule, filtering rules, pause,
// resume, clear events, delete, channel switches), plus the schedule dialog's preview. The rules are
// the Management API's own functions (src/api, src/checks); this file only maps them to routes.
import { Hono, type Context } from "hono";
import { resolveChannels } from "../api/channels";
import { scheduleKindProblem } from "../api/check-spec";
import { createOrMatch } from "../api/create-check";
import { updateCheck } from "../api/update-check";
import { listChannels, projectChannel } from "../channels/channels";
import { checkStub, checkView, clearCheckEvents, pauseCheck, removeCheck, resumeCheck } from "../checks/client";
import { downPeriods, downtimeSummary } from "../checks/downtime";
import type { CheckConfig, CheckView } from "../checks/model";
import { channelIdsByCheck, channelIdsOf, projectCheck, projectChecks, rowToConfig, type CheckRow } from "../checks/repository";
import { guessKind } from "../checks/schedule/index";
import { previewSchedule } from "../checks/schedule/preview";
import { stateFromRow } from "../checks/summary-status";
import { UUID_RE } from "../http/common";
import { HttpError } from "../http/errors";
import { parseEmail } from "../ping/mime";
import { checkEvents } from "./events";
import { pingEvent, presentCheck, presentOptions, presentPeriods, storedPeriods } from "./present";
import { channelSwitchBody, checkCreateBody, checkUpdateBody, eventsQuery, pingParam, schedulePreviewBody } from "./schemas";
import { json, param, projectAccess, query, type DashboardEnv } from "./shared";

type C = Context<DashboardEnv>;

const origin = (c: C) => new URL(c.req.url).origin;
const READ = { project: ["read"] } as const satisfies Parameters<typeof projectAccess>[3];
const WRITE = { check: ["write"] } as const satisfies Parameters<typeof projectAccess>[3];

/**
 * The project in the URL once the caller's role allows `permission`, and its check `:uuid`: a check
 * of another project is 404 exactly like a missing one.
 */
async function checkOf(c: C, permission: typeof READ | typeof WRITE): Promise<CheckRow> {
  const { id } = await projectAccess(c.env, c.get("user").id, c.req.param("id") ?? "", permission);
  const uuid = c.req.param("uuid") ?? "";
  const row = UUID_RE.test(uuid) ? await projectCheck(c.env, id, uuid) : undefined;
  if (row === undefined) throw new HttpError(404, "check not found");
  return row;
}

/** The exact check from its object, as the dashboard shows it. */
function present(c: C, view: CheckView | null) {
  if (view === null) throw new HttpError(404, "check not found");
  return presentCheck(view.config, view.state, presentOptions(c.env, origin(c)));
}

const viewOf = async (c: C, row: CheckRow) => present(c, await checkView(c.env, row, origin(c)));

export const checksApi = new Hono<DashboardEnv>()
  // Every check in one read of the D1 summaries (no check object is called), with the project's channels.
  .get("/projects/:id/checks", async (c) => {
    const { id } = await projectAccess(c.env, c.get("user").id, c.req.param("id"), READ);
    const [rows, assigned, channels] = await Promise.all([projectChecks(c.env, id), channelIdsByCheck(c.env, id), listChannels(c.env, id)]);
    const o = presentOptions(c.env, origin(c));
    const checks = rows.map((r) => ({
      ...presentCheck(rowToConfig(r, assigned.get(r.id) ?? [], 100, "") as CheckConfig, stateFromRow(r), o),
      /** The last 30 days' down periods, [start, end | null] (the list's day strip). */
      down_periods: storedPeriods(r.recent_downs),
    }));
    return c.json({ checks, channels });
  })
  .post("/projects/:id/checks", json(checkCreateBody), async (c) => {
    const { id } = await projectAccess(c.env, c.get("user").id, c.req.param("id"), WRITE);
    const { channels, ...spec } = c.req.valid("json");
    // A new check gets every channel of the project unless told otherwise, as in Healthchecks' UI.
    const channelIds = await resolveChannels(c.env, id, channels ?? "*");
    const outcome = await createOrMatch(c.env, id, spec, [], 3, channelIds, origin(c));
    if (outcome.kind === "limit") throw new HttpError(403, "check limit reached");
    return c.json(await viewOf(c, outcome.row), 201);
  })
  .get("/projects/:id/checks/:uuid", async (c) => {
    const row = await checkOf(c, READ);
    const view = await checkView(c.env, row, origin(c));
    const check = present(c, view);
    const [flips, projectChannels] = await Promise.all([checkStub(c.env, row.id).flips(), listChannels(c.env, row.project_id)]);
    // In the check's time zone, from its stored status, as Healthchecks' details page.
    const { config: cfg, state } = view!;
    const now = Date.now();
    const downtimes = downtimeSummary({ flips: flips ?? [], status: state.status, now, tz: cfg.tz, created: cfg.created });
    // The 90-day status bar's periods (flips are kept 93 days).
    const down_periods = presentPeriods(downPeriods({ flips: flips ?? [], status: state.status, now, since: now - 90 * 86_400_000 }));
    return c.json({ ...check, downtimes, down_periods, project_channels: projectChannels });
  })
  .patch("/projects/:id/checks/:uuid", json(checkUpdateBody), async (c) => {
    const row = await checkOf(c, WRITE);
    const next = await updateCheck(c.env, row, c.req.valid("json"), { apiVersion: 3, origin: origin(c) });
    return c.json(await viewOf(c, next));
  })
  .post("/projects/:id/checks/:uuid/pause", async (c) => {
    const row = await checkOf(c, WRITE);
    return c.json(present(c, await pauseCheck(c.env, row, origin(c))));
  })
  .post("/projects/:id/checks/:uuid/resume", async (c) => {
    const row = await checkOf(c, WRITE);
    const view = await resumeCheck(c.env, row, origin(c));
    if (view === "not_paused") throw new HttpError(409, "check is not paused");
    return c.json(present(c, view));
  })
  // Healthchecks' "Clear Events": pings, flips and delivery records go; the check is new again.
  .post("/projects/:id/checks/:uuid/clear", async (c) => {
    const row = await checkOf(c, WRITE);
    return c.json(present(c, await clearCheckEvents(c.env, row, origin(c))));
  })
  .delete("/projects/:id/checks/:uuid", async (c) => {
    const row = await checkOf(c, WRITE);
    await removeCheck(c.env, row.id);
    return c.json({ uuid: row.id, deleted: true });
  })
  // One channel on or off for one check; both must be of the project (another project's channel is 404).
  .put("/projects/:id/checks/:uuid/channels/:channelId", json(channelSwitchBody), async (c) => {
    const row = await checkOf(c, WRITE);
    const channel = await projectChannel(c.env, row.project_id, c.req.param("channelId"));
    if (channel === undefined) throw new HttpError(404, "channel not found");
    const { on } = c.req.valid("json");
    if ((await channelIdsOf(c.env, row.id)).includes(channel.id) !== on) {
      await updateCheck(c.env, row, {}, { apiVersion: 3, origin: origin(c), channels: on ? { add: channel.id } : { remove: channel.id } });
    }
    return c.json({ uuid: row.id, channel: channel.id, on, channels: (await channelIdsOf(c.env, row.id)).sort() });
  })
  .get("/projects/:id/checks/:uuid/events", query(eventsQuery), async (c) => {
    const row = await checkOf(c, READ);
    return c.json(await checkEvents(c.env, row, c.req.valid("query"), presentOptions(c.env, origin(c))));
  })
  .get("/projects/:id/checks/:uuid/pings/:n", param(pingParam), async (c) => {
    const row = await checkOf(c, READ);
    const { n } = c.req.valid("param");
    const stub = checkStub(c.env, row.id);
    const [pings, body] = await Promise.all([stub.pings(), stub.pingBody(n)]);
    const ping = pings?.find((p) => p.n === n);
    if (ping === undefined) throw new HttpError(404, "ping not found");
    const { body_preview, ...shown } = pingEvent(ping, presentOptions(c.env, origin(c)), row.id);
    return c.json({
      ...shown,
      /** The whole stored body as text (an email ping's raw message). */
      body: body === null ? null : new TextDecoder().decode(body),
      subject: ping.scheme === "email" && body !== null ? parseEmail(body).subject : null,
    });
  })
  // The schedule dialog's preview (the SPA computes it too; this is its fallback).
  .post("/schedule-preview", json(schedulePreviewBody), async (c) => {
    const { kind: named, schedule, tz, n } = c.req.valid("json");
    const kind = named ?? guessKind(schedule);
    const problem = scheduleKindProblem(kind, schedule);
    if (problem !== null) {
      const error = named === undefined ? "schedule is not a valid cron or OnCalendar expression" : problem.error;
      return c.json({ error, detail: problem.detail }, 400);
    }
    return c.json(previewSchedule(kind, schedule, tz, new Date(), n));
  });

