// The SPA's live feed decisions (ui/src/live-plan.ts): what an event batch makes stale, how a
// message is read, and the reconnect backoff.
import { describe, expect, it } from "vitest";
import { backoffMs, parseEvents, staleKeys } from "../../ui/src/live-plan";

describe("the live feed in the page", () => {
  it("refetches the list, each named check and the switcher's statuses once per batch", () => {
    const events = [
      { type: "check" as const, uuid: "a" },
      { type: "alert" as const, uuid: "a" },
      { type: "removed" as const, uuid: "b" },
    ];
    expect(staleKeys("p", events)).toEqual([
      ["project", "p", "checks"],
      ["project", "p", "check", "a"],
      ["project", "p", "check", "b"],
      ["me"],
    ]);
  });

  it("reads only well-formed events", () => {
    expect(parseEvents('[{"type":"check","uuid":"a"},{"type":"other","uuid":"b"},{"type":"alert"},7]')).toEqual([{ type: "check", uuid: "a" }]);
    for (const junk of ["pong", "{}", "null", "[", 42, null]) expect(parseEvents(junk)).toEqual([]);
  });

  it("backs off from about a second to at most 30 s, jittered", () => {
    expect(backoffMs(0, 1)).toBe(1000);
    expect(backoffMs(0, 0)).toBe(500);
    expect(backoffMs(3, 1)).toBe(8000);
    expect(backoffMs(50, 1)).toBe(30_000);
    expect(backoffMs(50, 0)).toBe(15_000);
  });
});
