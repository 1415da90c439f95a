// The dashboard's badges page (GET /app/api/projects/:id/badges): the Management API's badge URLs of
// the project, readable by every member and by nobody else.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createCheck } from "../../src/checks/client";
import { app, describeCapabilities, ROLES, signUp, signUpRoles, teamProject, type Capability, type Role, type SignedUp } from "./account-helpers";
import { api, call } from "./helpers";

type Badges = Record<string, Record<string, string>>;

const users = {} as Record<Role, SignedUp>;
let outsider: SignedUp;

beforeAll(async () => {
  await signUpRoles(users);
  outsider = await signUp();
});

/** A team project with checks tagged "prod" and "db@dc1 prod". */
async function team(): Promise<string> {
  const id = await teamProject(users);
  await createCheck(env, id, { name: "web", tags: "prod" }, "http://localhost");
  await createCheck(env, id, { name: "db", tags: "db@dc1 prod" }, "http://localhost");
  return id;
}

async function readKey(projectId: string): Promise<string> {
  const res = await app(`/projects/${projectId}/keys/api_key_readonly`, users.owner.cookie, { method: "POST" });
  return (await res.json<{ key: string }>()).key;
}

const badgeRows = async (projectId: string) =>
  (await env.DB.prepare("SELECT badge_key FROM projects WHERE id = ?").bind(projectId).all()).results;

const capabilities: Capability[] = [
  {
    name: "read the project's badge URLs",
    allowed: ROLES,
    prepare: async () => "",
    act: (id, _t, u) => app(`/projects/${id}/badges`, u.cookie),
    effect: async (id, _t, res) => {
      const { badges } = await res.json<{ badges: Badges }>();
      // Exactly what the Management API lists for the project.
      const viaApi = await (await api(await readKey(id), "/badges/")).json<{ badges: Badges }>();
      expect(badges).toEqual(viaApi.badges);
      expect(Object.keys(badges)).toEqual(["db@dc1", "prod", "*"]);
    },
  },
];

describeCapabilities(capabilities, { users, team, state: badgeRows });

describe("the badge URLs", () => {
  it("each answers its badge: SVG with and without the late state, JSON, Shields", async () => {
    const id = await team();
    const { badges } = await (await app(`/projects/${id}/badges`, users.readonly.cookie)).json<{ badges: Badges }>();
    const prod = badges.prod!;
    expect(prod.svg).toMatch(/-2\/prod\.svg$/);
    expect(prod.svg3).not.toContain("-2/");
    const svg = await call(new URL(prod.svg3!).pathname);
    expect(svg.headers.get("Content-Type")).toBe("image/svg+xml");
    expect(await call(new URL(badges["*"]!.json!).pathname).then((r) => r.json())).toEqual({ status: "up", total: 2, grace: 0, down: 0 });
    expect(await call(new URL(prod.shields3!).pathname).then((r) => r.json())).toMatchObject({ label: "prod", message: "up" });
    expect(badges["db@dc1"]!.svg).toContain("/db%2540dc1.svg");
  });

  it("a project without checks still has its all-checks badge", async () => {
    const a = await signUp();
    const res = await app("/projects", a.cookie, { method: "POST", body: { name: "Empty" } });
    const { id } = await res.json<{ id: string }>();
    const { badges } = await (await app(`/projects/${id}/badges`, a.cookie)).json<{ badges: Badges }>();
    expect(Object.keys(badges)).toEqual(["*"]);
  });
});

describe("tenancy", () => {
  it("another project's badges are 404 for someone who is not its member, as is an unknown or malformed id", async () => {
    await team();
    const res = await app("/projects", outsider.cookie, { method: "POST", body: { name: "Theirs" } });
    const theirs = (await res.json<{ id: string }>()).id;
    for (const id of [theirs, crypto.randomUUID(), "not-a-uuid"]) {
      const refused = await app(`/projects/${id}/badges`, users.owner.cookie);
      expect(refused.status, id).toBe(404);
      expect(await refused.json()).toEqual({ error: "project not found" });
    }
  });

  it("needs a session", async () => {
    const id = await team();
    expect((await app(`/projects/${id}/badges`, "")).status).toBe(401);
  });
});
