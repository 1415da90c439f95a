// What the checks list keeps besides the checks (issue 12): each person's sort order, the project's
// uuid/slug switch, and the down periods the list's 30-day strip and the details page's 90-day bar
// are drawn from.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createCheck } from "../../src/checks/client";
import { app, ORIGIN, signUp, signUpRoles, teamProject, type Role, type SignedUp, WRITERS, ROLES } from "./account-helpers";
import { call } from "./helpers";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const users = {} as Record<Role, SignedUp>;
let outsider: SignedUp;

beforeAll(async () => {
  await signUpRoles(users);
  outsider = await signUp();
});

describe("the checks list's sort order", () => {
  it("is kept per person, Created by default", async () => {
    const me = await signUp();
    expect((await (await app("/me", me.cookie)).json<Json>()).checks_sort).toBe("created");
    const res = await app("/me", me.cookie, { method: "PATCH", body: { checks_sort: "-last_ping" } });
    expect(res.status).toBe(200);
    expect((await res.json<Json>()).checks_sort).toBe("-last_ping");
    expect((await (await app("/me", me.cookie)).json<Json>()).checks_sort).toBe("-last_ping");
    expect((await (await app("/me", users.owner.cookie)).json<Json>()).checks_sort).toBe("created");
  });

  it("refuses an unknown order with the allowed ones, changing nothing", async () => {
    const me = await signUp();
    const res = await app("/me", me.cookie, { method: "PATCH", body: { checks_sort: "random" } });
    expect(res.status).toBe(400);
    expect((await res.json<Json>()).error).toMatch(/checks_sort must be one of created, name, -name, last_ping, -last_ping/);
    expect((await (await app("/me", me.cookie)).json<Json>()).checks_sort).toBe("created");
  });
});

describe("the project's uuid/slug switch", () => {
  const shown = async (projectId: string) => (await (await app(`/projects/${projectId}`, users.owner.cookie)).json<Json>()).show_slugs;

  it("is off at first and changed by writers only", async () => {
    for (const role of ROLES) {
      const projectId = await teamProject(users);
      expect(await shown(projectId)).toBe(false);
      const res = await app(`/projects/${projectId}`, users[role].cookie, { method: "PATCH", body: { show_slugs: true } });
      expect(res.status, role).toBe(WRITERS.includes(role) ? 200 : 403);
      expect(await shown(projectId), role).toBe(WRITERS.includes(role));
    }
  });

  it("is not another project's to change, and must be true or false", async () => {
    const projectId = await teamProject(users);
    expect((await app(`/projects/${projectId}`, outsider.cookie, { method: "PATCH", body: { show_slugs: true } })).status).toBe(404);
    const bad = await app(`/projects/${projectId}`, users.owner.cookie, { method: "PATCH", body: { show_slugs: "yes" } });
    expect(bad.status).toBe(400);
    expect((await bad.json<Json>()).error).toMatch(/show_slugs must be true or false/);
    const empty = await app(`/projects/${projectId}`, users.owner.cookie, { method: "PATCH", body: {} });
    expect(empty.status).toBe(400);
    expect(await shown(projectId)).toBe(false);
  });
});

describe("down periods", () => {
  it("reach the list (30 days, from the D1 summary) and the details (90 days) after each flip", async () => {
    const projectId = await teamProject(users);
    const row = await createCheck(env, projectId, { name: "etl" }, ORIGIN, []);
    const periods = async () => {
      const list = await (await app(`/projects/${projectId}/checks`, users.readonly.cookie)).json<Json>();
      const details = await (await app(`/projects/${projectId}/checks/${row.id}`, users.readonly.cookie)).json<Json>();
      return { list: list.checks.find((c: Json) => c.uuid === row.id).down_periods, details: details.down_periods };
    };
    expect(await periods()).toEqual({ list: [], details: [] });
    await call(`/ping/${row.id}/fail`);
    const open = await periods();
    expect(open.list).toHaveLength(1);
    expect(open.list[0][1]).toBeNull();
    expect(open.details).toEqual(open.list);
    await call(`/ping/${row.id}`);
    const closed = await periods();
    expect(closed.list).toEqual([[open.list[0][0], expect.any(String)]]);
    expect(Date.parse(closed.list[0][1])).toBeGreaterThanOrEqual(Date.parse(closed.list[0][0]));
    expect(closed.details).toEqual(closed.list);
  });
});
