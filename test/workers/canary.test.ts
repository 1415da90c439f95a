// The canary (CANARY_PING_URL): the cron handler pings it once per run, GET, and a failing canary is
// only logged. The targets are the loopback receiver: operator-set URLs may be private addresses.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it, vi } from "vitest";
import worker from "../../src/index";

const receiver = `http://127.0.0.1:${inject("receiverPort")}`;
const cron = () => createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" });

async function received(box: string): Promise<{ method: string; path: string }[]> {
  return (await fetch(`${receiver}/__requests?box=${box}`)).json();
}

describe("canary", () => {
  it("each cron run sends one GET to CANARY_PING_URL", async () => {
    const box = `canary-${crypto.randomUUID()}`;
    await worker.scheduled(cron(), { ...env, CANARY_PING_URL: `${receiver}/${box}/ping` });
    await worker.scheduled(cron(), { ...env, CANARY_PING_URL: `${receiver}/${box}/ping` });
    expect(await received(box)).toMatchObject([
      { method: "GET", path: `/${box}/ping` },
      { method: "GET", path: `/${box}/ping` },
    ]);
  });

  it("a canary that cannot be reached is logged and the cron run still completes", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await expect(worker.scheduled(cron(), { ...env, CANARY_PING_URL: `http://127.0.0.1:${inject("closedPort")}/ping` })).resolves.toBeUndefined();
      expect(errors.mock.calls.map((c) => String(c[0]))).toContainEqual(expect.stringMatching(/^canary ping failed: /));
    } finally {
      errors.mockRestore();
    }
  });

  it("a canary that answers an error status is logged", async () => {
    const box = `canary-${crypto.randomUUID()}`;
    await fetch(`${receiver}/__script?box=${box}`, { method: "POST", body: "[503]" });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await worker.scheduled(cron(), { ...env, CANARY_PING_URL: `${receiver}/${box}/ping` });
      expect(errors.mock.calls.map((c) => String(c[0]))).toContain("canary ping answered HTTP 503");
    } finally {
      errors.mockRestore();
    }
  });
});
