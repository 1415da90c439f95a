// What every transport gets to render one alert, and what an HTTP transport hands back to send.
import type { z } from "zod";
import type { CHANNEL_VALUE_SCHEMAS, ChannelKind } from "./channel-kinds";
import type { CheckSnapshot } from "../checks/model";

/** A channel's stored configuration, in the shape its kind's schema produces. */
export type ChannelValue<K extends ChannelKind> = z.output<(typeof CHANNEL_VALUE_SCHEMAS)[K]>;

/** Another check of the project that is down when the alert is sent ("also down" lists). */
export interface OtherDownCheck {
  name: string;
  /** When it went down, ms; null if unknown. */
  down_since: number | null;
}

export interface AlertContext {
  /** The flip's snapshot, written by the check's DO with the flip (see CheckSnapshot). */
  snapshot: CheckSnapshot;
  channelId: string;
  channelName: string;
  /** `<flip id>:<channel id>`: sent as the Idempotency-Key header where the target allows headers. */
  idempotencyKey: string;
  /**
   * Absolute base URL of this instance, no trailing slash; "" when none is known, and then alerts
   * carry no links at all rather than relative ones (see alertLinkRoot in src/config.ts).
   */
  siteRoot: string;
  /** "edgechecks". */
  siteName: string;
  /** Up to 10 other down checks of the project, for "also down" lines. */
  otherDown: OtherDownCheck[];
  /** A test notification (the "send test notification" action) rather than a real flip. */
  test: boolean;
}

/** One HTTP request to send. The sender adds nothing except the Idempotency-Key header (if allowed). */
export interface OutgoingRequest {
  method: "GET" | "POST" | "PUT";
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Sent before this one, which goes out only if that succeeded (Pushover's emergency cancel). */
  first?: OutgoingRequest;
}

/**
 * A pure payload builder. null = nothing to send for this direction (Healthchecks' is_noop: e.g. a
 * webhook without an URL for "up", ntfy priority 0).
 */
export type RequestBuilder<K extends ChannelKind> = (ctx: AlertContext, value: ChannelValue<K>) => OutgoingRequest | null;
