// Channel kinds and the value each one stores (the shape Healthchecks keeps in Channel.value),
// normalised where a kind has a legacy short form (email): validation, and how a stored value is shown
// with its secrets masked. The API's request shapes (src/api/channel-spec.ts) build on these. Only
// the first problem is reported, as "json validation error: <field> <message>", like the check spec.
import { z } from "zod";
import { UUID_RE } from "../http/common";

/** Kinds the API accepts (Healthchecks' kind ids: Pushover is "po", PagerDuty "pd"). */
export const CHANNEL_KINDS = [
  "email",
  "webhook",
  "slack",
  "mattermost",
  "msteamsw",
  "googlechat",
  "rocketchat",
  "discord",
  "telegram",
  "ntfy",
  "gotify",
  "po",
  "pd",
  "opsgenie",
  "matrix",
  "zulip",
  "group",
] as const;

export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const isChannelKind = (k: string): k is ChannelKind => (CHANNEL_KINDS as readonly string[]).includes(k);

const MAX_URL = 1000;
const MAX_BODY = 1000;
const MAX_HEADER = 1000;

/** "<field> is missing" for an absent key, "<field> <what>" otherwise. */
export const err = (field: string, what: string) => (iss: { input?: unknown }) =>
  iss.input === undefined ? `${field} is missing` : `${field} ${what}`;

export const str = (field: string, max: number) => z.string({ error: err(field, "is not a string") }).max(max, `${field} is too long`);
const required = (field: string, max: number) => str(field, max).min(1, `${field} is empty`);
const bool = (field: string) => z.boolean({ error: err(field, "is not a boolean") });
const obj = <S extends z.ZodRawShape>(field: string, shape: S) => z.object(shape, { error: err(field, "is not an object") });
const int = (field: string) => z.number({ error: err(field, "is not a number") }).int(`${field} is not an integer`);
const range = (field: string, min: number, max: number) =>
  int(field).min(min, `${field} must be between ${min} and ${max}`).max(max, `${field} must be between ${min} and ${max}`);

export function isHttpUrl(s: string): boolean {
  if (!/^https?:\/\/\S+$/i.test(s)) return false;
  try {
    const u = new URL(s);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    return false;
  }
}

/** An http(s) URL (TLD-less hosts and private addresses allowed: delivery decides about those). */
const url = (field: string) => required(field, MAX_URL).refine(isHttpUrl, `${field} is not a valid URL`);
/** As `url`, but "" means "not set". */
const optionalUrl = (field: string) =>
  str(field, MAX_URL)
    .refine((s) => s === "" || isHttpUrl(s), `${field} is not a valid URL`)
    .default("");

const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;
const email = (field: string) => required(field, 254).regex(EMAIL, `${field} is not a valid email address`);

/** Parses `v` with one of two schemas chosen by its JSON type, passing the chosen one's issues on. */
function byType<A extends z.ZodType, B extends z.ZodType>(isA: (v: unknown) => boolean, a: A, b: B) {
  return z.unknown().optional().transform((v, ctx): z.output<A> | z.output<B> => {
    const r = (isA(v) ? a : b).safeParse(v);
    if (r.success) return r.data as z.output<A> | z.output<B>;
    for (const issue of r.error.issues) ctx.addIssue({ code: "custom", message: issue.message });
    return z.NEVER;
  });
}
const isString = (v: unknown) => typeof v === "string";

// Header names must be usable as HTTP field names (RFC 9110 tokens), which also keeps them latin-1.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const headers = (field: string) =>
  z
    .unknown()
    .optional()
    .transform((v, ctx): Record<string, string> => {
      const fail = (message: string) => {
        ctx.addIssue({ code: "custom", message });
        return z.NEVER;
      };
      if (v === undefined) return {};
      if (typeof v !== "object" || v === null || Array.isArray(v)) return fail(`${field} is not an object`);
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(v)) {
        if (name.length > MAX_HEADER) return fail(`${field} has a header name that is too long`);
        if (/[^\x00-\xff]/.test(name)) return fail(`${field} header names must be latin-1`);
        if (!HEADER_NAME.test(name)) return fail(`${field} header names must not contain special characters`);
        if (typeof value !== "string") return fail(`${field}.${name} is not a string`);
        if (value.length > MAX_HEADER) return fail(`${field}.${name} is too long`);
        if (/[\r\n\0]/.test(value)) return fail(`${field}.${name} must not contain line breaks`);
        out[name] = value;
      }
      return out;
    });

const method = (field: string) => z.enum(["GET", "POST", "PUT"], { error: `${field} has unexpected value` }).default("GET");

