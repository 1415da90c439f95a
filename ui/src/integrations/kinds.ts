// Every channel kind the alert pipeline delivers, as the integrations page offers it: a label, a
// line on what it does, its form fields, how the form becomes the stored value (the Management
// API's shapes, src/alerts/channel-kinds.ts) and back, and a one-line summary of a stored value.
// Stored values come masked (src/alerts/channel-kinds.ts maskChannelValue): secrets never reach here.
// A relative path (not the @src alias) so the Worker's test runner can import this table too.
import type { ChannelKind } from "../../../src/alerts/channel-kinds";

export type FormValues = Record<string, string | boolean>;

export interface FieldSpec {
  key: string;
  label: string;
  type: "text" | "url" | "email" | "secret" | "textarea" | "select" | "checkbox" | "number" | "headers" | "members";
  /** Where the API's messages name this field ("value.url_down"); the field shows them. */
  path: string;
  /** The field's name in a message, when the label alone is ambiguous ("Down URL"). */
  spoken?: string;
  required?: boolean;
  hint?: string;
  placeholder?: string;
  options?: readonly { value: string; label: string }[];
  initial?: string | boolean;
  /** Fields under one legend ("When a check goes down"). */
  group?: string;
}

export interface KindSpec {
  kind: ChannelKind;
  label: string;
  /** A short monogram for the kind's icon. */
  abbr: string;
  description: string;
  fields: readonly FieldSpec[];
  toValue: (f: FormValues) => unknown;
  /** The form prefilled from a stored (masked) value. */
  fromValue: (v: unknown) => FormValues;
  summary: (v: unknown, names: ReadonlyMap<string, string>) => string;
}

/** A problem the form finds before asking the server (a header line it cannot read). */
export class FieldProblem extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string => (v === undefined || v === null ? "" : String(v));
const text = (f: FormValues, key: string): string => str(f[key]).trim();
const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

/** A masked value shows "…" where a secret was: such a field starts empty and must be typed again. */
export const isMasked = (v: string) => v.includes("…");

const METHODS = [
  { value: "GET", label: "GET" },
  { value: "POST", label: "POST" },
  { value: "PUT", label: "PUT" },
] as const;

function parseHeaders(key: string, raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of raw.split("\n").map((l) => l.trim())) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new FieldProblem(key, `Write each header as "Name: value", one per line ("${line}" is not).`);
    out[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return out;
}

const headerLines = (h: unknown) =>
  Object.entries(obj(h))
    .map(([name, value]) => `${name}: ${str(value)}`)
    .join("\n");

function webhookDirection(dir: "down" | "up", label: string): FieldSpec[] {
  const Dir = dir === "down" ? "Down" : "Up";
  return [
    { key: `method_${dir}`, label: "Method", type: "select", path: `value.method_${dir}`, spoken: `${Dir} method`, options: METHODS, initial: dir === "down" ? "POST" : "GET", group: label },
    { key: `url_${dir}`, label: "URL", type: "url", path: `value.url_${dir}`, spoken: `${Dir} URL`, placeholder: "https://example.com/alerts/$CODE", group: label, hint: dir === "up" ? "Leave empty to call nothing on recovery." : "Leave empty to call nothing when a check goes down." },
    { key: `body_${dir}`, label: "Body", type: "textarea", path: `value.body_${dir}`, spoken: `${Dir} body`, hint: "Sent with POST and PUT only.", group: label },
    { key: `headers_${dir}`, label: "Headers", type: "headers", path: `value.headers_${dir}`, spoken: `${Dir} headers`, placeholder: "Content-Type: application/json", hint: 'One "Name: value" per line.', group: label },
  ];
}

/** Kinds whose whole value is an incoming-webhook URL (the URL is the secret). */
function hookKind(kind: ChannelKind, label: string, abbr: string, description: string, hint: string): KindSpec {
  return {
    kind,
    label,
    abbr,
    description,
    fields: [{ key: "url", label: "Webhook URL", type: "secret", path: "value", required: true, hint }],
    toValue: (f) => text(f, "url"),
    fromValue: () => ({ url: "" }),
    summary: (v) => str(v),
  };
}

