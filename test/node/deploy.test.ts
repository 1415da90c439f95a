// scripts/deploy.mjs refuses to deploy without SECRET_KEY: its decision, from `wrangler secret list`.
import { describe, expect, it } from "vitest";
import { secretKeyProblem } from "../../scripts/deploy-checks.mjs";

const ok = (stdout: string) => ({ status: 0, stdout, stderr: "" });

describe("secretKeyProblem", () => {
  it("passes when SECRET_KEY is among the secrets", () => {
    const list = JSON.stringify([{ name: "ADMIN_TOKEN", type: "secret_text" }, { name: "SECRET_KEY", type: "secret_text" }], null, "  ");
    expect(secretKeyProblem(ok(list))).toBeNull();
  });

  it("passes with wrangler warnings printed around the JSON", () => {
    expect(secretKeyProblem(ok(`▲ [WARNING] something\n[{"name":"SECRET_KEY","type":"secret_text"}]\n`))).toBeNull();
  });

  it("refuses when SECRET_KEY is missing, naming it and the command that sets it", () => {
    const problem = secretKeyProblem(ok(JSON.stringify([{ name: "ADMIN_TOKEN", type: "secret_text" }])));
    expect(problem).toMatch(/^SECRET_KEY is not set/);
    expect(problem).toContain("wrangler secret put SECRET_KEY");
  });

  it("refuses when there are no secrets at all", () => {
    expect(secretKeyProblem(ok("[]"))).toMatch(/^SECRET_KEY is not set/);
  });

  it("refuses a similar name (secret names are exact)", () => {
    expect(secretKeyProblem(ok(JSON.stringify([{ name: "SECRET_KEY_OLD" }, { name: "secret_key" }])))).toMatch(/^SECRET_KEY is not set/);
  });

  it("refuses when wrangler fails (e.g. the Worker does not exist yet), with wrangler's message", () => {
    const problem = secretKeyProblem({ status: 1, stdout: "", stderr: 'X [ERROR] Worker "edgechecks" not found.' });
    expect(problem).toMatch(/^could not list the Worker's secrets \(wrangler secret list: exit 1\)/);
    expect(problem).toContain('Worker "edgechecks" not found.');
    expect(problem).toContain("wrangler secret put SECRET_KEY");
  });

  it("refuses output that is not a JSON list", () => {
    expect(secretKeyProblem(ok("Secret Name: SECRET_KEY\n"))).toMatch(/^could not read the output/);
  });
});
