// Microsoft Teams via a Workflows ("Post to a channel when a webhook request is received") webhook:
// a message activity with one Adaptive Card 1.2 attachment — a title, the reason/downtime text,
// a FactSet with the check's details, and an "Open URL" action to the check.
import { tagList } from "../../checks/model";
import type { RequestBuilder } from "../types";
import {
  alertTitle,
  checkFields,
  detailsUrl,
  displayBody,
  downtimeSentence,
  isDown,
  jsonHeaders,
  lastPingText,
  otherDownHeading,
  otherDownLines,
  periodFacts,
  reasonSentence,
} from "./text";

type Element = Record<string, unknown>;

export const msteamsw: RequestBuilder<"msteamsw"> = (ctx, value) => {
  const check = checkFields(ctx);
  const down = isDown(ctx);
  const facts: { title: string; value: string }[] = [];
  if (check.desc !== "") facts.push({ title: "Description:", value: check.desc });
  const tags = tagList(check.tags);
  if (tags.length > 0) facts.push({ title: "Tags:", value: tags.join(", ") });
  for (const [k, v] of periodFacts(check)) facts.push({ title: `${k}:`, value: v });
  facts.push({ title: "Total Pings:", value: String(check.n_pings) });
  facts.push({ title: "Last Ping:", value: lastPingText(ctx) });

  const text = (t: string, extra: Element = {}): Element => ({ type: "TextBlock", text: t, wrap: true, ...extra });
  const body: Element[] = [
    text(`${alertTitle(ctx)}.`, { size: "Large", weight: "Bolder", color: down ? "Attention" : "Good" }),
  ];
  for (const line of [reasonSentence(ctx.snapshot.reason), downtimeSentence(ctx)]) if (line !== null) body.push(text(line));
  body.push({ type: "FactSet", facts });
  const ping = displayBody(ctx.snapshot.last_ping_body);
  if (ping !== null) {
    body.push(text("Last Ping Body:", { weight: "Bolder" }));
    body.push(text(ping, { fontType: "Monospace" }));
  }
  const heading = otherDownHeading(ctx);
  if (heading !== null) {
    body.push(text(heading, { weight: "Bolder" }));
    body.push(text(otherDownLines(ctx).map((l) => `- ${l}`).join("\n")));
  }

  const link = detailsUrl(ctx);
  const card = {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: "1.2",
    body,
    actions: link === null ? [] : [{ type: "Action.OpenUrl", title: `View in ${ctx.siteName}`, url: link }],
  };
  return {
    method: "POST",
    url: value,
    headers: jsonHeaders(ctx),
    body: JSON.stringify({
      type: "message",
      attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card }],
    }),
  };
};
