// Reference §1.7 and §5 case 40: run durations in the ping log.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, makeCheck, pings, stub } from "./helpers";

const MIN = 60_000;

/** Moves ping n to `ago` ms before now. */
async function backdate(id: string, ages: Record<number, number>) {
  const now = Date.now();
  await runInDurableObject(stub(id), (_i, state) => {
    for (const [n, ago] of Object.entries(ages)) state.storage.sql.exec("UPDATE pings SET created = ? WHERE n = ?", now - ago, Number(n));
  });
}

describe("ping durations", () => {
  it("start then success five minutes later → 300 s", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}/start`);
    await call(`/ping/${id}`);
    await backdate(id, { 1: 10 * MIN, 2: 5 * MIN });
    const [success] = await pings(id);
    expect(success!.duration).toBe(5 * MIN);
  });

  it("start, success, success → the second success has no duration", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}/start`);
    await call(`/ping/${id}`);
    await call(`/ping/${id}`);
    const [second, first] = await pings(id);
    expect(first!.duration).not.toBeNull();
    expect(second!.duration).toBeNull();
  });

  it("a gap over 72 h gives no duration", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}/start`);
    await call(`/ping/${id}`);
    await backdate(id, { 1: 73 * 60 * MIN, 2: 0 });
    expect((await pings(id))[0]!.duration).toBeNull();
  });

  it("ignores log and ignored pings between start and completion", async () => {
    const { id } = await makeCheck({ methods: "POST" });
    await call(`/ping/${id}/start`, { method: "POST" });
    await call(`/ping/${id}/log`, { method: "POST" });
    await call(`/ping/${id}`);
    await call(`/ping/${id}`, { method: "POST" });
    const kinds = (await pings(id)).map((p) => [p.kind, p.duration !== null]);
    expect(kinds).toEqual([
      ["success", true],
      ["ign", false],
      ["log", false],
      ["start", false],
    ]);
  });

  it("matches starts and completions by run id", async () => {
    const { id } = await makeCheck();
    const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
    await call(`/ping/${id}/start?rid=${a}`);
    await call(`/ping/${id}/start?rid=${b}`);
    await call(`/ping/${id}?rid=${a}`);
    await call(`/ping/${id}/fail?rid=${b}`);
    await backdate(id, { 1: 10 * MIN, 2: 8 * MIN, 3: 4 * MIN, 4: MIN });
    const [failB, doneA] = await pings(id);
    expect(doneA!.duration).toBe(6 * MIN);
    expect(failB!.duration).toBe(7 * MIN);
  });

  it("the first ping has no duration", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}`);
    expect((await pings(id))[0]!.duration).toBeNull();
  });
});

describe("ping log", () => {
  it("is capped at ping_log_limit as pings arrive", async () => {
    const { id } = await makeCheck();
    for (let i = 0; i < 105; i++) await call(`/ping/${id}/log`);
    const log = await pings(id);
    expect(log).toHaveLength(100);
    expect(log[0]!.n).toBe(105);
    expect(log[99]!.n).toBe(6);
  });
});
