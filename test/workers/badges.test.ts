// Badge endpoints against D1 summaries written by real check Durable Objects.
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { badgeRoutes } from "../../src/badges/routes";
import { badgeSignature, badgeUrls, type BadgeUrls } from "../../src/badges/signature";
import type { AppEnv } from "../../src/http/app-env";
import { call, makeCheck, makeProject, patchState, type TestProject } from "./helpers";

const SECRET = "test-secret-key";
const HOUR = 3600_000;

function badge(path: string, init: RequestInit = {}, vars: Record<string, string> = {}): Promise<Response> {
  return Promise.resolve(badgeRoutes.request(path, init, { ...env, ...vars }));
}

async function badgeKeyOf(project: TestProject): Promise<string> {
  const row = await env.DB.prepare("SELECT badge_key FROM projects WHERE id = ?").bind(project.id).first<{ badge_key: string }>();
  return row!.badge_key;
}

/** The project's badge URLs for `tag`, as paths. */
async function paths(project: TestProject, tag: string): Promise<BadgeUrls> {
  const urls = await badgeUrls("http://localhost", await badgeKeyOf(project), SECRET, tag);
  return Object.fromEntries(Object.entries(urls).map(([k, v]) => [k, v.slice("http://localhost".length)])) as unknown as BadgeUrls;
}

async function json(path: string, vars: Record<string, string> = {}) {
  const res = await badge(path, {}, vars);
  expect(res.status).toBe(200);
  return res.json();
}

async function svg(path: string): Promise<string> {
  const res = await badge(path);
  expect(res.status).toBe(200);
  return res.text();
}

/** A pinged check whose last ping is 1h10m old with a 1h timeout and 10 min grace: in grace. */
async function checkInGrace(project: TestProject, tags: string) {
  const c = await makeCheck({ tags, timeout: 3600, grace: 600 }, project);
  await call(`/ping/${c.id}`);
  const past = Date.now() - HOUR - 5 * 60_000;
  await patchState(c.id, { last_ping: past });
  await env.DB.prepare("UPDATE checks SET last_ping = ? WHERE id = ?").bind(past, c.id).run();
  return c;
}

async function upCheck(project: TestProject, tags: string) {
  const c = await makeCheck({ tags }, project);
  await call(`/ping/${c.id}`);
  return c;
}

async function downCheck(project: TestProject, tags: string) {
  const c = await makeCheck({ tags }, project);
  await call(`/ping/${c.id}/fail`);
  return c;
}

describe("project badges: states and formats", () => {
  it("shows up in every format for an up check", async () => {
    const p = await makeProject();
    await upCheck(p, "prod");
    const u = await paths(p, "prod");
    for (const path of [u.json, u.json3]) expect(await json(path)).toEqual({ status: "up", total: 1, grace: 0, down: 0 });
    for (const path of [u.shields, u.shields3]) {
      expect(await json(path)).toEqual({ schemaVersion: 1, label: "prod", message: "up", color: "success" });
    }
    for (const path of [u.svg, u.svg3]) {
      const s = await svg(path);
      expect(s).toContain('fill="#4c1"');
      expect(s).toContain(">prod</text>");
      expect(s).toContain(">up</text>");
    }
  });

  it("shows late for a check in grace with 3 states, in every format", async () => {
    const p = await makeProject();
    await checkInGrace(p, "prod");
    const u = await paths(p, "prod");
    expect(await json(u.json3)).toEqual({ status: "late", total: 1, grace: 1, down: 0 });
    expect(await json(u.shields3)).toEqual({ schemaVersion: 1, label: "prod", message: "late", color: "important" });
    const s = await svg(u.svg3);
    expect(s).toContain('fill="#fe7d37"');
    expect(s).toContain(">late</text>");
  });

  it("shows up for a check in grace with 2 states, still counting it in grace", async () => {
    const p = await makeProject();
    await checkInGrace(p, "prod");
    const u = await paths(p, "prod");
    expect(await json(u.json)).toEqual({ status: "up", total: 1, grace: 1, down: 0 });
    expect(await json(u.shields)).toMatchObject({ message: "up", color: "success" });
    expect(await svg(u.svg)).toContain('fill="#4c1"');
  });

  it("shows down in every format for a failed check, with 2 or 3 states", async () => {
    const p = await makeProject();
    await downCheck(p, "prod");
    const u = await paths(p, "prod");
    for (const path of [u.json, u.json3]) expect(await json(path)).toEqual({ status: "down", total: 1, grace: 0, down: 1 });
    for (const path of [u.shields, u.shields3]) {
      expect(await json(path)).toEqual({ schemaVersion: 1, label: "prod", message: "down", color: "critical" });
    }
    for (const path of [u.svg, u.svg3]) expect(await svg(path)).toContain('fill="#e05d44"');
  });

  it("counts new and paused checks as up", async () => {
    const p = await makeProject();
    await makeCheck({ tags: "prod" }, p);
    const paused = await upCheck(p, "prod");
    await paused.stub.pause();
    expect(await json((await paths(p, "prod")).json3)).toEqual({ status: "up", total: 2, grace: 0, down: 0 });
  });

  it("treats any signature that is not 10 characters ending in -2 as 3-state", async () => {
    const p = await makeProject();
    await checkInGrace(p, "prod");
    const sig = await badgeSignature(await badgeKeyOf(p), "prod", SECRET);
    const key = await badgeKeyOf(p);
    expect(await json(`/badge/${key}/${sig}-3/prod.json`)).toMatchObject({ status: "late" });
    expect(await json(`/badge/${key}/${sig}xy-2/prod.json`)).toMatchObject({ status: "late" });
    expect(await json(`/badge/${key}/${sig}-2/prod.json`)).toMatchObject({ status: "up" });
  });
});

