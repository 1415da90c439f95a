// Webhook: the user's own request for each direction, with placeholders filled in.
import { render } from "../templating";
import type { OutgoingRequest, RequestBuilder } from "../types";

export const webhook: RequestBuilder<"webhook"> = (ctx, value) => {
  const status = ctx.snapshot.new_status;
  // Healthchecks only has up and down specs; other statuses never alert.
  if (status !== "down" && status !== "up") return null;
  const spec =
    status === "down"
      ? { method: value.method_down, url: value.url_down, body: value.body_down, headers: value.headers_down }
      : { method: value.method_up, url: value.url_up, body: value.body_up, headers: value.headers_up };
  // No URL for this direction: nothing to send (Healthchecks' is_noop).
  if (spec.url === "") return null;

  const headers: Record<string, string> = {};
  for (const [name, template] of Object.entries(spec.headers)) headers[name] = render(template, ctx, "headers");
  // HTTP header names are case-insensitive, so any spelling of the user's User-Agent wins.
  if (!Object.keys(headers).some((name) => name.toLowerCase() === "user-agent")) headers["User-Agent"] = ctx.siteName;

  const req: OutgoingRequest = { method: spec.method, url: render(spec.url, ctx, "url"), headers };
  if (spec.method === "POST" || spec.method === "PUT") {
    const body = render(spec.body, ctx, "body");
    if (body !== "") req.body = body;
  }
  return req;
};
