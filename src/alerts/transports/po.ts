// Pushover (messages.json): form-encoded; the application token is instance-wide (a secret), bound by
// `po(appToken)`. The channel value is "<user key>|<priority>|<priority when up>"; −3 = don't send.
// Emergency priority (2) repeats until acknowledged, so it carries retry/expire and is tagged with the
// check's unique key; when the check recovers, a cancel by that tag goes out before the "up" message
// (and even when "up" messages are off: an emergency must not keep ringing for a recovered check).
import { uniqueKeyFor } from "../../checks/model";
import type { OutgoingRequest } from "../types";
import { type AsyncRequestBuilder, alertTitle, checkFields, formHeaders, htmlMessage, isDown, messageParts } from "./text";

export const PUSHOVER_URL = "https://api.pushover.net/1/messages.json";
export const pushoverCancelUrl = (tag: string): string => `https://api.pushover.net/1/receipts/cancel_by_tag/${tag}.json`;
const MAX_TITLE = 250;
const MAX_MESSAGE = 1024;

/** "<user>|<prio>|<prio_up>" → its parts. */
export function parsePushover(value: string): { user: string; priority: number; priorityUp: number } {
  const [user = "", p = "0", up = "0"] = value.split("|");
  return { user, priority: Number(p), priorityUp: Number(up) };
}

/** Whole lines of `s` up to `max` characters (a cut mid-line would break HTML tags). */
function clampLines(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.lastIndexOf("\n", max - 1);
  return cut > 0 ? s.slice(0, cut) : s.slice(0, max - 1) + "…";
}

export function po(appToken: string): AsyncRequestBuilder<"po"> {
  return async (ctx, value) => {
    const { user, priority: down, priorityUp } = parsePushover(value);
    const priority = isDown(ctx) ? down : priorityUp;
    const tag = await uniqueKeyFor(checkFields(ctx).uuid);
    const cancel: OutgoingRequest | null =
      !isDown(ctx) && down === 2
        ? {
            method: "POST",
            url: pushoverCancelUrl(tag),
            headers: formHeaders(ctx, { "Idempotency-Key": `${ctx.idempotencyKey}:cancel` }),
            body: new URLSearchParams({ token: appToken }).toString(),
          }
        : null;
    if (priority === -3) return cancel;
    // Pushover's HTML has no <pre>: the ping body is left out, the link goes in url/url_title.
    const parts = { ...messageParts(ctx), body: null };
    const form = new URLSearchParams({
      token: appToken,
      user,
      title: alertTitle(ctx).slice(0, MAX_TITLE),
      message: clampLines(htmlMessage(parts, ctx.siteName, false), MAX_MESSAGE),
      html: "1",
      priority: String(priority),
    });
    if (parts.url !== null) {
      form.set("url", parts.url);
      form.set("url_title", `View in ${ctx.siteName}`);
    }
    if (priority === 2) {
      form.set("retry", "300");
      form.set("expire", "86400");
      form.set("tags", tag);
    }
    const message: OutgoingRequest = { method: "POST", url: PUSHOVER_URL, headers: formHeaders(ctx), body: form.toString() };
    return cancel === null ? message : { ...message, first: cancel };
  };
}
