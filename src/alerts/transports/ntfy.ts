// ntfy: publish as JSON (POST to the server's root URL, topic in the body), markdown message,
// red/green circle tags, a "view" action to the check; priority 0 for a direction = don't send.
import type { RequestBuilder } from "../types";
import { alertTitle, isDown, jsonHeaders, markdownMessage, messageParts } from "./text";

export const ntfy: RequestBuilder<"ntfy"> = (ctx, value) => {
  const down = isDown(ctx);
  const priority = down ? value.priority : value.priority_up;
  if (priority === 0) return null;
  const parts = messageParts(ctx);
  const headers = jsonHeaders(ctx, value.token === "" ? {} : { Authorization: `Bearer ${value.token}` });
  return {
    method: "POST",
    url: value.url,
    headers,
    body: JSON.stringify({
      topic: value.topic,
      priority,
      title: alertTitle(ctx),
      message: markdownMessage(parts, ctx.siteName, false),
      markdown: true,
      tags: [down ? "red_circle" : "green_circle"],
      actions: parts.url === null ? [] : [{ action: "view", label: `View on ${ctx.siteName}`, url: parts.url }],
    }),
  };
};
