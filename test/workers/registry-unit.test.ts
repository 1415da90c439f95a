// Which delivery answers mean "this channel is broken": such a channel is disabled and the alert
// is not retried (Healthchecks' transports raise their permanent error types for these).
import { describe, expect, it } from "vitest";
import { isPermanentFailure } from "../../src/alerts/registry";

describe("isPermanentFailure", () => {
  it("Telegram 403 (bot blocked or kicked from the chat) is permanent", () => {
    expect(isPermanentFailure("telegram", 403)).toBe(true);
  });

  it("Pushover 400 (invalid user key) is permanent", () => {
    expect(isPermanentFailure("po", 400)).toBe(true);
  });

  it("Discord 404 (webhook deleted) is permanent", () => {
    expect(isPermanentFailure("discord", 404)).toBe(true);
  });

  it("Teams (msteamsw) 404 (workflow webhook deleted) is permanent", () => {
    expect(isPermanentFailure("msteamsw", 404)).toBe(true);
  });

  it("server errors and rate limits are never permanent", () => {
    for (const kind of ["telegram", "po", "discord", "msteamsw", "slack"] as const) {
      for (const status of [429, 500, 502, 503]) expect({ kind, status, permanent: isPermanentFailure(kind, status) }).toEqual({ kind, status, permanent: false });
    }
  });

  it("one kind's permanent status is transient for the others", () => {
    expect(isPermanentFailure("telegram", 404)).toBe(false);
    expect(isPermanentFailure("telegram", 400)).toBe(false);
    expect(isPermanentFailure("po", 403)).toBe(false);
    expect(isPermanentFailure("po", 404)).toBe(false);
    expect(isPermanentFailure("discord", 403)).toBe(false);
    expect(isPermanentFailure("msteamsw", 400)).toBe(false);
  });

  it("a failure without an answer (network error, timeout) is not permanent", () => {
    expect(isPermanentFailure("telegram", null)).toBe(false);
    expect(isPermanentFailure("discord", null)).toBe(false);
  });

  it("a generic webhook is never disabled by its answer", () => {
    for (const status of [400, 403, 404, 410]) expect(isPermanentFailure("webhook", status)).toBe(false);
  });
});
