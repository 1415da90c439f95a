// maskChannelValue: per kind, what a reader of GET /channels/<id> sees of a stored value.
import { describe, expect, it } from "vitest";
import { CHANNEL_KINDS, maskChannelValue, maskSecret } from "../../src/alerts/channel-kinds";

const mask = (kind: string, value: unknown) => maskChannelValue(kind, JSON.stringify(value));

describe("maskSecret", () => {
  it("keeps the last 4 characters of a long secret and nothing of a short one", () => {
    expect(maskSecret("abcdefghijklmnop")).toBe("…mnop");
    expect(maskSecret("short")).toBe("…");
  });
});

describe("maskChannelValue per kind", () => {
  it("email, telegram, matrix and group values identify a destination and stay as stored", () => {
    const email = { value: "ops@example.com", up: true, down: false };
    expect(mask("email", email)).toEqual(email);
    expect(mask("telegram", { id: -1001234, type: "group", name: "ops" })).toEqual({ id: -1001234, type: "group", name: "ops" });
    expect(mask("matrix", "!room:example.org")).toBe("!room:example.org");
    expect(mask("group", "a,b")).toBe("a,b");
  });

  it("webhook: URL credentials, query values and header values are masked; host, path, methods and bodies stay", () => {
    const value = {
      method_down: "POST",
      url_down: "https://user:hunter2hunter2@hooks.example.com/alert/down?token=abcdefghijklmnop&x=1",
      body_down: "$NAME is down",
      headers_down: { Authorization: "Bearer abcdefghijklmnopqrstuvwxyz" },
      method_up: "GET",
      url_up: "",
      body_up: "",
      headers_up: {},
    };
    expect(mask("webhook", value)).toEqual({
      ...value,
      url_down: "https://user:…@hooks.example.com/alert/down?token=…mnop&x=…",
      headers_down: { Authorization: "…wxyz" },
    });
  });

  it.each(["slack", "mattermost", "msteamsw", "googlechat", "rocketchat"])("%s: the webhook URL's path is the secret; only the origin and its end show", (kind) => {
    expect(mask(kind, "https://hooks.slack.com/services/T0000/B0000/XXXXXXXXabcd")).toBe("https://hooks.slack.com/…abcd");
  });

  it("discord: the webhook URL is masked like Slack's", () => {
    expect(mask("discord", { webhook: { url: "https://discord.com/api/webhooks/123/tokentokentoken" } })).toEqual({
      webhook: { url: "https://discord.com/…oken" },
    });
  });

  it("ntfy: the token is masked, the server and topic stay", () => {
    expect(mask("ntfy", { topic: "alerts", url: "https://ntfy.sh", priority: 3, priority_up: 3, token: "tk_abcdefghijklmnop" })).toEqual({
      topic: "alerts",
      url: "https://ntfy.sh/",
      priority: 3,
      priority_up: 3,
      token: "…mnop",
    });
  });

  it("gotify: the application token is masked", () => {
    expect(mask("gotify", { url: "https://push.example.com", token: "Axxxxxxxxxxx1234", priority: 5, priority_up: 5 })).toMatchObject({
      url: "https://push.example.com/",
      token: "…1234",
    });
  });

  it("po (Pushover): the user key is masked, the priorities stay", () => {
    expect(mask("po", "uQiRzpo4DXghDmr9QzzfQu27cmVRsG|0|-1")).toBe("…VRsG|0|-1");
  });

  it("pd (PagerDuty): the service key is masked in both shapes", () => {
    expect(mask("pd", "0123456789abcdef0123456789abcdef")).toBe("…cdef");
    expect(mask("pd", { service_key: "0123456789abcdef0123456789abcdef", account: "acme" })).toEqual({ service_key: "…cdef", account: "acme" });
  });

  it("opsgenie: the API key is masked, the region stays", () => {
    expect(mask("opsgenie", { key: "12345678-aaaa-bbbb-cccc-1234567890ab", region: "eu" })).toEqual({ key: "…90ab", region: "eu" });
  });

  it("zulip: the bot's API key is masked, where it posts stays", () => {
    const value = { bot_email: "bot@zulip.example.com", api_key: "abcdefghijklmnopqrstuvwxyz123456", site: "https://zulip.example.com", mtype: "stream", to: "ops", topic: "" };
    expect(mask("zulip", value)).toEqual({ ...value, api_key: "…3456" });
  });

  it("has a rule for every kind the API accepts", () => {
    for (const kind of CHANNEL_KINDS) expect(() => maskChannelValue(kind, '"x"')).not.toThrow();
  });

  it("shows null, never the raw text, for an unknown kind or an unreadable value", () => {
    expect(maskChannelValue("carrier-pigeon", '"secret-secret-secret"')).toBeNull();
    expect(maskChannelValue("slack", "{not json")).toBeNull();
  });
});
