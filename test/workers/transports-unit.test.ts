// Transport payload builders: each request compared with the target service's documented format.
import { describe, expect, it } from "vitest";
import { uniqueKeyFor } from "../../src/checks/model";
import type { CheckSnapshot } from "../../src/checks/model";
import { gotify } from "../../src/alerts/transports/gotify";
import { googlechat } from "../../src/alerts/transports/googlechat";
import { htmlLineBreaks, matrix } from "../../src/alerts/transports/matrix";
import { msteamsw } from "../../src/alerts/transports/msteamsw";
import { ntfy } from "../../src/alerts/transports/ntfy";
import { opsgenie } from "../../src/alerts/transports/opsgenie";
import { pd, PD_EVENTS_URL } from "../../src/alerts/transports/pd";
import { parsePushover, po } from "../../src/alerts/transports/po";
import { discord, escapeDiscord, mattermost, rocketchat, slack, slackEndpoint } from "../../src/alerts/transports/slack";
import { telegram } from "../../src/alerts/transports/telegram";
import {
  ago,
  alertTitle,
  detailsUrl,
  displayBody,
  downtimeSentence,
  escapeHtml,
  escapeMarkdown,
  escapeSlack,
  formatSeconds,
  htmlMessage,
  joinUrl,
  lastPingText,
  markdownMessage,
  messageParts,
  otherDownHeading,
  otherDownLine,
  periodFacts,
  periodLine,
  plainMessage,
  reasonSentence,
  title,
} from "../../src/alerts/transports/text";
import { tagList } from "../../src/checks/model";
import { basicAuth, zulip } from "../../src/alerts/transports/zulip";
import type { AlertContext, OutgoingRequest } from "../../src/alerts/types";

const UUID = "0b6a7a3c-4f0e-4b8e-9a51-2f6c1e9d8a77";
const FLIP = Date.UTC(2026, 0, 2, 3, 4, 5);
const H = 3600_000;
const SITE = "https://hc.example.com";
const DETAILS = `${SITE}/checks/${UUID}/details/`;
const IDEM = "flip-1:chan-1";

type Overrides = Partial<Omit<AlertContext, "snapshot">> & {
  snapshot?: Partial<CheckSnapshot>;
  check?: Record<string, unknown>;
};

/** A down (timeout) alert for "backup" with two other checks down, unless overridden. */
function makeCtx(o: Overrides = {}): AlertContext {
  const check: Record<string, unknown> = {
    name: "backup",
    slug: "backup",
    tags: "prod db",
    desc: "Nightly backup",
    grace: 3600,
    n_pings: 42,
    status: "down",
    last_ping: new Date(FLIP - 25 * H).toISOString().replace(".000Z", "+00:00"),
    uuid: UUID,
    ping_url: `https://hc-ping.example.com/${UUID}`,
    timeout: 86400,
    ...o.check,
  };
  for (const [k, v] of Object.entries(check)) if (v === undefined) delete check[k];
  const snapshot: CheckSnapshot = {
    check,
    check_id: UUID,
    project_id: "p1",
    flip_id: "flip-1",
    flip_time: FLIP,
    seq: 1,
    old_status: "up",
    new_status: "down",
    reason: "timeout",
    down_duration: null,
    last_ping_body: "all good",
    last_ping_exitstatus: 0,
    last_ping_kind: "success",
    ...o.snapshot,
  };
  return {
    channelId: "chan-1",
    channelName: "ops",
    idempotencyKey: IDEM,
    siteRoot: SITE,
    siteName: "edgechecks",
    otherDown: [
      { name: "api", down_since: FLIP - 3 * H },
      { name: "cron", down_since: null },
    ],
    test: false,
    ...o,
    snapshot,
  };
}

const upCtx = (o: Overrides = {}) =>
  makeCtx({
    ...o,
    snapshot: { new_status: "up", old_status: "down", reason: "", down_duration: 2 * H + 5 * 60_000, ...o.snapshot },
  });