/** Webhook: Healthchecks' eight fields; at least one URL. */
const webhook = obj("value", {
  method_down: method("value.method_down"),
  url_down: optionalUrl("value.url_down"),
  body_down: str("value.body_down", MAX_BODY).default(""),
  headers_down: headers("value.headers_down"),
  method_up: method("value.method_up"),
  url_up: optionalUrl("value.url_up"),
  body_up: str("value.body_up", MAX_BODY).default(""),
  headers_up: headers("value.headers_up"),
}).refine((v) => v.url_down !== "" || v.url_up !== "", "value.url_down or value.url_up is required");

/** Email: `{"value": address, "up", "down"}`; a plain address means both directions. */
const emailValue = byType(
  isString,
  email("value").transform((value) => ({ value, up: true, down: true })),
  obj("value", { value: email("value.value"), up: bool("value.up").default(true), down: bool("value.down").default(true) }),
);

/** Telegram: the chat id (a number, or a numeric / @channel string) and what Healthchecks keeps beside it. */
const telegram = obj("value", {
  id: byType(
    isString,
    required("value.id", 100).regex(/^(-?\d+|@\w+)$/, "value.id is not a valid chat id"),
    z.number({ error: err("value.id", "is not a number or string") }).int("value.id is not a valid chat id"),
  ),
  type: str("value.type", 100).optional(),
  name: str("value.name", 200).optional(),
  thread_id: int("value.thread_id").nullable().optional(),
});

/** ntfy: priorities 0–5 (0 = don't notify that direction). */
const ntfy = obj("value", {
  topic: required("value.topic", 64).regex(/^[-_A-Za-z0-9]+$/, "value.topic is not a valid topic"),
  url: url("value.url").default("https://ntfy.sh"),
  priority: range("value.priority", 0, 5).default(3),
  priority_up: range("value.priority_up", 0, 5).default(3),
  token: str("value.token", 200).default(""),
});

const gotifyPriority = (field: string) =>
  int(field)
    .refine((p) => [0, 2, 5, 9].includes(p), `${field} must be 0, 2, 5 or 9`)
    .default(5);
const gotify = obj("value", {
  url: url("value.url"),
  token: required("value.token", 200),
  priority: gotifyPriority("value.priority"),
  priority_up: gotifyPriority("value.priority_up"),
});

/** Pushover: "<user key>|<priority>|<priority when up>", priorities −3 (off) … 2 (emergency). */
const pushover = required("value", 200).superRefine((v, ctx) => {
  const m = /^([A-Za-z0-9]+)\|(-?\d+)\|(-?\d+)$/.exec(v);
  const add = (message: string) => ctx.addIssue({ code: "custom", message });
  if (m === null) return add("value is not in the form <user_key>|<priority>|<priority_up>");
  if (m[1]!.length !== 30) return add("value has a user key that is not 30 letters and digits");
  for (const p of [m[2]!, m[3]!]) if (Number(p) < -3 || Number(p) > 2) return add("value has a priority outside -3 to 2");
});

const serviceKey = (field: string) => required(field, 200).regex(/^\S+$/, `${field} is not a valid service key`);
/** PagerDuty: a service key, or `{"service_key", "account"?}`; stored as given. */
const pd = byType(
  isString,
  serviceKey("value"),
  obj("value", { service_key: serviceKey("value.service_key"), account: str("value.account", 200).optional() }),
);

const opsgenie = obj("value", {
  key: required("value.key", 200),
  region: z.enum(["us", "eu"], { error: "value.region has unexpected value" }).default("us"),
});

const discord = obj("value", { webhook: obj("value.webhook", { url: url("value.webhook.url") }) });

const matrix = required("value", 255).regex(/^![^:\s]+:\S+$/, "value is not a valid Matrix room id");

/**
 * Zulip (Healthchecks' field names): a bot's email and API key, the organisation's site, and where
 * to post: `mtype` "stream" (`to` = stream name, `topic` optional) or "private" (`to` = user email).
 */
const zulip = obj("value", {
  bot_email: email("value.bot_email"),
  api_key: required("value.api_key", 200),
  site: url("value.site"),
  mtype: z.enum(["stream", "private"], { error: err("value.mtype", "has unexpected value") }),
  to: required("value.to", 200),
  topic: str("value.topic", 200).default(""),
});

/**
 * Group: comma-separated channel ids, de-duplicated. That each is a non-group channel of the same
 * project is checked against the database by the route (`groupMembers`).
 */
const group = required("value", 10_000)
  .refine((v) => v.split(",").every((id) => UUID_RE.test(id)), "value is not a comma-separated list of channel ids")
  .transform((v) => [...new Set(v.split(","))].join(","));