const NTFY_PRIORITIES = [
  { value: "0", label: "Do not notify" },
  { value: "1", label: "1 · Min" },
  { value: "2", label: "2 · Low" },
  { value: "3", label: "3 · Default" },
  { value: "4", label: "4 · High" },
  { value: "5", label: "5 · Urgent" },
] as const;

const GOTIFY_PRIORITIES = [
  { value: "0", label: "Do not notify" },
  { value: "2", label: "2 · Low" },
  { value: "5", label: "5 · Normal" },
  { value: "9", label: "9 · High" },
] as const;

const PUSHOVER_PRIORITIES = [
  { value: "-3", label: "Do not notify" },
  { value: "-2", label: "Lowest" },
  { value: "-1", label: "Low" },
  { value: "0", label: "Normal" },
  { value: "1", label: "High" },
  { value: "2", label: "Emergency (repeats until acknowledged)" },
] as const;

const optionLabel = (options: readonly { value: string; label: string }[], value: string) => options.find((o) => o.value === value)?.label ?? value;

export const KINDS: readonly KindSpec[] = [
  {
    kind: "email",
    label: "Email",
    abbr: "@",
    description: "Mails each alert to an address, once it is confirmed.",
    fields: [
      { key: "address", label: "Email address", type: "email", path: "value.value", required: true, hint: "A new address gets a confirmation link first, unless it is your own." },
      { key: "down", label: "When a check goes down", type: "checkbox", path: "value.down", initial: true, group: "Send an email" },
      { key: "up", label: "When a check recovers", type: "checkbox", path: "value.up", initial: true, group: "Send an email" },
    ],
    toValue: (f) => ({ value: text(f, "address"), down: f.down === true, up: f.up === true }),
    fromValue: (v) => {
      const o = typeof v === "string" ? { value: v, up: true, down: true } : obj(v);
      return { address: str(o.value), down: o.down !== false, up: o.up !== false };
    },
    summary: (v) => {
      const o = typeof v === "string" ? { value: v, up: true, down: true } : obj(v);
      const only = o.down === false && o.up === false ? " (sends nothing)" : o.down === false ? " (recoveries only)" : o.up === false ? " (down alerts only)" : "";
      return `${str(o.value)}${only}`;
    },
  },
  {
    kind: "webhook",
    label: "Webhook",
    abbr: "{ }",
    description: "Calls a URL of yours on each alert, with your method, body and headers.",
    fields: [...webhookDirection("down", "When a check goes down"), ...webhookDirection("up", "When a check recovers")],
    toValue: (f) => ({
      method_down: text(f, "method_down") || "GET",
      url_down: text(f, "url_down"),
      body_down: str(f.body_down),
      headers_down: parseHeaders("headers_down", str(f.headers_down)),
      method_up: text(f, "method_up") || "GET",
      url_up: text(f, "url_up"),
      body_up: str(f.body_up),
      headers_up: parseHeaders("headers_up", str(f.headers_up)),
    }),
    fromValue: (v) => {
      const o = obj(v);
      return {
        method_down: str(o.method_down) || "GET",
        url_down: str(o.url_down),
        body_down: str(o.body_down),
        headers_down: headerLines(o.headers_down),
        method_up: str(o.method_up) || "GET",
        url_up: str(o.url_up),
        body_up: str(o.body_up),
        headers_up: headerLines(o.headers_up),
      };
    },
    summary: (v) => {
      const o = obj(v);
      const parts = [];
      if (str(o.url_down) !== "") parts.push(`Down: ${str(o.method_down) || "GET"} ${str(o.url_down)}`);
      if (str(o.url_up) !== "") parts.push(`Up: ${str(o.method_up) || "GET"} ${str(o.url_up)}`);
      return parts.join(" · ");
    },
  },
  hookKind("slack", "Slack", "Sl", "Posts to a Slack channel through an incoming webhook.", "Slack: Apps → Incoming Webhooks → Add to a channel. Starts with https://hooks.slack.com/."),
  hookKind("mattermost", "Mattermost", "Mm", "Posts to a Mattermost channel through an incoming webhook.", "Mattermost: Integrations → Incoming Webhooks → Add."),
  hookKind("msteamsw", "Microsoft Teams", "Te", "Posts a card to a Teams channel through a Workflows webhook.", 'Teams: the channel\'s Workflows → "Post to a channel when a webhook request is received"; copy its URL.'),
  hookKind("googlechat", "Google Chat", "GC", "Posts to a Google Chat space through its webhook.", "Google Chat: the space's Apps & integrations → Webhooks → Add."),
  hookKind("rocketchat", "Rocket.Chat", "RC", "Posts to a Rocket.Chat channel through an incoming webhook.", "Rocket.Chat: Administration → Integrations → New → Incoming."),
  {
    kind: "discord",
    label: "Discord",
    abbr: "Di",
    description: "Posts to a Discord channel through a webhook.",
    fields: [{ key: "url", label: "Webhook URL", type: "secret", path: "value.webhook.url", required: true, hint: "Discord: the channel's settings → Integrations → Webhooks → Copy Webhook URL." }],
    toValue: (f) => ({ webhook: { url: text(f, "url") } }),
    fromValue: () => ({ url: "" }),
    summary: (v) => str(obj(obj(v).webhook).url),
  },
  {
    kind: "telegram",
    label: "Telegram",
    abbr: "Tg",
    description: "Messages a Telegram chat, group or channel through this site's bot.",
    fields: [
      { key: "id", label: "Chat ID", type: "text", path: "value.id", required: true, placeholder: "-1001234567890 or @mychannel", hint: "Add this site's bot to the chat first." },
      { key: "thread_id", label: "Topic ID", type: "number", path: "value.thread_id", hint: "Only for a topic of a forum group; leave empty otherwise." },
    ],
    toValue: (f) => {
      const thread = text(f, "thread_id");
      return { id: text(f, "id"), ...(thread === "" ? {} : { thread_id: Number(thread) }) };
    },
    fromValue: (v) => {
      const o = obj(v);
      return { id: str(o.id), thread_id: str(o.thread_id) };
    },
    summary: (v) => {
      const o = obj(v);
      return `Chat ${str(o.name) || str(o.id)}${o.thread_id ? `, topic ${str(o.thread_id)}` : ""}`;
    },
  },
  {
    kind: "ntfy",
    label: "ntfy",
    abbr: "nt",
    description: "Pushes to an ntfy topic, on ntfy.sh or your own server.",
    fields: [
      { key: "topic", label: "Topic", type: "text", path: "value.topic", required: true, hint: "Letters, digits, - and _; anyone who knows a topic on a public server can read it." },
      { key: "url", label: "Server", type: "url", path: "value.url", required: true, initial: "https://ntfy.sh" },
      { key: "priority", label: "Priority when a check goes down", type: "select", path: "value.priority", options: NTFY_PRIORITIES, initial: "5" },
      { key: "priority_up", label: "Priority when a check recovers", type: "select", path: "value.priority_up", options: NTFY_PRIORITIES, initial: "3" },
      { key: "token", label: "Access token", type: "secret", path: "value.token", hint: "Only for a protected topic." },
    ],
    toValue: (f) => ({ topic: text(f, "topic"), url: text(f, "url"), priority: Number(f.priority), priority_up: Number(f.priority_up), token: text(f, "token") }),
    fromValue: (v) => {
      const o = obj(v);
      return { topic: str(o.topic), url: str(o.url), priority: str(o.priority ?? 3), priority_up: str(o.priority_up ?? 3), token: "" };
    },
    summary: (v) => {
      const o = obj(v);
      return `${str(o.topic)} on ${hostOf(str(o.url))}`;
    },
  },
  {
    kind: "gotify",
    label: "Gotify",
    abbr: "Go",
    description: "Pushes to your Gotify server.",
    fields: [
      { key: "url", label: "Server URL", type: "url", path: "value.url", required: true, placeholder: "https://gotify.example.com" },
      { key: "token", label: "Application token", type: "secret", path: "value.token", required: true, hint: "Gotify: Apps → Create application." },
      { key: "priority", label: "Priority when a check goes down", type: "select", path: "value.priority", options: GOTIFY_PRIORITIES, initial: "5" },
      { key: "priority_up", label: "Priority when a check recovers", type: "select", path: "value.priority_up", options: GOTIFY_PRIORITIES, initial: "5" },
    ],
    toValue: (f) => ({ url: text(f, "url"), token: text(f, "token"), priority: Number(f.priority), priority_up: Number(f.priority_up) }),
    fromValue: (v) => {
      const o = obj(v);
      return { url: str(o.url), token: "", priority: str(o.priority ?? 5), priority_up: str(o.priority_up ?? 5) };
    },
    summary: (v) => hostOf(str(obj(v).url)),
  },
  {
    kind: "po",
    label: "Pushover",
    abbr: "Po",
    description: "Pushes to your phones and desktops through Pushover.",
    fields: [
      { key: "user", label: "User key", type: "secret", path: "value", required: true, hint: "Your Pushover dashboard shows it: 30 letters and digits." },
      { key: "priority", label: "Priority when a check goes down", type: "select", path: "value.priority", options: PUSHOVER_PRIORITIES, initial: "0" },
      { key: "priority_up", label: "Priority when a check recovers", type: "select", path: "value.priority_up", options: PUSHOVER_PRIORITIES, initial: "0" },
    ],
    toValue: (f) => `${text(f, "user")}|${str(f.priority)}|${str(f.priority_up)}`,
    fromValue: (v) => {
      const [, priority = "0", priorityUp = "0"] = str(v).split("|");
      return { user: "", priority, priority_up: priorityUp };
    },
    summary: (v) => {
      const [key = "", priority = "0", priorityUp = "0"] = str(v).split("|");
      return `User key ${key}; down: ${optionLabel(PUSHOVER_PRIORITIES, priority)}, up: ${optionLabel(PUSHOVER_PRIORITIES, priorityUp)}`;
    },
  },
  {
    kind: "pd",
    label: "PagerDuty",
    abbr: "PD",
    description: "Opens an incident when a check goes down and resolves it when it recovers.",
    fields: [{ key: "key", label: "Integration key", type: "secret", path: "value", required: true, hint: 'PagerDuty: the service\'s Integrations → add "Events API V1"; copy its key.' }],
    toValue: (f) => text(f, "key"),
    fromValue: () => ({ key: "" }),
    summary: (v) => `Integration key ${typeof v === "string" ? v : str(obj(v).service_key)}${typeof v === "object" && obj(v).account ? ` (${str(obj(v).account)})` : ""}`,
  },
  {
    kind: "opsgenie",
    label: "Opsgenie",
    abbr: "Og",
    description: "Creates an alert when a check goes down and closes it when it recovers.",
    fields: [
      { key: "key", label: "API key", type: "secret", path: "value.key", required: true, hint: 'Opsgenie: Teams → your team → Integrations → add "API"; copy its key.' },
      {
        key: "region",
        label: "Region",
        type: "select",
        path: "value.region",
        options: [
          { value: "us", label: "US (api.opsgenie.com)" },
          { value: "eu", label: "EU (api.eu.opsgenie.com)" },
        ],
        initial: "us",
      },
    ],
    toValue: (f) => ({ key: text(f, "key"), region: str(f.region) || "us" }),
    fromValue: (v) => ({ key: "", region: str(obj(v).region) || "us" }),
    summary: (v) => `API key ${str(obj(v).key)}, ${(str(obj(v).region) || "us").toUpperCase()} region`,
  },
  {
    kind: "matrix",
    label: "Matrix",
    abbr: "[m]",
    description: "Posts to a Matrix room through this site's bot account.",
    fields: [{ key: "room", label: "Room ID", type: "text", path: "value", required: true, placeholder: "!abcdefghij:matrix.org", hint: "The room's settings → Advanced. Invite this site's bot to the room first." }],
    toValue: (f) => text(f, "room"),
    fromValue: (v) => ({ room: str(v) }),
    summary: (v) => str(v),
  },
  {
    kind: "zulip",
    label: "Zulip",
    abbr: "Zu",
    description: "Posts to a Zulip stream topic, or as a private message, through a bot.",
    fields: [
      { key: "site", label: "Organization URL", type: "url", path: "value.site", required: true, placeholder: "https://example.zulipchat.com" },
      { key: "bot_email", label: "Bot email", type: "email", path: "value.bot_email", required: true, hint: "Zulip: Settings → Bots → Add a new bot (an incoming webhook bot is enough)." },
      { key: "api_key", label: "Bot API key", type: "secret", path: "value.api_key", required: true },
      {
        key: "mtype",
        label: "Send to",
        type: "select",
        path: "value.mtype",
        options: [
          { value: "stream", label: "A stream" },
          { value: "private", label: "A person (private message)" },
        ],
        initial: "stream",
      },
      { key: "to", label: "Stream name, or the person's email", type: "text", path: "value.to", required: true },
      { key: "topic", label: "Topic", type: "text", path: "value.topic", hint: "For a stream; leave empty for the check's name." },
    ],
    toValue: (f) => ({ site: text(f, "site"), bot_email: text(f, "bot_email"), api_key: text(f, "api_key"), mtype: str(f.mtype) || "stream", to: text(f, "to"), topic: text(f, "topic") }),
    fromValue: (v) => {
      const o = obj(v);
      return { site: str(o.site), bot_email: str(o.bot_email), api_key: "", mtype: str(o.mtype) || "stream", to: str(o.to), topic: str(o.topic) };
    },
    summary: (v) => {
      const o = obj(v);
      const where = o.mtype === "private" ? `private message to ${str(o.to)}` : `#${str(o.to)}${str(o.topic) === "" ? "" : ` › ${str(o.topic)}`}`;
      return `${where} on ${hostOf(str(o.site))}`;
    },
  },
  {
    kind: "group",
    label: "Group",
    abbr: "⊕",
    description: "Notifies several of this project's integrations at once.",
    fields: [{ key: "members", label: "Integrations in the group", type: "members", path: "value", required: true }],
    toValue: (f) => str(f.members),
    fromValue: (v) => ({ members: str(v) }),
    summary: (v, names) => {
      const ids = str(v) === "" ? [] : str(v).split(",");
      return `${ids.length} integration${ids.length === 1 ? "" : "s"}: ${ids.map((id) => names.get(id) ?? "removed").join(", ")}`;
    },
  },
];