describe("project badges: which checks", () => {
  it("aggregates over the checks carrying the tag and nothing else", async () => {
    const p = await makeProject();
    await upCheck(p, "prod db");
    await checkInGrace(p, "prod");
    await downCheck(p, "web");
    expect(await json((await paths(p, "prod")).json3)).toEqual({ status: "late", total: 2, grace: 1, down: 0 });
    expect(await json((await paths(p, "db")).json3)).toEqual({ status: "up", total: 1, grace: 0, down: 0 });
    expect(await json((await paths(p, "web")).json3)).toEqual({ status: "down", total: 1, grace: 0, down: 1 });
  });

  it("is down when any tagged check is down, late or not", async () => {
    const p = await makeProject();
    await checkInGrace(p, "prod");
    await downCheck(p, "prod");
    await upCheck(p, "prod");
    expect(await json((await paths(p, "prod")).json3)).toEqual({ status: "down", total: 3, grace: 1, down: 1 });
    expect(await json((await paths(p, "prod")).json)).toEqual({ status: "down", total: 3, grace: 1, down: 1 });
  });

  it("matches whole tags only", async () => {
    const p = await makeProject();
    await downCheck(p, "prod-eu preprod");
    await downCheck(p, "  x   prod  ");
    expect(await json((await paths(p, "prod")).json)).toEqual({ status: "down", total: 1, grace: 0, down: 1 });
    expect(await json((await paths(p, "pro")).json)).toEqual({ status: "up", total: 0, grace: 0, down: 0 });
  });

  it("does not treat LIKE wildcards in a tag as wildcards", async () => {
    const p = await makeProject();
    await downCheck(p, "prod");
    expect(await json((await paths(p, "pr%")).json)).toMatchObject({ total: 0 });
    expect(await json((await paths(p, "pro_")).json)).toMatchObject({ total: 0 });
  });

  it("covers every check of the project for *, labelled edgechecks", async () => {
    const p = await makeProject();
    await upCheck(p, "prod");
    await checkInGrace(p, "");
    await downCheck(p, "web");
    const u = await paths(p, "*");
    expect(u.json3).toMatch(/^\/badge\/[^/]+\/[-\w]{8}\.json$/);
    expect(await json(u.json3)).toEqual({ status: "down", total: 3, grace: 1, down: 1 });
    expect(await json(u.shields)).toMatchObject({ label: "edgechecks", message: "down" });
    expect(await svg(u.svg)).toContain(">edgechecks</text>");
  });

  it("labels the all-checks badge with MASTER_BADGE_LABEL when set", async () => {
    const p = await makeProject();
    expect(await json((await paths(p, "*")).shields, { MASTER_BADGE_LABEL: "Acme CI" })).toMatchObject({ label: "Acme CI" });
  });

  it("shows up with no checks at all", async () => {
    const p = await makeProject();
    expect(await json((await paths(p, "*")).json3)).toEqual({ status: "up", total: 0, grace: 0, down: 0 });
    expect(await json((await paths(p, "prod")).json3)).toEqual({ status: "up", total: 0, grace: 0, down: 0 });
  });

  it("leaves out checks being removed", async () => {
    const p = await makeProject();
    const c = await downCheck(p, "prod");
    await env.DB.prepare("UPDATE checks SET deleted_at = ? WHERE id = ?").bind(Date.now(), c.id).run();
    expect(await json((await paths(p, "prod")).json)).toMatchObject({ status: "up", total: 0 });
  });

  it("handles special characters in tags through double encoding", async () => {
    const p = await makeProject();
    await downCheck(p, "db@dc1 a/b 50% ü (x)");
    for (const tag of ["db@dc1", "a/b", "50%", "ü", "(x)"]) {
      const u = await paths(p, tag);
      expect(await json(u.json)).toEqual({ status: "down", total: 1, grace: 0, down: 1 });
      expect(await json(u.shields)).toMatchObject({ label: tag });
    }
    const u = await paths(p, "db@dc1");
    expect(u.svg).toMatch(/\/db%2540dc1\.svg$/);
    // A singly-encoded tag is decoded twice, so it is refused.
    expect((await badge(u.svg.replace("db%2540dc1", "db%40dc1"))).status).toBe(404);
  });
});

