// Matrix client-server API: PUT /_matrix/client/v3/rooms/<room>/send/m.room.message/<txn id> with the
// instance's bot access token. The transaction id is the idempotency key, so a retried send is
// de-duplicated by the homeserver. Homeserver and token are instance-wide, bound by `matrix(...)`.
import type { RequestBuilder } from "../types";
import { htmlMessage, jsonHeaders, messageParts, plainMessage } from "./text";

export interface MatrixBot {
  /** e.g. "https://matrix.org" (no trailing slash needed). */
  homeserver: string;
  accessToken: string;
}

/** Newlines as <br> outside <pre> blocks (Matrix HTML does not keep line breaks). */
export const htmlLineBreaks = (html: string): string =>
  html
    .split(/(<pre>[\s\S]*?<\/pre>)/)
    .map((seg, i) => (i % 2 === 1 ? seg : seg.replaceAll("\n", "<br>")))
    .join("");

export function matrix(bot: MatrixBot): RequestBuilder<"matrix"> {
  return (ctx, value) => {
    const parts = messageParts(ctx);
    const base = bot.homeserver.replace(/\/+$/, "");
    return {
      method: "PUT",
      url: `${base}/_matrix/client/v3/rooms/${encodeURIComponent(value)}/send/m.room.message/${encodeURIComponent(ctx.idempotencyKey)}`,
      headers: jsonHeaders(ctx, { Authorization: `Bearer ${bot.accessToken}` }),
      body: JSON.stringify({
        msgtype: "m.text",
        body: plainMessage(parts, ctx.siteName),
        format: "org.matrix.custom.html",
        formatted_body: htmlLineBreaks(htmlMessage(parts, ctx.siteName)),
      }),
    };
  };
}
