// The private-address guard with this project's own bindings (INTEGRATIONS_ALLOW_PRIVATE_IPS unset,
// as deployed): the loopback receiver stands for a private target and must get nothing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { checkWith, consume, flipped, received, receiver, webhookChannel } from "./alert-helpers";
import { api, makeProject } from "./helpers";

const REFUSED = "Connections to private IP addresses are not allowed";

const notifications = async (channelId: string) =>
  (await env.DB.prepare("SELECT status, error, attempts FROM notifications WHERE channel_id = ?").bind(channelId).all()).results;

describe("private targets with the default configuration", () => {
  it("an alert to a webhook on 127.0.0.1 is refused, recorded failed and not retried", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    const channel = await webhookChannel(p, box);
    const { uuid, rec } = await checkWith(p, channel);
    const result = await consume(await flipped(uuid, rec, "/fail"), { env });
    expect(result.explicitAcks).toEqual(["m1"]);
    expect(await received(box)).toEqual([]);
    expect(await notifications(channel)).toEqual([{ status: "failed", error: REFUSED, attempts: 1 }]);
    expect(await env.DB.prepare("SELECT last_error FROM channels WHERE id = ?").bind(channel).first()).toEqual({ last_error: REFUSED });
  });

  it("a test notification to a webhook on 127.0.0.1 is answered with the refusal and recorded failed", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    const channel = await webhookChannel(p, box);
    const res = await api(p, `/channels/${channel}/test`, { method: "POST" });
    expect(await res.json()).toEqual({ ok: false, error: REFUSED });
    expect(await received(box)).toEqual([]);
    expect(await notifications(channel)).toEqual([{ status: "failed", error: REFUSED, attempts: 1 }]);
  });

  it("a webhook URL that redirects is judged before its first hop: refused, the redirect is never requested", async () => {
    // Every hop passes the same rule (src/alerts/http.ts); with only a loopback receiver at hand the
    // first hop is already private. A public first hop redirecting to a private one is covered on
    // sendRequest itself (webhook-redirects.test.ts).
    const p = await makeProject();
    const box = crypto.randomUUID();
    const to = `${receiver}/${box}/inside`;
    const res = await api(p, "/channels/", {
      body: { name: "redirecting", kind: "webhook", value: { url_down: `${receiver}/${box}/__redirect?${new URLSearchParams({ to, status: "307" })}` } },
    });
    const channel = (await res.json<{ id: string }>()).id;
    const { uuid, rec } = await checkWith(p, channel);
    await consume(await flipped(uuid, rec, "/fail"), { env });
    expect(await received(box)).toEqual([]);
    expect(await notifications(channel)).toEqual([{ status: "failed", error: REFUSED, attempts: 1 }]);
  });
});