describe("project badges: not found", () => {
  it("404s a bad signature", async () => {
    const p = await makeProject();
    await upCheck(p, "prod");
    const u = await paths(p, "prod");
    const sig = u.json.split("/")[3]!;
    const bad = (sig[0] === "A" ? "B" : "A") + sig.slice(1);
    expect((await badge(u.json.replace(sig, bad))).status).toBe(404);
    // A signature for another tag.
    const other = await paths(p, "web");
    expect((await badge(`${other.json.slice(0, other.json.lastIndexOf("/"))}/prod.json`)).status).toBe(404);
    // A signature for a tag used as the all-checks signature.
    expect((await badge(u.json.replace("/prod.json", ".json"))).status).toBe(404);
  });

  it("404s an unknown format", async () => {
    const p = await makeProject();
    const u = await paths(p, "prod");
    for (const fmt of ["png", "SVG", "xml"]) expect((await badge(u.svg.replace(/svg$/, fmt))).status).toBe(404);
    expect((await badge(u.svg.replace(/\.svg$/, ""))).status).toBe(404);
  });

  it("404s an unknown or deleted project badge key, even with a valid signature", async () => {
    const sig = await badgeSignature("no-such-key", "prod", SECRET);
    expect((await badge(`/badge/no-such-key/${sig}/prod.json`)).status).toBe(404);
    const p = await makeProject();
    const u = await paths(p, "prod");
    await env.DB.prepare("UPDATE projects SET deleted_at = ? WHERE id = ?").bind(Date.now(), p.id).run();
    expect((await badge(u.json)).status).toBe(404);
  });

  it("never shows another project's checks", async () => {
    const a = await makeProject("a");
    const b = await makeProject("b");
    await downCheck(a, "secret");
    // B's own badge for the tag sees none of A's checks.
    expect(await json((await paths(b, "secret")).json)).toEqual({ status: "up", total: 0, grace: 0, down: 0 });
    // A's signature does not work under B's badge key.
    const ua = await paths(a, "secret");
    const swapped = ua.json.replace(await badgeKeyOf(a), await badgeKeyOf(b));
    expect((await badge(swapped)).status).toBe(404);
  });
});

