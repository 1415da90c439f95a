// "Send test notification": one down alert for a made-up check named TEST, through the same
// rendering, claim, send and log as real alerts, answered synchronously with the outcome.
import { checkConfigSchema, initialState, type CheckSnapshot } from "../checks/model";
import { renderCheck } from "../checks/render";
import { config } from "../config";
import { deliverTest } from "./deliver";

export interface TestOutcome {
  ok: boolean;
  error: string;
}

export async function sendTestNotification(
  env: Env,
  channel: { id: string; project_id: string; name: string; kind: string; value: string; email_verified: boolean },
  origin: string,
): Promise<TestOutcome> {
  const conf = config(env, origin);
  const now = Date.now();
  const checkId = crypto.randomUUID();
  const cfg = checkConfigSchema.parse({
    id: checkId,
    project_id: channel.project_id,
    name: "TEST",
    tags: "foo bar",
    desc: "This is a test notification from edgechecks.",
    unique_key: "0".repeat(40),
    badge_key: crypto.randomUUID(),
    created: now,
    version: 1,
  });
  const flipId = crypto.randomUUID();
  const snapshot: CheckSnapshot = {
    check: renderCheck(cfg, { ...initialState(), status: "down", last_ping: now, n_pings: 1 }, {
      apiVersion: 3,
      readonly: false,
      siteRoot: conf.siteRoot,
      pingEndpoint: conf.pingEndpoint,
      now,
    }),
    check_id: checkId,
    project_id: channel.project_id,
    flip_id: flipId,
    flip_time: now,
    seq: 0,
    old_status: "up",
    new_status: "down",
    reason: "fail",
    down_duration: null,
    last_ping_body: "This is a test notification.",
    last_ping_exitstatus: 1,
    last_ping_kind: "fail",
  };
  const ctx = {
    snapshot,
    channelId: channel.id,
    channelName: channel.name,
    idempotencyKey: `${flipId}:${channel.id}`,
    siteRoot: conf.siteRoot,
    siteName: "edgechecks",
    otherDown: [],
    test: true,
  };
  // Unverified email addresses get no test alert either (logged as "Email not verified").
  const outcome = await deliverTest(env, ctx, { ...channel, email_verified: channel.email_verified ? 1 : 0 });
  return outcome ?? { ok: false, error: "this channel sends nothing for down alerts" };
}