const json = (r: OutgoingRequest | null) => JSON.parse(r!.body!);
const form = (r: OutgoingRequest | null) => Object.fromEntries(new URLSearchParams(r!.body!));
const JSON_HEADERS = { "Content-Type": "application/json", "Idempotency-Key": IDEM };
const FORM_HEADERS = { "Content-Type": "application/x-www-form-urlencoded", "Idempotency-Key": IDEM };

describe("text", () => {
  it("titles", () => {
    expect(title("backup", true)).toBe("“backup” is DOWN");
    expect(title("backup", false)).toBe("“backup” is UP");
    expect(alertTitle(makeCtx())).toBe("“backup” is DOWN");
    expect(alertTitle(makeCtx({ check: { name: "" } }))).toBe(`“${UUID}” is DOWN`);
  });
  it("reason sentences", () => {
    expect(reasonSentence("timeout")).toBe("Reason: success signal did not arrive on time, grace time passed.");
    expect(reasonSentence("fail")).toBe("Reason: received a failure signal.");
    expect(reasonSentence("")).toBeNull();
  });
  it("durations", () => {
    expect(formatSeconds(0)).toBe("0 seconds");
    expect(formatSeconds(1)).toBe("1 second");
    expect(formatSeconds(59.9)).toBe("59 seconds");
    expect(formatSeconds(7500)).toBe("2 hours 5 minutes");
    expect(formatSeconds(3600)).toBe("1 hour");
    expect(formatSeconds(90061)).toBe("1 day 1 hour");
    expect(formatSeconds(86400 + 5)).toBe("1 day"); // non-adjacent units dropped
    expect(formatSeconds(15 * 86400)).toBe("2 weeks 1 day");
  });
  it("downtime only on recovery with a known duration", () => {
    expect(downtimeSentence(upCtx())).toBe("It was down for 2 hours 5 minutes.");
    expect(downtimeSentence(makeCtx())).toBeNull();
    expect(downtimeSentence(upCtx({ snapshot: { down_duration: null } }))).toBeNull();
  });
  it("period or schedule", () => {
    const simple = { uuid: UUID, name: "", slug: "", tags: "", desc: "", n_pings: 0, last_ping: null, grace: 60 };
    expect(periodFacts({ ...simple, timeout: 86400 })).toEqual([["Period", "1 day"]]);
    expect(periodLine({ ...simple, timeout: 300 })).toBe("Period: 5 minutes");
    expect(periodFacts({ ...simple, schedule: "0 3 * * *", tz: "Europe/Riga" })).toEqual([
      ["Schedule", "0 3 * * *"],
      ["Time Zone", "Europe/Riga"],
    ]);
    expect(periodLine({ ...simple, schedule: "0 3 * * *", tz: "UTC" })).toBe("Schedule: 0 3 * * *, Time Zone: UTC");
  });
  it("last ping", () => {
    expect(ago(null, FLIP)).toBe("never");
    expect(ago(new Date(FLIP - 5 * 60_000).toISOString(), FLIP)).toBe("5 minutes ago");
    expect(lastPingText(makeCtx())).toBe("Success, 1 day 1 hour ago");
    expect(lastPingText(makeCtx({ snapshot: { last_ping_kind: "fail" } }))).toBe("Failure, 1 day 1 hour ago");
    expect(lastPingText(makeCtx({ check: { last_ping: null } }))).toBe("Never");
  });
  it("ping body display", () => {
    expect(displayBody(null)).toBeNull();
    expect(displayBody("  \n")).toBeNull();
    expect(displayBody("a ``` b")).toBeNull();
    expect(displayBody("x".repeat(1000))).toBe("x".repeat(1000));
    expect(displayBody("x".repeat(1001))).toBe("x".repeat(1000) + "…");
  });
  it("also down", () => {
    expect(otherDownLine({ name: "api", down_since: FLIP - 3 * H }, FLIP)).toBe("“api” (down for 3 hours)");
    expect(otherDownLine({ name: "cron", down_since: null }, FLIP)).toBe("“cron”");
    expect(otherDownHeading(makeCtx())).toBe("Other checks also down:");
    expect(otherDownHeading(upCtx())).toBe("Other checks still down:");
    expect(otherDownHeading(makeCtx({ otherDown: [] }))).toBeNull();
  });
  it("escapes and urls", () => {
    expect(escapeHtml(`<a href="x">&</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
    expect(escapeSlack("<!here> & co")).toBe("&lt;!here&gt; &amp; co");
    expect(escapeMarkdown("a*b_c`d[e]\\f-g.h")).toBe("a\\*b\\_c\\`d\\[e\\]\\\\f-g.h");
    expect(tagList(" prod  db ")).toEqual(["prod", "db"]);
    expect(joinUrl("https://x.example/gotify/", "/message")).toBe("https://x.example/gotify/message");
    expect(detailsUrl(makeCtx())).toBe(DETAILS);
  });
  it("message renderings", () => {
    const p = messageParts(makeCtx());
    expect(p.facts).toEqual([
      ["Description", "Nightly backup"],
      ["Tags", "prod, db"],
      ["Period", "1 day"],
      ["Total Pings", "42"],
      ["Last Ping", "Success, 1 day 1 hour ago"],
    ]);
    expect(htmlMessage(p, "edgechecks")).toBe(
      [
        "<b>“backup” is DOWN.</b>\nReason: success signal did not arrive on time, grace time passed.",
        "<b>Description:</b> Nightly backup\n<b>Tags:</b> prod, db\n<b>Period:</b> 1 day\n<b>Total Pings:</b> 42\n<b>Last Ping:</b> Success, 1 day 1 hour ago",
        "<b>Last Ping Body:</b>\n<pre>all good</pre>",
        "<b>Other checks also down:</b>\n• “api” (down for 3 hours)\n• “cron”",
        `<a href="${DETAILS}">View in edgechecks</a>`,
      ].join("\n\n"),
    );
    expect(markdownMessage(p, "edgechecks", false)).toBe(
      [
        "Reason: success signal did not arrive on time, grace time passed.",
        "**Description:** Nightly backup\n**Tags:** prod, db\n**Period:** 1 day\n**Total Pings:** 42\n**Last Ping:** Success, 1 day 1 hour ago",
        "**Last Ping Body:**\n```\nall good\n```",
        "**Other checks also down:**\n- “api” (down for 3 hours)\n- “cron”",
        `[View in edgechecks](${DETAILS})`,
      ].join("\n\n"),
    );
    expect(plainMessage(messageParts(upCtx({ otherDown: [], snapshot: { last_ping_body: null } })), "edgechecks")).toBe(
      [
        "“backup” is UP.\nIt was down for 2 hours 5 minutes.",
        "Description: Nightly backup\nTags: prod, db\nPeriod: 1 day\nTotal Pings: 42\nLast Ping: Success, 1 day 1 hour ago",
        `View in edgechecks: ${DETAILS}`,
      ].join("\n\n"),
    );
  });
});

const SLACK_HOOK = "https://hooks.slack.com/services/T000/B000/XXXX";

/** Slack incoming-webhook payload: text + one attachment (color, title/title_link, text, fields). */
function expectedSlack(o: { down: boolean; text: string; fields: { title: string; value: string; short: boolean }[]; title?: string }) {
  const t = o.title ?? `“backup” is ${o.down ? "DOWN" : "UP"}.`;
  return {
    username: "edgechecks",
    text: t,
    attachments: [
      {
        color: o.down ? "danger" : "good",
        fallback: t,
        title: t,
        title_link: DETAILS,
        text: o.text,
        mrkdwn_in: ["text", "fields"],
        fields: o.fields,
      },
    ],
  };
}

const FIELDS = [
  { title: "Description", value: "Nightly backup", short: false },
  { title: "Tags", value: "`prod` `db`", short: true },
  { title: "Period", value: "`1 day`", short: true },
  { title: "Total Pings", value: "42", short: true },
  { title: "Last Ping", value: "Success, 1 day 1 hour ago", short: true },
  { title: "Last Ping Body", value: "```\nall good\n```", short: false },
];

describe("slack", () => {
  it("down: danger attachment with reason, also-down list and fields", () => {
    const r = slack(makeCtx(), SLACK_HOOK);
    expect({ ...r, body: undefined }).toEqual({ method: "POST", url: SLACK_HOOK, headers: JSON_HEADERS, body: undefined });
    expect(json(r)).toEqual(
      expectedSlack({
        down: true,
        text: "Reason: success signal did not arrive on time, grace time passed.\nOther checks also down:\n• “api” (down for 3 hours)\n• “cron”",
        fields: FIELDS,
      }),
    );
  });
  it("up: good attachment with the downtime", () => {
    expect(json(slack(upCtx({ otherDown: [] }), SLACK_HOOK))).toEqual(
      expectedSlack({ down: false, text: "It was down for 2 hours 5 minutes.", fields: FIELDS }),
    );
  });
  it("cron schedules, empty fields left out, body with ``` omitted, markup escaped", () => {
    const ctx = makeCtx({
      check: { name: "a <b> & c", desc: "", tags: "", timeout: undefined, schedule: "0 3 * * *", tz: "Europe/Riga" },
      snapshot: { last_ping_body: "```x```", reason: "fail" },
      otherDown: [],
    });
    expect(json(slack(ctx, SLACK_HOOK))).toEqual({
      ...expectedSlack({
        down: true,
        title: "“a &lt;b&gt; &amp; c” is DOWN.",
        text: "Reason: received a failure signal.",
        fields: [
          { title: "Schedule", value: "`0 3 * * *`", short: true },
          { title: "Time Zone", value: "`Europe/Riga`", short: true },
          { title: "Total Pings", value: "42", short: true },
          { title: "Last Ping", value: "Success, 1 day 1 hour ago", short: true },
        ],
      }),
    });
  });
});

describe("mattermost", () => {
  it("posts the Slack-compatible payload to the webhook", () => {
    const url = "https://mm.example.com/hooks/abc123";
    const r = mattermost(makeCtx(), url);
    expect(r!.method).toBe("POST");
    expect(r!.url).toBe(url);
    expect(r!.headers).toEqual(JSON_HEADERS);
    expect(json(r)).toEqual(json(slack(makeCtx(), SLACK_HOOK)));
  });
});

describe("rocketchat", () => {
  it("posts the Slack-compatible payload to the webhook", () => {
    const url = "https://rc.example.com/hooks/abc/def";
    const r = rocketchat(upCtx(), url);
    expect(r!.method).toBe("POST");
    expect(r!.url).toBe(url);
    expect(r!.headers).toEqual(JSON_HEADERS);
    expect(json(r)).toEqual(json(slack(upCtx(), SLACK_HOOK)));
  });
});

describe("discord", () => {
  const hook = "https://discord.com/api/webhooks/123/tok";
  it("posts the Slack payload to <webhook>/slack with * escaped", () => {
    const ctx = makeCtx({ check: { name: "db*backup", desc: "**important**" }, otherDown: [] });
    const r = discord(ctx, { webhook: { url: hook } });
    expect(r!.method).toBe("POST");
    expect(r!.url).toBe(`${hook}/slack`);
    expect(r!.headers).toEqual(JSON_HEADERS);
    const body = json(r);
    expect(body.text).toBe("“db\\*backup” is DOWN.");
    expect(body.attachments[0].title).toBe("“db\\*backup” is DOWN.");
    expect(body.attachments[0].fields[0]).toEqual({ title: "Description", value: "\\*\\*important\\*\\*", short: false });
  });
  it("keeps a query string after /slack", () => {
    expect(slackEndpoint(`${hook}/?thread_id=9`)).toBe(`${hook}/slack?thread_id=9`);
    expect(escapeDiscord("<*>")).toBe("&lt;\\*&gt;");
  });
});

describe("msteamsw", () => {
  const url = "https://prod-00.westus.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=x";
  it("posts a message with an Adaptive Card 1.2 attachment", () => {
    const r = msteamsw(makeCtx(), url);
    expect({ method: r!.method, url: r!.url, headers: r!.headers }).toEqual({ method: "POST", url, headers: JSON_HEADERS });
    expect(json(r)).toEqual({
      type: "message",
      attachments: [
        {
          contentType: "application/vnd.microsoft.card.adaptive",
          contentUrl: null,
          content: {
            type: "AdaptiveCard",
            $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
            version: "1.2",
            body: [
              { type: "TextBlock", text: "“backup” is DOWN.", wrap: true, size: "Large", weight: "Bolder", color: "Attention" },
              { type: "TextBlock", text: "Reason: success signal did not arrive on time, grace time passed.", wrap: true },
              {
                type: "FactSet",
                facts: [
                  { title: "Description:", value: "Nightly backup" },
                  { title: "Tags:", value: "prod, db" },
                  { title: "Period:", value: "1 day" },
                  { title: "Total Pings:", value: "42" },
                  { title: "Last Ping:", value: "Success, 1 day 1 hour ago" },
                ],
              },
              { type: "TextBlock", text: "Last Ping Body:", wrap: true, weight: "Bolder" },
              { type: "TextBlock", text: "all good", wrap: true, fontType: "Monospace" },
              { type: "TextBlock", text: "Other checks also down:", wrap: true, weight: "Bolder" },
              { type: "TextBlock", text: "- “api” (down for 3 hours)\n- “cron”", wrap: true },
            ],
            actions: [{ type: "Action.OpenUrl", title: "View in edgechecks", url: DETAILS }],
          },
        },
      ],
    });
  });
  it("up: green title and downtime", () => {
    const body = json(msteamsw(upCtx(), url)).attachments[0].content.body;
    expect(body[0]).toEqual({ type: "TextBlock", text: "“backup” is UP.", wrap: true, size: "Large", weight: "Bolder", color: "Good" });
    expect(body[1]).toEqual({ type: "TextBlock", text: "It was down for 2 hours 5 minutes.", wrap: true });
  });
});

describe("telegram", () => {
  const send = telegram("123456:ABC-token");
  it("sendMessage with chat_id, HTML text, no link preview", () => {
    const ctx = makeCtx({ check: { name: "a<b>" }, otherDown: [] });
    const r = send(ctx, { id: -100123, type: "group", name: "Ops" });
    expect({ method: r!.method, url: r!.url, headers: r!.headers }).toEqual({
      method: "POST",
      url: "https://api.telegram.org/bot123456:ABC-token/sendMessage",
      headers: JSON_HEADERS,
    });
    expect(json(r)).toEqual({
      chat_id: -100123,
      text: [
        "<b>“a&lt;b&gt;” is DOWN.</b>\nReason: success signal did not arrive on time, grace time passed.",
        "<b>Description:</b> Nightly backup\n<b>Tags:</b> prod, db\n<b>Period:</b> 1 day\n<b>Total Pings:</b> 42\n<b>Last Ping:</b> Success, 1 day 1 hour ago",
        "<b>Last Ping Body:</b>\n<pre>all good</pre>",
        `<a href="${DETAILS}">View in edgechecks</a>`,
      ].join("\n\n"),
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
    });
  });
  it("message_thread_id for forum topics; string chat ids", () => {
    const body = json(send(upCtx(), { id: "@ops_channel", thread_id: 7 }));
    expect(body.chat_id).toBe("@ops_channel");
    expect(body.message_thread_id).toBe(7);
    expect(json(send(upCtx(), { id: 5, thread_id: null }))).not.toHaveProperty("message_thread_id");
  });
});

describe("ntfy", () => {
  const value = { topic: "alerts", url: "https://ntfy.sh", priority: 5, priority_up: 2, token: "" };
  it("down: JSON publish to the server root, red circle, view action", () => {
    const ctx = makeCtx();
    const r = ntfy(ctx, value);
    expect({ method: r!.method, url: r!.url, headers: r!.headers }).toEqual({ method: "POST", url: "https://ntfy.sh", headers: JSON_HEADERS });
    expect(json(r)).toEqual({
      topic: "alerts",
      priority: 5,
      title: "“backup” is DOWN",
      message: markdownMessage(messageParts(ctx), "edgechecks", false),
      markdown: true,
      tags: ["red_circle"],
      actions: [{ action: "view", label: "View on edgechecks", url: DETAILS }],
    });
  });
  it("up: priority_up, green circle, bearer token", () => {
    const r = ntfy(upCtx(), { ...value, url: "https://ntfy.example.com", token: "tk_abc" });
    expect(r!.url).toBe("https://ntfy.example.com");
    expect(r!.headers).toEqual({ ...JSON_HEADERS, Authorization: "Bearer tk_abc" });
    expect(json(r)).toMatchObject({ priority: 2, title: "“backup” is UP", tags: ["green_circle"] });
  });
  it("priority 0 = nothing to send", () => {
    expect(ntfy(makeCtx(), { ...value, priority: 0 })).toBeNull();
    expect(ntfy(upCtx(), { ...value, priority_up: 0 })).toBeNull();
    expect(ntfy(makeCtx(), { ...value, priority_up: 0 })).not.toBeNull();
  });
});

describe("gotify", () => {
  const value = { url: "https://push.example.com/", token: "A&b", priority: 9, priority_up: 2 };
  it("POST <url>/message?token=, markdown extras", () => {
    const ctx = makeCtx();
    const r = gotify(ctx, value);
    expect({ method: r!.method, url: r!.url, headers: r!.headers }).toEqual({
      method: "POST",
      url: "https://push.example.com/message?token=A%26b",
      headers: JSON_HEADERS,
    });
    expect(json(r)).toEqual({
      title: "“backup” is DOWN",
      message: markdownMessage(messageParts(ctx), "edgechecks", false),
      priority: 9,
      extras: { "client::display": { contentType: "text/markdown" } },
    });
    expect(json(gotify(upCtx(), value)).priority).toBe(2);
  });
  it("priority 0 = nothing to send", () => {
    expect(gotify(makeCtx(), { ...value, priority: 0 })).toBeNull();
    expect(gotify(upCtx(), { ...value, priority_up: 0 })).toBeNull();
  });
});

describe("pd", () => {
  it("trigger with incident_key = the check's unique key", async () => {
    const r = await pd(makeCtx(), "svc-key-1");
    expect({ method: r!.method, url: r!.url, headers: r!.headers }).toEqual({
      method: "POST",
      url: "https://events.pagerduty.com/generic/2010-04-15/create_event.json",
      headers: JSON_HEADERS,
    });
    expect(PD_EVENTS_URL).toBe(r!.url);
    expect(json(r)).toEqual({
      service_key: "svc-key-1",
      incident_key: await uniqueKeyFor(UUID),
      event_type: "trigger",
      description: "“backup” is DOWN. Reason: success signal did not arrive on time, grace time passed.",
      client: "edgechecks",
      client_url: DETAILS,
      details: {
        Description: "Nightly backup",
        Tags: "prod, db",
        Period: "1 day",
        "Total Pings": "42",
        "Last Ping": "Success, 1 day 1 hour ago",
      },
    });
  });
  it("resolve, object form of the value", async () => {
    const body = json(await pd(upCtx(), { service_key: "svc-2", account: "acme" }));
    expect(body).toMatchObject({
      service_key: "svc-2",
      incident_key: await uniqueKeyFor(UUID),
      event_type: "resolve",
      description: "“backup” is UP. It was down for 2 hours 5 minutes.",
    });
  });
});

describe("opsgenie", () => {
  it("down: create alert with alias = unique key", async () => {
    const ctx = makeCtx();
    const r = await opsgenie(ctx, { key: "gk-1", region: "us" });
    expect({ method: r!.method, url: r!.url, headers: r!.headers }).toEqual({
      method: "POST",
      url: "https://api.opsgenie.com/v2/alerts",
      headers: { ...JSON_HEADERS, Authorization: "GenieKey gk-1" },
    });
    expect(json(r)).toEqual({
      message: "“backup” is DOWN.",
      alias: await uniqueKeyFor(UUID),
      source: "edgechecks",
      note: "“backup” is DOWN. Reason: success signal did not arrive on time, grace time passed.",
      description: plainMessage(messageParts(ctx), "edgechecks"),
      details: { url: DETAILS },
    });
  });
  it("message limited to 130 characters", async () => {
    const body = json(await opsgenie(makeCtx({ check: { name: "x".repeat(200) } }), { key: "k", region: "us" }));
    expect(body.message).toHaveLength(130);
  });
  it("up: close by alias, EU endpoint", async () => {
    const alias = await uniqueKeyFor(UUID);
    const r = await opsgenie(upCtx(), { key: "gk-2", region: "eu" });
    expect({ method: r!.method, url: r!.url, headers: r!.headers }).toEqual({
      method: "POST",
      url: `https://api.eu.opsgenie.com/v2/alerts/${alias}/close?identifierType=alias`,
      headers: { ...JSON_HEADERS, Authorization: "GenieKey gk-2" },
    });
    expect(json(r)).toEqual({ source: "edgechecks", note: "“backup” is UP. It was down for 2 hours 5 minutes." });
  });
});

describe("po", () => {
  const send = po("app-token-1");
  const USER = "u".repeat(30);
  it("form-encoded messages.json with HTML, url and priority", async () => {
    const ctx = makeCtx({ otherDown: [] });
    const r = await send(ctx, `${USER}|1|0`);
    expect({ method: r!.method, url: r!.url, headers: r!.headers, first: r!.first }).toEqual({
      method: "POST",
      url: "https://api.pushover.net/1/messages.json",
      headers: FORM_HEADERS,
      first: undefined,
    });
    expect(form(r)).toEqual({
      token: "app-token-1",
      user: USER,
      title: "“backup” is DOWN",
      message: [
        "Reason: success signal did not arrive on time, grace time passed.",
        "<b>Description:</b> Nightly backup\n<b>Tags:</b> prod, db\n<b>Period:</b> 1 day\n<b>Total Pings:</b> 42\n<b>Last Ping:</b> Success, 1 day 1 hour ago",
        `<a href="${DETAILS}">View in edgechecks</a>`,
      ].join("\n\n"),
      html: "1",
      priority: "1",
      url: DETAILS,
      url_title: "View in edgechecks",
    });
    expect(form(await send(upCtx(), `${USER}|1|0`)).priority).toBe("0");
  });
  it("emergency priority adds retry, expire and the check's unique key as its tag", async () => {
    const tag = await uniqueKeyFor(UUID);
    expect(form(await send(makeCtx(), `${USER}|2|0`))).toMatchObject({ priority: "2", retry: "300", expire: "86400", tags: tag });
  });
  it("a recovery after an emergency first cancels it by tag, even when up messages are off", async () => {
    const tag = await uniqueKeyFor(UUID);
    const cancel = {
      method: "POST",
      url: `https://api.pushover.net/1/receipts/cancel_by_tag/${tag}.json`,
      headers: { ...FORM_HEADERS, "Idempotency-Key": "flip-1:chan-1:cancel" },
      body: "token=app-token-1",
    };
    const up = await send(upCtx(), `${USER}|2|0`);
    expect(up!.first).toEqual(cancel);
    expect(form(up)).toMatchObject({ priority: "0", user: USER });
    expect(await send(upCtx(), `${USER}|2|-3`)).toEqual(cancel);
    expect((await send(upCtx(), `${USER}|1|0`))!.first).toBeUndefined();
    expect((await send(makeCtx(), `${USER}|2|2`))!.first).toBeUndefined();
  });
  it("−3 = nothing to send; message within 1024 characters", async () => {
    expect(await send(makeCtx(), `${USER}|-3|0`)).toBeNull();
    expect(await send(upCtx(), `${USER}|0|-3`)).toBeNull();
    expect(parsePushover(`${USER}|-1|2`)).toEqual({ user: USER, priority: -1, priorityUp: 2 });
    const long = form(await send(makeCtx({ check: { desc: "d\n".repeat(800) } }), `${USER}|0|0`));
    expect(long.message!.length).toBeLessThanOrEqual(1024);
  });
});

describe("matrix", () => {
  const send = matrix({ homeserver: "https://matrix.example.org/", accessToken: "syt_abc" });
  it("PUT send/m.room.message/<txn id> with HTML formatted_body", () => {
    const ctx = makeCtx();
    const r = send(ctx, "!room:example.org");
    expect({ method: r!.method, url: r!.url, headers: r!.headers }).toEqual({
      method: "PUT",
      url: "https://matrix.example.org/_matrix/client/v3/rooms/!room%3Aexample.org/send/m.room.message/flip-1%3Achan-1",
      headers: { ...JSON_HEADERS, Authorization: "Bearer syt_abc" },
    });
    const p = messageParts(ctx);
    expect(json(r)).toEqual({
      msgtype: "m.text",
      body: plainMessage(p, "edgechecks"),
      format: "org.matrix.custom.html",
      formatted_body: htmlLineBreaks(htmlMessage(p, "edgechecks")),
    });
  });
  it("line breaks become <br> outside <pre>", () => {
    expect(htmlLineBreaks("a\nb\n<pre>x\ny</pre>\nc")).toBe("a<br>b<br><pre>x\ny</pre><br>c");
  });
});

describe("googlechat", () => {
  it("POST {text} with Chat formatting", () => {
    const url = "https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t";
    const r = googlechat(upCtx({ otherDown: [{ name: "api", down_since: null }] }), url);
    expect({ method: r!.method, url: r!.url, headers: r!.headers }).toEqual({
      method: "POST",
      url,
      headers: { "Content-Type": "application/json; charset=UTF-8", "Idempotency-Key": IDEM },
    });
    expect(json(r)).toEqual({
      text: [
        "*“backup” is UP.*\nIt was down for 2 hours 5 minutes.",
        "*Description:* Nightly backup\n*Tags:* prod, db\n*Period:* 1 day\n*Total Pings:* 42\n*Last Ping:* Success, 1 day 1 hour ago",
        "*Last Ping Body:*\n```\nall good\n```",
        "*Other checks still down:*\n• “api”",
        `<${DETAILS}|View in edgechecks>`,
      ].join("\n\n"),
    });
  });
});

describe("zulip", () => {
  const base = { bot_email: "bot@zulip.example.com", api_key: "key123", site: "https://zulip.example.com" };
  it("stream message, topic defaulting to the check name, basic auth", () => {
    const ctx = makeCtx();
    const r = zulip(ctx, { ...base, mtype: "stream", to: "ops", topic: "" });
    expect({ method: r!.method, url: r!.url, headers: r!.headers }).toEqual({
      method: "POST",
      url: "https://zulip.example.com/api/v1/messages",
      headers: { ...FORM_HEADERS, Authorization: `Basic ${btoa("bot@zulip.example.com:key123")}` },
    });
    expect(form(r)).toEqual({
      type: "stream",
      to: "ops",
      topic: "backup",
      content: markdownMessage(messageParts(ctx), "edgechecks"),
    });
    expect(form(zulip(ctx, { ...base, mtype: "stream", to: "ops", topic: "alerts" })).topic).toBe("alerts");
  });
  it("private message to a user", () => {
    const body = form(zulip(upCtx(), { ...base, mtype: "private", to: "alice@example.com", topic: "" }));
    expect(body.type).toBe("private");
    expect(body.to).toBe('["alice@example.com"]');
    expect(body).not.toHaveProperty("topic");
    expect(basicAuth("ā@x", "k")).toBe(`Basic ${btoa("\xc4\x81@x:k")}`);
  });
});

describe("without an absolute site root", () => {
  it("no transport carries a relative link: the check's page is left out", async () => {
    const ctx = makeCtx({ siteRoot: "" });
    const bodies = [
      slack(ctx, SLACK_HOOK)!.body,
      msteamsw(ctx, "https://example.webhook.office.com/x")!.body,
      ntfy(ctx, { topic: "t", url: "https://ntfy.sh", priority: 3, priority_up: 3, token: "" })!.body,
      googlechat(ctx, "https://chat.googleapis.com/v1/spaces/x/messages?key=k")!.body,
      gotify(ctx, { url: "https://gotify.example.com", token: "t", priority: 5, priority_up: 5 })!.body,
      telegram("123456:ABC-token")(ctx, { id: 1 })!.body,
      (await pd(ctx, "svc-key-1"))!.body,
      (await opsgenie(ctx, { key: "gk-1", region: "us" }))!.body,
      (await po("app-token")(ctx, "user-key|0|0"))!.body,
    ];
    for (const body of bodies) {
      expect(body).toBeDefined();
      expect(body).not.toMatch(/\/checks\/|View (in|on) edgechecks/);
    }
  });
});