describe("per-check badges", () => {
  it("shows up, late (3 states only) and down with the check's name as label", async () => {
    const p = await makeProject();
    const up = await makeCheck({ name: "Nightly <backup>" }, p);
    await call(`/ping/${up.id}`);
    const grace = await checkInGrace(p, "");
    const down = await downCheck(p, "");
    const k = (c: { row: { badge_key: string } }) => c.row.badge_key;
    expect(await json(`/b/2/${k(up)}.json`)).toEqual({ status: "up", total: 1, grace: 0, down: 0 });
    expect(await json(`/b/2/${k(up)}.shields`)).toEqual({ schemaVersion: 1, label: "Nightly <backup>", message: "up", color: "success" });
    expect(await svg(`/b/2/${k(up)}.svg`)).toContain(">Nightly &#60;backup&#62;</text>");
    expect(await json(`/b/3/${k(grace)}.json`)).toEqual({ status: "late", total: 1, grace: 1, down: 0 });
    expect(await json(`/b/2/${k(grace)}.json`)).toEqual({ status: "up", total: 1, grace: 1, down: 0 });
    expect(await json(`/b/7/${k(grace)}.json`)).toMatchObject({ status: "up" });
    expect(await svg(`/b/3/${k(grace)}.svg`)).toContain('fill="#fe7d37"');
    expect(await json(`/b/3/${k(down)}.shields`)).toMatchObject({ message: "down", color: "critical" });
    expect(await svg(`/b/2/${k(down)}.svg`)).toContain('fill="#e05d44"');
  });

  it("labels an unnamed check with its uuid", async () => {
    const c = await makeCheck();
    expect(await json(`/b/2/${c.row.badge_key}.shields`)).toMatchObject({ label: c.id });
  });

  it("uses the check's badge key, not its uuid", async () => {
    const c = await makeCheck();
    expect(c.row.badge_key).not.toBe(c.id);
    expect((await badge(`/b/2/${c.id}.svg`)).status).toBe(404);
  });

  it("404s an unknown key, a removed check, a deleted project and an unknown format", async () => {
    expect((await badge(`/b/2/${crypto.randomUUID()}.svg`)).status).toBe(404);
    const c = await makeCheck();
    expect((await badge(`/b/2/${c.row.badge_key}.png`)).status).toBe(404);
    expect((await badge(`/b/2/${c.row.badge_key}.svg`)).status).toBe(200);
    await env.DB.prepare("UPDATE projects SET deleted_at = ? WHERE id = ?").bind(Date.now(), c.project.id).run();
    expect((await badge(`/b/2/${c.row.badge_key}.svg`)).status).toBe(404);
    const d = await makeCheck();
    await env.DB.prepare("UPDATE checks SET deleted_at = ? WHERE id = ?").bind(Date.now(), d.id).run();
    expect((await badge(`/b/2/${d.row.badge_key}.svg`)).status).toBe(404);
  });
});

describe("headers", () => {
  it("sends never-cache and CORS headers and the right content types", async () => {
    const p = await makeProject();
    const c = await upCheck(p, "prod");
    const u = await paths(p, "prod");
    const cases: [string, string][] = [
      [u.svg, "image/svg+xml"],
      [u.json, "application/json"],
      [u.shields3, "application/json"],
      [`/b/2/${c.row.badge_key}.svg`, "image/svg+xml"],
    ];
    for (const [path, type] of cases) {
      const res = await badge(path);
      expect(res.headers.get("Content-Type")).toBe(type);
      expect(res.headers.get("Cache-Control")).toBe("max-age=0, no-cache, no-store, must-revalidate, private");
      expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    }
  });

  it("answers OPTIONS with 204 and CORS headers", async () => {
    const p = await makeProject();
    const c = await makeCheck({}, p);
    for (const path of [(await paths(p, "prod")).svg, (await paths(p, "*")).json, `/b/3/${c.row.badge_key}.json`]) {
      const res = await badge(path, { method: "OPTIONS" });
      expect(res.status).toBe(204);
      expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    }
  });
});

describe("freshness", () => {
  it("shows a status change right after the ping is answered", async () => {
    const p = await makeProject();
    const c = await makeCheck({ tags: "prod" }, p);
    const u = await paths(p, "prod");
    const perCheck = `/b/2/${c.row.badge_key}.json`;
    expect(await json(u.json)).toMatchObject({ status: "up", total: 1 });
    expect((await call(`/ping/${c.id}/fail`)).status).toBe(200);
    expect(await json(u.json)).toMatchObject({ status: "down", down: 1 });
    expect(await json(perCheck)).toMatchObject({ status: "down" });
    expect((await call(`/ping/${c.id}`)).status).toBe(200);
    expect(await json(u.json)).toMatchObject({ status: "up", down: 0 });
    expect(await json(perCheck)).toMatchObject({ status: "up" });
  });
});

describe("mounting", () => {
  it("serves double-encoded tags when mounted at / in a parent app", async () => {
    const app = new Hono<AppEnv>();
    app.notFound((c) => c.json({ error: "not found" }, 404));
    app.route("/", badgeRoutes);
    const p = await makeProject();
    await downCheck(p, "db@dc1");
    const u = await paths(p, "db@dc1");
    const res = await app.request(u.json, {}, env);
    expect(await res.json()).toEqual({ status: "down", total: 1, grace: 0, down: 1 });
    expect((await app.request(`/b/2/${crypto.randomUUID()}.svg`, {}, env)).status).toBe(404);
  });
});
