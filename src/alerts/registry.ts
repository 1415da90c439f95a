// Which builder renders which channel kind, with the service credentials that live in vars/secrets
// (Telegram bot token, Pushover app token, Matrix bot), and which statuses mean "never retry".
import { CHANNEL_KINDS, type ChannelKind } from "./channel-kinds";
import { smtpConfig } from "./smtp";
import { discord, mattermost, rocketchat, slack } from "./transports/slack";
import { googlechat } from "./transports/googlechat";
import { gotify } from "./transports/gotify";
import { matrix } from "./transports/matrix";
import { msteamsw } from "./transports/msteamsw";
import { ntfy } from "./transports/ntfy";
import { opsgenie } from "./transports/opsgenie";
import { pd } from "./transports/pd";
import { po } from "./transports/po";
import { telegram } from "./transports/telegram";
import { webhook } from "./transports/webhook";
import { zulip } from "./transports/zulip";
import type { AlertContext, OutgoingRequest } from "./types";

type AnyBuilder = (ctx: AlertContext, value: never) => OutgoingRequest | null | Promise<OutgoingRequest | null>;

function builders(env: Env): Partial<Record<ChannelKind, AnyBuilder>> {
  return {
    webhook,
    slack,
    mattermost,
    rocketchat,
    discord,
    msteamsw,
    googlechat,
    ntfy,
    gotify,
    pd,
    opsgenie,
    zulip,
    ...(env.TELEGRAM_BOT_TOKEN ? { telegram: telegram(env.TELEGRAM_BOT_TOKEN) } : {}),
    ...(env.PUSHOVER_API_TOKEN ? { po: po(env.PUSHOVER_API_TOKEN) } : {}),
    ...(env.MATRIX_HOMESERVER && env.MATRIX_ACCESS_TOKEN
      ? { matrix: matrix({ homeserver: env.MATRIX_HOMESERVER, accessToken: env.MATRIX_ACCESS_TOKEN }) }
      : {}),
  };
}

/**
 * The kinds this site can deliver now: the HTTP ones whose service credentials are set, email when
 * an SMTP server is, and groups (which deliver through their members).
 */
export function deliverableKinds(env: Env): ChannelKind[] {
  const http = Object.keys(builders(env)) as ChannelKind[];
  return CHANNEL_KINDS.filter((k) => http.includes(k) || k === "group" || (k === "email" && smtpConfig(env) !== null));
}

export class TransportUnavailable extends Error {}

/** The request for one channel, or null when this direction is a no-op for it. */
export async function buildRequest(env: Env, kind: ChannelKind, ctx: AlertContext, value: unknown): Promise<OutgoingRequest | null> {
  const build = builders(env)[kind];
  if (build === undefined) throw new TransportUnavailable(`${kind} notifications are not enabled.`);
  return build(ctx, value as never);
}

/** Answers a target gives when the channel itself is broken (Healthchecks disables such channels). */
const PERMANENT: Partial<Record<ChannelKind, number[]>> = {
  slack: [404],
  mattermost: [404],
  rocketchat: [404],
  discord: [404],
  msteamsw: [404],
  telegram: [403],
  po: [400],
};

export function isPermanentFailure(kind: ChannelKind, status: number | null): boolean {
  return status !== null && (PERMANENT[kind] ?? []).includes(status);
}
