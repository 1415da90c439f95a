// The integrations page's table of kinds (ui/src/integrations/kinds.ts) against the server's rules:
// every kind the API takes is offered, each form makes a value the API's schema accepts, a stored
// (masked) value fills the edit form back without its secrets, and the API's messages land by the
// field they name.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CHANNEL_KINDS, maskChannelValue, type ChannelKind } from "../../src/alerts/channel-kinds";
import { deliverableKinds } from "../../src/alerts/registry";
import { channelCreateSchema } from "../../src/api/channel-spec";
import { editValues, FieldProblem, initialValues, KINDS, kindSpec, placeProblem, SETUP, type FormValues } from "../../ui/src/integrations/kinds";

const A = "0b7e1f3c-5a2d-4c6e-8f90-1a2b3c4d5e6f";
const B = "1c8f2a4d-6b3e-4d7f-9a01-2b3c4d5e6f70";

/** A filled form per kind, as someone would type it. */
const FILLED: Record<ChannelKind, FormValues> = {
  email: { address: "ops@example.com", down: true, up: false },
  webhook: {
    method_down: "POST",
    url_down: "https://example.com/down/$CODE",
    body_down: "$NAME is $STATUS",
    headers_down: "Content-Type: application/json\nAuthorization: Bearer s3cr3t-t0ken-value",
    method_up: "GET",
    url_up: "https://example.com/up",
    body_up: "",
    headers_up: "",
  },
  slack: { url: "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX" },
  mattermost: { url: "https://chat.example.com/hooks/abcdefghijklmnop" },
  msteamsw: { url: "https://prod.example.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=abcdefghijklmnop" },
  googlechat: { url: "https://chat.googleapis.com/v1/spaces/AAA/messages?key=abcdefghijklmnop&token=qrstuvwxyz012345" },
  rocketchat: { url: "https://rocket.example.com/hooks/abcdefghijklmnop" },
  discord: { url: "https://discord.com/api/webhooks/123/abcdefghijklmnop" },
  telegram: { id: "-1001234567890", thread_id: "7" },
  ntfy: { topic: "ops-alerts", url: "https://ntfy.sh", priority: "5", priority_up: "0", token: "tk_abcdefghijklmnop" },
  gotify: { url: "https://gotify.example.com", token: "AbCdEfGhIjKlMnOp", priority: "9", priority_up: "0" },
  po: { user: "uQiRzpo4DXghDmr9QzzfQu27cmVRsG", priority: "2", priority_up: "-3" },
  pd: { key: "0123456789abcdef0123" },
  opsgenie: { key: "11111111-2222-3333-4444-555555555555", region: "eu" },
  matrix: { room: "!abcdefg:matrix.org" },
  zulip: { site: "https://example.zulipchat.com", bot_email: "bot@example.zulipchat.com", api_key: "abcdefghijklmnopqrst", mtype: "stream", to: "ops", topic: "alerts" },
  group: { members: `${A},${B}` },
};

describe("the catalogue of kinds", () => {
  it("offers every kind the API takes, once", () => {
    expect(KINDS.map((k) => k.kind).sort()).toEqual([...CHANNEL_KINDS].sort());
  });

  it("names what the operator must set for exactly the kinds a bare site cannot deliver", () => {
    const bare = { ...env, TELEGRAM_BOT_TOKEN: "", PUSHOVER_API_TOKEN: "", MATRIX_HOMESERVER: "", MATRIX_ACCESS_TOKEN: "", SMTP_HOST: "" };
    const undeliverable = CHANNEL_KINDS.filter((k) => !deliverableKinds(bare).includes(k));
    expect(Object.keys(SETUP).sort()).toEqual([...undeliverable].sort());
  });

  it("starts each form with values the API accepts once the required fields are filled", () => {
    for (const spec of KINDS) {
      const start = initialValues(spec);
      for (const f of spec.fields) if (f.required) expect(start[f.key], `${spec.kind}.${f.key}`).toBe(f.initial ?? "");
    }
  });
});

describe.each(KINDS.map((k) => [k.kind, k] as const))("%s", (kind, spec) => {
  const value = spec.toValue(FILLED[kind]);

  it("makes a value the API's schema accepts", () => {
    const parsed = channelCreateSchema.safeParse({ name: "n", kind, value });
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  });

  it("fills the edit form back from the stored value, its secrets and masked parts left empty", () => {
    const stored = channelCreateSchema.parse({ kind, value }).value;
    const masked = maskChannelValue(kind, JSON.stringify(stored));
    const { values: back, hidden: hiddenKeys } = editValues(spec, masked);
    expect(hiddenKeys).toEqual(spec.fields.filter((f) => f.type === "secret" || (kind === "webhook" && f.key === "headers_down")).map((f) => f.key));
    for (const f of spec.fields) {
      const hidden = hiddenKeys.includes(f.key);
      // Stored URLs come back normalised ("https://ntfy.sh/"): the same address.
      const same = (v: unknown) => (f.type === "url" && v !== "" ? new URL(String(v)).href : v);
      expect(same(back[f.key]), f.key).toEqual(hidden ? "" : same(FILLED[kind][f.key]));
    }
  });

  it("summarises the stored value without its secrets", () => {
    const stored = channelCreateSchema.parse({ kind, value }).value;
    const summary = spec.summary(maskChannelValue(kind, JSON.stringify(stored)), new Map([[A, "pager"]]));
    expect(summary).not.toBe("");
    for (const f of spec.fields) if (f.type === "secret") expect(summary).not.toContain(FILLED[kind][f.key]);
    expect(summary).not.toContain("s3cr3t");
  });
});

describe("problems by their fields", () => {
  const webhook = kindSpec("webhook")!;

  it("a webhook header line without a colon is refused by its field before anything is sent", () => {
    expect(() => webhook.toValue({ ...FILLED.webhook, headers_up: "no colon here" })).toThrow(FieldProblem);
    try {
      webhook.toValue({ ...FILLED.webhook, headers_up: "no colon here" });
    } catch (err) {
      expect((err as FieldProblem).key).toBe("headers_up");
    }
  });

  it("an API message names the field in the page's words", () => {
    expect(placeProblem(webhook, "json validation error: value.url_down is not a valid URL")).toEqual({ key: "url_down", text: "Down URL is not a valid URL" });
    expect(placeProblem(webhook, "value.url_down or value.url_up is required")).toEqual({ key: "url_down", text: "Down URL or Up URL is required" });
    expect(placeProblem(webhook, "value.headers_up.X-A is too long")).toEqual({ key: "headers_up", text: "Up headers.X-A is too long" });
    expect(placeProblem(webhook, "name is too long")).toEqual({ key: "name", text: "Name is too long" });
    expect(placeProblem(kindSpec("slack")!, "value is not a valid URL")).toEqual({ key: "url", text: "Webhook URL is not a valid URL" });
    expect(placeProblem(kindSpec("group")!, `value refers to ${A}, which is a group`)).toEqual({ key: "members", text: `Integrations in the group refers to ${A}, which is a group` });
  });

  it("a message naming no field stays on the form", () => {
    expect(placeProblem(webhook, "too many test notifications for this channel; try again in 60 s")).toEqual({
      key: null,
      text: "Too many test notifications for this channel; try again in 60 s",
    });
  });
});
