// Gotify: POST <server>/message?token=<app token>, JSON title/message/priority, markdown via the
// `client::display` extra; priority 0 for a direction = don't send.
import type { RequestBuilder } from "../types";
import { alertTitle, isDown, joinUrl, jsonHeaders, markdownMessage, messageParts } from "./text";

export const gotify: RequestBuilder<"gotify"> = (ctx, value) => {
  const priority = isDown(ctx) ? value.priority : value.priority_up;
  if (priority === 0) return null;
  return {
    method: "POST",
    url: `${joinUrl(value.url, "message")}?token=${encodeURIComponent(value.token)}`,
    headers: jsonHeaders(ctx),
    body: JSON.stringify({
      title: alertTitle(ctx),
      message: markdownMessage(messageParts(ctx), ctx.siteName, false),
      priority,
      extras: { "client::display": { contentType: "text/markdown" } },
    }),
  };
};