const BY_KIND = new Map(KINDS.map((k) => [k.kind as string, k]));

export const kindSpec = (kind: string): KindSpec | undefined => BY_KIND.get(kind);

/** What the site's operator must set before a kind can deliver (the Worker's secrets and vars). */
export const SETUP: Partial<Record<ChannelKind, string>> = {
  email: "an SMTP server (SMTP_HOST)",
  telegram: "a Telegram bot (TELEGRAM_BOT_TOKEN)",
  po: "a Pushover application (PUSHOVER_API_TOKEN)",
  matrix: "a Matrix bot account (MATRIX_HOMESERVER and MATRIX_ACCESS_TOKEN)",
};

/** The form's starting values for a new channel of the kind. */
export function initialValues(spec: KindSpec): FormValues {
  return Object.fromEntries(spec.fields.map((f) => [f.key, f.initial ?? (f.type === "checkbox" ? false : "")]));
}

/**
 * The form's starting values for an existing channel, and the fields left empty because the stored
 * value hides them (secrets, masked parts).
 */
export function editValues(spec: KindSpec, value: unknown): { values: FormValues; hidden: string[] } {
  const values = { ...initialValues(spec), ...spec.fromValue(value) };
  const hidden: string[] = [];
  for (const f of spec.fields) {
    const v = values[f.key];
    if (f.type === "secret" || (typeof v === "string" && isMasked(v))) {
      values[f.key] = "";
      hidden.push(f.key);
    }
  }
  return { values, hidden };
}

/** A problem placed by a field (its key, or "name"), or on the form (null). */
export interface Problem {
  key: string | null;
  text: string;
}

const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Where an API message belongs, in words a person reads (field paths become the fields' names). */
export function placeProblem(spec: KindSpec, raw: string): Problem {
  const message = raw.replace(/^json validation error: /, "");
  const token = message.split(" ")[0] ?? "";
  if (token === "name") return { key: "name", text: sentence(message) };
  const byLength = [...spec.fields].sort((a, b) => b.path.length - a.path.length);
  const field = byLength.find((f) => token === f.path || token.startsWith(`${f.path}.`));
  let text = message;
  for (const f of byLength) text = text.replace(new RegExp(`(?<![\\w.])${escape(f.path)}(?![\\w])`, "g"), f.spoken ?? f.label);
  return { key: field?.key ?? null, text: sentence(text) };
}