export const CHANNEL_VALUE_SCHEMAS = {
  email: emailValue,
  webhook,
  slack: url("value"),
  mattermost: url("value"),
  msteamsw: url("value"),
  googlechat: url("value"),
  rocketchat: url("value"),
  discord,
  telegram,
  ntfy,
  gotify,
  po: pushover,
  pd,
  opsgenie,
  matrix,
  zulip,
  group,
} satisfies Record<ChannelKind, z.ZodType>;

/** Validates `value` for `kind`, adding the kind schema's issues to `ctx`. */
export function parseValue(kind: ChannelKind, value: unknown, ctx: z.RefinementCtx): unknown {
  if (value === undefined) {
    ctx.addIssue({ code: "custom", message: "value is missing" });
    return z.NEVER;
  }
  const r = (CHANNEL_VALUE_SCHEMAS[kind] as z.ZodType).safeParse(value);
  if (r.success) return r.data;
  for (const issue of r.error.issues) ctx.addIssue({ code: "custom", message: issue.message });
  return z.NEVER;
}

// ---- Showing a stored value (GET /channels/<id>) ----------------------------------------------

/** A secret shown as "…" plus its last 4 characters — only when that leaves most of it hidden. */
export function maskSecret(s: string): string {
  return s.length >= 12 ? `…${s.slice(-4)}` : "…";
}

/** A URL whose credentials and query values are masked; the host and path stay readable. */
function maskUrlParts(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return maskSecret(raw);
  }
  const auth = u.username === "" && u.password === "" ? "" : `${u.password === "" ? "…" : `${u.username}:…`}@`;
  const query = [...u.searchParams].map(([k, v]) => `${k}=${maskSecret(v)}`).join("&");
  return `${u.protocol}//${auth}${u.host}${u.pathname}${query === "" ? "" : `?${query}`}`;
}

/** An incoming-webhook URL (Slack and the like), whose path is the secret: only the origin and its end show. */
function maskHookUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.origin}/${maskSecret(`${u.pathname}${u.search}`)}`;
  } catch {
    return maskSecret(raw);
  }
}

const maskHeaders = (h: unknown) =>
  Object.fromEntries(Object.entries((h ?? {}) as Record<string, string>).map(([name, value]) => [name, maskSecret(String(value))]));

type Obj = Record<string, unknown>;
const text = (v: unknown) => String(v ?? "");

const MASKS: Record<ChannelKind, (v: unknown) => unknown> = {
  // Addresses, chat and room ids, topics and member ids identify where alerts go; they grant nothing.
  email: (v) => v,
  telegram: (v) => v,
  matrix: (v) => v,
  group: (v) => v,
  // Header values often carry an Authorization; URLs may carry user:password@ or ?token=.
  webhook: (v) => {
    const o = v as Obj;
    return {
      ...o,
      url_down: o.url_down ? maskUrlParts(text(o.url_down)) : "",
      url_up: o.url_up ? maskUrlParts(text(o.url_up)) : "",
      headers_down: maskHeaders(o.headers_down),
      headers_up: maskHeaders(o.headers_up),
    };
  },
  slack: (v) => maskHookUrl(text(v)),
  mattermost: (v) => maskHookUrl(text(v)),
  msteamsw: (v) => maskHookUrl(text(v)),
  googlechat: (v) => maskHookUrl(text(v)),
  rocketchat: (v) => maskHookUrl(text(v)),
  discord: (v) => ({ webhook: { url: maskHookUrl(text((v as { webhook?: Obj }).webhook?.url)) } }),
  ntfy: (v) => {
    const o = v as Obj;
    return { ...o, url: maskUrlParts(text(o.url)), token: o.token ? maskSecret(text(o.token)) : "" };
  },
  gotify: (v) => ({ ...(v as Obj), url: maskUrlParts(text((v as Obj).url)), token: maskSecret(text((v as Obj).token)) }),
  po: (v) => {
    const [key = "", ...priorities] = text(v).split("|");
    return [maskSecret(key), ...priorities].join("|");
  },
  pd: (v) => (typeof v === "string" ? maskSecret(v) : { ...(v as Obj), service_key: maskSecret(text((v as Obj).service_key)) }),
  opsgenie: (v) => ({ ...(v as Obj), key: maskSecret(text((v as Obj).key)) }),
  zulip: (v) => ({ ...(v as Obj), api_key: maskSecret(text((v as Obj).api_key)) }),
};

/**
 * A channel's stored value (JSON text) as the API shows it: tokens, keys, passwords and secret URL
 * parts replaced by "…" with their last characters, so a reader can tell channels apart but not use
 * them. Anything unreadable shows as null rather than risk showing a secret.
 */
export function maskChannelValue(kind: string, stored: string): unknown {
  if (!isChannelKind(kind)) return null;
  try {
    const value: unknown = JSON.parse(stored);
    if (value === null || value === undefined) return null;
    return MASKS[kind](value);
  } catch {
    return null;
  }
}
