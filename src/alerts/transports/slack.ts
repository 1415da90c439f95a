// Slack incoming webhooks and the services that accept the same payload: Mattermost, Rocket.Chat,
// and Discord's Slack-compatible endpoint (`<webhook>/slack`). One message: a summary `text` and one
// attachment coloured good/danger, its title linking to the check's details page, with fields.
import { tagList } from "../../checks/model";
import type { AlertContext, OutgoingRequest, RequestBuilder } from "../types";
import {
  alertTitle,
  checkFields,
  detailsUrl,
  displayBody,
  downtimeSentence,
  escapeSlack,
  isDown,
  jsonHeaders,
  lastPingText,
  otherDownHeading,
  otherDownLines,
  periodFacts,
  reasonSentence,
} from "./text";

export interface SlackField {
  title: string;
  value: string;
  short: boolean;
}

export interface SlackPayload {
  username: string;
  text: string;
  attachments: {
    color: "good" | "danger";
    fallback: string;
    title: string;
    title_link?: string;
    text: string;
    mrkdwn_in: string[];
    fields: SlackField[];
  }[];
}

/** The Slack-format message. `esc` escapes user-supplied text for the target's markup. */
export function slackPayload(ctx: AlertContext, esc: (s: string) => string = escapeSlack): SlackPayload {
  const check = checkFields(ctx);
  const down = isDown(ctx);
  const heading = otherDownHeading(ctx);
  const lines = [
    reasonSentence(ctx.snapshot.reason),
    downtimeSentence(ctx),
    heading === null ? null : [heading, ...otherDownLines(ctx).map((l) => `• ${esc(l)}`)].join("\n"),
  ].filter((l): l is string => l !== null);

  const fields: SlackField[] = [];
  if (check.desc !== "") fields.push({ title: "Description", value: esc(check.desc), short: false });
  const tags = tagList(check.tags);
  if (tags.length > 0) fields.push({ title: "Tags", value: tags.map((t) => `\`${esc(t)}\``).join(" "), short: true });
  for (const [k, v] of periodFacts(check)) fields.push({ title: k, value: `\`${esc(v)}\``, short: true });
  fields.push({ title: "Total Pings", value: String(check.n_pings), short: true });
  fields.push({ title: "Last Ping", value: lastPingText(ctx), short: true });
  const body = displayBody(ctx.snapshot.last_ping_body);
  if (body !== null) fields.push({ title: "Last Ping Body", value: "```\n" + escapeSlack(body) + "\n```", short: false });

  const title = esc(alertTitle(ctx));
  const link = detailsUrl(ctx);
  return {
    username: ctx.siteName,
    text: `${title}.`,
    attachments: [
      {
        color: down ? "danger" : "good",
        fallback: `${title}.`,
        title: `${title}.`,
        ...(link === null ? {} : { title_link: link }),
        text: lines.join("\n"),
        mrkdwn_in: ["text", "fields"],
        fields,
      },
    ],
  };
}

const post = (ctx: AlertContext, url: string, payload: unknown): OutgoingRequest => ({
  method: "POST",
  url,
  headers: jsonHeaders(ctx),
  body: JSON.stringify(payload),
});

/** Slack: the stored value is the incoming-webhook URL. */
export const slack: RequestBuilder<"slack"> = (ctx, value) => post(ctx, value, slackPayload(ctx));

/** Mattermost accepts Slack's incoming-webhook payload (attachments included). */
export const mattermost: RequestBuilder<"mattermost"> = (ctx, value) => post(ctx, value, slackPayload(ctx));

/** Rocket.Chat incoming webhooks accept Slack-style `text` + `attachments` (title_link, color, fields). */
export const rocketchat: RequestBuilder<"rocketchat"> = (ctx, value) => post(ctx, value, slackPayload(ctx));

/** Slack escaping plus Discord's emphasis marker `*` as `\*`. */
export const escapeDiscord = (s: string): string => escapeSlack(s).replaceAll("*", "\\*");

/** Discord: the Slack payload to the webhook's Slack-compatible endpoint `<url>/slack`. */
export const discord: RequestBuilder<"discord"> = (ctx, value) =>
  post(ctx, slackEndpoint(value.webhook.url), slackPayload(ctx, escapeDiscord));

/** `/slack` appended to the webhook URL's path (a query such as `?thread_id=` stays after it). */
export function slackEndpoint(webhookUrl: string): string {
  const u = new URL(webhookUrl);
  u.pathname = `${u.pathname.replace(/\/+$/, "")}/slack`;
  return u.toString();
}
