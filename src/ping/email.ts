// Email pings: Cloudflare Email Routing delivers mail for `<uuid>@PING_EMAIL_DOMAIN`
// or `<ping_key>+<slug>@PING_EMAIL_DOMAIN` to the Worker's email() handler, which records it as a ping.
//
// Differences from Healthchecks' smtpd, on purpose:
// - remote_addr is null: Email Workers are not told the connecting peer's IP address.
// - The stored body is the raw message capped at MAX_STORED_BODY bytes (Healthchecks keeps all of
//   it; a Durable Object SQLite row holds at most 2 MB). The filters see the same capped message.
// - Unknown recipients are rejected with a permanent SMTP error through setReject (as smtpd's 550),
//   before the message is read: the lookup comes first, the parse only for a known check.
import { sha256Hex } from "../crypto";
import { findBySlug } from "../checks/repository";
import type { PingInput, PingResult } from "../checks/model";
import { config, isLocalRun, MAX_STORED_BODY, secretKeyMissing } from "../config";
import { parseEmail } from "./mime";
import { checkExists, pingKnownCheck } from "./unknown-checks";

export type EmailRecipient = { kind: "uuid"; uuid: string } | { kind: "slug"; pingKey: string; slug: string };

/** The subset of ForwardableEmailMessage the handler uses (tests build plain objects of this shape). */
export type InboundEmail = Pick<ForwardableEmailMessage, "from" | "to" | "raw" | "setReject">;

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const KEY_SLUG = /^([A-Za-z0-9_-]+)\+([a-z0-9_-]+)$/;
const UA_MAX = 200;

/**
 * Which check an envelope recipient addresses, or null: email pings off (no domain), another
 * domain (compared case-insensitively), or a mailbox that is neither a v4 uuid nor key+slug.
 */
export function parseRecipient(address: string, domain: string): EmailRecipient | null {
  const want = domain.trim().toLowerCase().replace(/\.$/, "");
  if (want === "") return null;
  const addr = address.trim().replace(/^<(.*)>$/, "$1");
  const at = addr.lastIndexOf("@");
  if (at <= 0) return null;
  if (addr.slice(at + 1).toLowerCase().replace(/\.$/, "") !== want) return null;
  const mailbox = addr.slice(0, at);
  if (UUID_V4.test(mailbox)) return { kind: "uuid", uuid: mailbox };
  const m = KEY_SLUG.exec(mailbox);
  return m ? { kind: "slug", pingKey: m[1]!, slug: m[2]! } : null;
}

/** Keeps the first `cap` bytes of a stream and reads (drains) the rest without keeping it. */
export async function readCapped(stream: ReadableStream<Uint8Array>, cap: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let kept = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (kept < cap) {
      const take = value.subarray(0, Math.min(value.byteLength, cap - kept));
      chunks.push(take);
      kept += take.byteLength;
    }
  }
  const out = new Uint8Array(kept);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Reads and parses the message: only once its recipient is known to be a check. */
async function emailPingInput(message: InboundEmail, rateLimit: number): Promise<PingInput> {
  const body = await readCapped(message.raw, MAX_STORED_BODY);
  const parsed = parseEmail(body);
  return {
    action: "success",
    exitStatus: null,
    rid: null,
    method: "",
    scheme: "email",
    remoteAddr: null,
    ua: `Email from ${message.from}`.slice(0, UA_MAX),
    body,
    // The DO puts the subject first when filter_subject is on, then this text when filter_body is.
    email: { subject: parsed.subject, text: [parsed.plain, parsed.htmlText].join("\n") },
    rateLimit,
  };
}

/** What to do with a message: null = accepted (recorded, or dropped by the rate limit), else a reject reason. */
async function deliver(message: InboundEmail, env: Env): Promise<string | null> {
  const conf = config(env);
  const recipient = parseRecipient(message.to, conf.pingEmailDomain);
  if (recipient === null) return "unknown recipient";

  // The recipient is looked up before the (up to 1 MiB) message is read: mail to an unknown
  // address costs one lookup, not a parse.
  let id: string;
  if (recipient.kind === "uuid") {
    if (!(await checkExists(env, recipient.uuid))) return "unknown recipient";
    id = recipient.uuid;
  } else {
    const matches = await findBySlug(env, await sha256Hex(recipient.pingKey), recipient.slug);
    if (matches.length > 1) return "ambiguous slug";
    if (matches[0] === undefined) return "unknown recipient";
    id = matches[0];
  }
  const result: PingResult = await pingKnownCheck(env, id, await emailPingInput(message, conf.pingRateLimit), conf.siteRoot);
  // "rate_limited": accepted but not recorded, as uuid HTTP pings answer 200.
  return result === "not_found" ? "unknown recipient" : null;
}

/** The Worker's email() handler: records the message as a ping or rejects it. Never throws. */
export async function handleEmail(message: InboundEmail, env: Env): Promise<void> {
  if (secretKeyMissing(env) && !isLocalRun(env)) {
    // A public deployment without SECRET_KEY serves nothing (as its fetch handler); tell the sender.
    console.error("email ping rejected: SECRET_KEY is not set");
    message.setReject("SECRET_KEY is not set on this server");
    return;
  }
  try {
    const reason = await deliver(message, env);
    if (reason !== null) message.setReject(reason);
  } catch (err) {
    console.error("email ping failed", err);
    message.setReject("internal error");
  }
}
