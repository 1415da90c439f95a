// Zulip send-message API: POST <site>/api/v1/messages, form-encoded, HTTP basic auth with the bot's
// email and API key. Stream messages go to `to` under `topic` (default: the check's name); private
// (direct) messages go to the user `to`, given as a JSON list of emails.
import { base64 } from "../../crypto";
import type { RequestBuilder } from "../types";
import { displayName, formHeaders, joinUrl, markdownMessage, messageParts } from "./text";

/** Zulip's topic length limit. */
const MAX_TOPIC = 60;

/** Basic credentials for UTF-8 user:password. */
export const basicAuth = (user: string, password: string): string => `Basic ${base64(`${user}:${password}`)}`;

export const zulip: RequestBuilder<"zulip"> = (ctx, value) => {
  const form = new URLSearchParams();
  if (value.mtype === "stream") {
    form.set("type", "stream");
    form.set("to", value.to);
    form.set("topic", (value.topic || displayName(ctx)).slice(0, MAX_TOPIC));
  } else {
    form.set("type", "private");
    form.set("to", JSON.stringify([value.to]));
  }
  form.set("content", markdownMessage(messageParts(ctx), ctx.siteName));
  return {
    method: "POST",
    url: joinUrl(value.site, "api/v1/messages"),
    headers: formHeaders(ctx, { Authorization: basicAuth(value.bot_email, value.api_key) }),
    body: form.toString(),
  };
};
