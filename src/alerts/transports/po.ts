// Pushover (messages.json): form-encoded; the application token is instance-wide (a secret), bound by
// `po(appToken)`. The channel value is "<user key>|<priority>|<priority when up>"; −3 = don't send.
// Emergency priority (2) must carry retry/expire; it is tagged with the check's uuid so that it can be
// cancelled by tag (receipts/cancel_by_tag/<uuid>.json) — a second request this builder does not make.
import type { RequestBuilder } from "../types";
import { alertTitle, checkFields, formHeaders, htmlMessage, isDown, messageParts } from "./text";

export const PUSHOVER_URL = "https://api.pushover.net/1/messages.json";
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

export function po(appToken: string): RequestBuilder<"po"> {
  return (ctx, value) => {
    const { user, priority: down, priorityUp } = parsePushover(value);
    const priority = isDown(ctx) ? down : priorityUp;
    if (priority === -3) return null;
    // Pushover's HTML has no <pre>: the ping body is left out, the link goes in url/url_title.
    const parts = { ...messageParts(ctx), body: null };
    const form = new URLSearchParams({
      token: appToken,
      user,
      title: alertTitle(ctx).slice(0, MAX_TITLE),
      message: clampLines(htmlMessage(parts, ctx.siteName, false), MAX_MESSAGE),
      html: "1",
      priority: String(priority),
      url: parts.url,
      url_title: `View in ${ctx.siteName}`,
    });
    if (priority === 2) {
      form.set("retry", "300");
      form.set("expire", "86400");
      form.set("tags", checkFields(ctx).uuid);
    }
    return { method: "POST", url: PUSHOVER_URL, headers: formHeaders(ctx), body: form.toString() };
  };
}
