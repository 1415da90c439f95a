// Google Chat incoming webhook: POST JSON `{text}` using Chat's text formatting (*bold*, ```code```,
// <url|label> links).
import type { RequestBuilder } from "../types";
import { messageParts } from "./text";

export const googlechat: RequestBuilder<"googlechat"> = (ctx, value) => {
  const p = messageParts(ctx);
  const blocks = [[`*${p.title}.*`, ...p.sentences].join("\n")];
  blocks.push(p.facts.map(([k, v]) => `*${k}:* ${v}`).join("\n"));
  if (p.body !== null) blocks.push("*Last Ping Body:*\n```\n" + p.body + "\n```");
  if (p.otherHeading !== null) blocks.push([`*${p.otherHeading}*`, ...p.otherLines.map((l) => `• ${l}`)].join("\n"));
  if (p.url !== null) blocks.push(`<${p.url}|View in ${ctx.siteName}>`);
  return {
    method: "POST",
    url: value,
    headers: { "Content-Type": "application/json; charset=UTF-8", "Idempotency-Key": ctx.idempotencyKey },
    body: JSON.stringify({ text: blocks.join("\n\n") }),
  };
};
