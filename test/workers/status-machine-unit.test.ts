// Reference §5 cases 35, 37, 38 and the §2.5 transitions, against the pure status machine.
import { describe, expect, it } from "vitest";
import { initialState, type CheckState } from "../../src/checks/model";
import { applyPing, flipNotifies, getStatus, goingDownAfter, graceStart } from "../../src/checks/status";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2024, 0, 10, 12);
const cfg = { kind: "simple" as const, timeout: 86400, grace: 3600, schedule: "* * * * *", tz: "UTC" };
const st = (s: Partial<CheckState>): CheckState => ({ ...initialState(), ...s });

describe("get_status (case 35)", () => {
  it("a fresh check is new", () => expect(getStatus(cfg, st({}), NOW)).toBe("new"));
  it("up with last_ping 1 d 30 min ago is in grace", () =>
    expect(getStatus(cfg, st({ status: "up", last_ping: NOW - DAY - 30 * MIN }), NOW)).toBe("grace"));
  it("up with last_ping 2 d ago is down", () =>
    expect(getStatus(cfg, st({ status: "up", last_ping: NOW - 2 * DAY }), NOW)).toBe("down"));
  it("paused with an old ping stays paused", () =>
    expect(getStatus(cfg, st({ status: "paused", last_ping: NOW - 2 * DAY }), NOW)).toBe("paused"));
  it("stored down with a recent ping stays down", () =>
    expect(getStatus(cfg, st({ status: "down", last_ping: NOW - MIN }), NOW)).toBe("down"));
  it("grace and down boundaries are inclusive", () => {
    const s = st({ status: "up", last_ping: NOW - DAY });
    expect(getStatus(cfg, s, NOW - 1)).toBe("up");
    expect(getStatus(cfg, s, NOW)).toBe("grace");
    expect(getStatus(cfg, s, NOW + HOUR - 1)).toBe("grace");
    expect(getStatus(cfg, s, NOW + HOUR)).toBe("down");
  });
});

describe("started (case 37)", () => {
  for (const status of ["new", "paused", "up", "down"] as const) {
    it(`a start 5 min ago shows started for stored ${status} (v1 only)`, () => {
      const s = st({ status, last_ping: NOW - 10 * MIN, last_start: NOW - 5 * MIN });
      expect(getStatus(cfg, s, NOW, true)).toBe("started");
    });
    it(`a start 2 h ago (grace 1 h) is down for stored ${status}, with or without started`, () => {
      const s = st({ status, last_ping: NOW - 10 * MIN, last_start: NOW - 2 * HOUR });
      expect(getStatus(cfg, s, NOW, true)).toBe("down");
      expect(getStatus(cfg, s, NOW, false)).toBe("down");
    });
  }
  it("stored up, last_ping 2 h ago, start 5 min ago → plain status up", () =>
    expect(getStatus(cfg, st({ status: "up", last_ping: NOW - 2 * HOUR, last_start: NOW - 5 * MIN }), NOW)).toBe("up"));
});

describe("going_down_after (case 38)", () => {
  it("new → none", () => expect(goingDownAfter(cfg, st({}))).toBeNull());
  it("paused with last_ping 2 d ago → none", () =>
    expect(goingDownAfter(cfg, st({ status: "paused", last_ping: NOW - 2 * DAY }))).toBeNull());
  it("up, last_ping 1 h ago → last_ping + 25 h", () =>
    expect(goingDownAfter(cfg, st({ status: "up", last_ping: NOW - HOUR }))).toBe(NOW - HOUR + 25 * HOUR));
  it("paused + last_start 2 d ago → last_start + 1 h", () =>
    expect(goingDownAfter(cfg, st({ status: "paused", last_start: NOW - 2 * DAY }))).toBe(NOW - 2 * DAY + HOUR));
  it("down → none", () => expect(goingDownAfter(cfg, st({ status: "down", last_ping: NOW }))).toBeNull());
  it("down + last_start 10 min ago → none", () =>
    expect(goingDownAfter(cfg, st({ status: "down", last_start: NOW - 10 * MIN }))).toBeNull());
  it("up and running → the start + grace when earlier than the schedule", () =>
    expect(goingDownAfter(cfg, st({ status: "up", last_ping: NOW - HOUR, last_start: NOW - MIN }))).toBe(NOW - MIN + HOUR));
});

describe("next_ping (grace start with started)", () => {
  it("a running check reports its start", () =>
    expect(graceStart(cfg, st({ status: "up", last_ping: NOW - HOUR, last_start: NOW - MIN }), true)).toBe(NOW - MIN));
  it("a new check with a start reports the start", () =>
    expect(graceStart(cfg, st({ last_start: NOW - MIN }), true)).toBe(NOW - MIN));
});

describe("ping transitions (§2.5)", () => {
  it("success on new → up with a silent flip", () => {
    const { state, flip } = applyPing(st({}), "success", NOW, null, false);
    expect(state.status).toBe("up");
    expect(flip).toEqual({ old_status: "new", new_status: "up", reason: "" });
    expect(flipNotifies(flip!)).toBe(false);
  });
  it("success on paused → up with a silent flip", () => {
    const { flip } = applyPing(st({ status: "paused" }), "success", NOW, null, false);
    expect(flip).toMatchObject({ old_status: "paused", new_status: "up" });
    expect(flipNotifies(flip!)).toBe(false);
  });
  it("success on up → no flip", () => expect(applyPing(st({ status: "up" }), "success", NOW, null, false).flip).toBeNull());
  it("success on down → up, alerting", () => {
    const { flip } = applyPing(st({ status: "down" }), "success", NOW, null, false);
    expect(flip).toEqual({ old_status: "down", new_status: "up", reason: "" });
    expect(flipNotifies(flip!)).toBe(true);
  });
  for (const from of ["new", "up", "paused"] as const) {
    it(`fail on ${from} → down with reason fail, alerting`, () => {
      const { flip } = applyPing(st({ status: from }), "fail", NOW, null, false);
      expect(flip).toEqual({ old_status: from, new_status: "down", reason: "fail" });
      expect(flipNotifies(flip!)).toBe(true);
    });
  }
  it("fail on down → no flip", () => expect(applyPing(st({ status: "down" }), "fail", NOW, null, false).flip).toBeNull());
  for (const kind of ["start", "log", "ign"] as const) {
    it(`${kind} changes no status and counts the ping`, () => {
      const { state, flip } = applyPing(st({ status: "up", last_ping: NOW - HOUR }), kind, NOW, null, false);
      expect(flip).toBeNull();
      expect(state.status).toBe("up");
      expect(state.last_ping).toBe(NOW - HOUR);
      expect(state.n_pings).toBe(1);
    });
  }
  it("a start without rid followed by a success with a rid keeps running", () => {
    const started = applyPing(st({ status: "up" }), "start", NOW - MIN, null, false).state;
    const { state } = applyPing(started, "success", NOW, crypto.randomUUID(), false);
    expect(state.last_start).toBe(NOW - MIN);
  });
});
