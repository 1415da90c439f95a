// Helpers every Management API resource uses: rendering options and the key-scoped lookups.
import { and, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import { projectChannel } from "../channels/channels";
import { checkView } from "../checks/client";
import { type CheckRow } from "../checks/repository";
import type { CheckView } from "../checks/model";
import { renderCheck } from "../checks/render";
import { config } from "../config";
import { checks } from "../db/schema";
import { UUID_RE } from "../http/common";
import { HttpError } from "../http/errors";
import type { ApiEnv } from "./auth";

export type C = Context<ApiEnv>;

export function renderOptions(c: C, readonly: boolean) {
  const conf = config(c.env, new URL(c.req.url).origin);
  return {
    apiVersion: c.get("apiVersion"),
    readonly,
    siteRoot: conf.siteRoot,
    pingEndpoint: conf.pingEndpoint,
    pingEmailDomain: conf.pingEmailDomain,
    now: Date.now(),
  };
}

/** Exact rendering from the check's DO (one check, after a write). */
export const renderView = (c: C, v: CheckView, readonly = false) => renderCheck(v.config, v.state, renderOptions(c, readonly));

/** A check of the key's project by uuid: 404 if unknown, 403 if it belongs to another project. */
export async function ownCheck(c: C): Promise<CheckRow> {
  const id = c.req.param("uuid") ?? "";
  if (!UUID_RE.test(id)) throw new HttpError(404, "not found");
  const row = await drizzle(c.env.DB)
    .select()
    .from(checks)
    .where(and(eq(checks.id, id), isNull(checks.deleted_at)))
    .get();
  if (row === undefined) throw new HttpError(404, "not found");
  if (row.project_id !== c.get("projectId")) throw new HttpError(403, "access denied, wrong api key");
  return row;
}

export async function byUniqueKey(c: C, key: string): Promise<CheckRow> {
  const row = await drizzle(c.env.DB)
    .select()
    .from(checks)
    .where(and(eq(checks.project_id, c.get("projectId")), eq(checks.unique_key, key), isNull(checks.deleted_at)))
    .get();
  if (row === undefined) throw new HttpError(404, "not found");
  return row;
}

export async function viewOf(c: C, row: CheckRow): Promise<CheckView> {
  const v = await checkView(c.env, row, new URL(c.req.url).origin);
  if (v === null) throw new HttpError(404, "not found");
  return v;
}

/** A channel of the key's project by id; anything else (malformed, unknown, another project's) is 404. */
export async function ownChannel(c: C) {
  const row = await projectChannel(c.env, c.get("projectId"), c.req.param("id") ?? "");
  if (row === undefined) throw new HttpError(404, "not found");
  return row;
}
