// Email pings end to end: a real `npm start` instance with PING_EMAIL_DOMAIN set receives raw
// messages through wrangler's local Email Routing endpoint (POST /cdn-cgi/handler/email), and
// the Management API shows the recorded pings.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Instance, createProject, request as requestTo, startInstance, waitUntilServing } from "./instance";

const DOMAIN = "hc.example.com";

let instance: Instance;

function request(pathname: string, init: RequestInit = {}): Promise<Response> {
  return requestTo(instance, pathname, init);
}

function json(body: unknown, headers: Record<string, string>): RequestInit {
  return { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) };
}

/** What an MTA would hand Email Routing: envelope in the query, the message as the body. */
function sendEmail(from: string, to: string, raw: string): Promise<Response> {
  const query = new URLSearchParams({ from, to });
  return request(`/cdn-cgi/handler/email?${query}`, { method: "POST", body: raw });
}

function message(to: string, subject: string, body: string): string {
  return [
    "Received: from box.example.org (127.0.0.1) by mx.example.com; Tue, 27 Aug 2024 15:50:20 +0000",
    'From: "Cron Daemon" <cron@box.example.org>',
    `To: ${to}`,
    `Subject: ${subject}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@box.example.org>`,
    "Date: Tue, 27 Aug 2024 15:50:20 +0000",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: quoted-printable",
    "",
    body,
    "",
  ].join("\r\n");
}

beforeAll(async () => {
  instance = await startInstance({ cron: false, vars: { PING_EMAIL_DOMAIN: DOMAIN } });
  await (await waitUntilServing(instance, "/api/v3/status/")).arrayBuffer();
});

afterAll(async () => {
  await instance?.stop();
});

describe("email pings through wrangler's local email endpoint", () => {
  it("records a ping for <uuid>@domain and <ping_key>+<slug>@domain, and rejects unknown recipients", async () => {
    const project = await createProject(instance, "email");
    const api = { "X-Api-Key": project.api_key };

    const check = await request(
      "/api/v3/checks/",
      json({ name: "mailed", slug: "mailed", filter_subject: true, success_kw: "SUCCESS", failure_kw: "FAIL" }, api),
    );
    expect(check.status, await check.clone().text()).toBe(201);
    const { ping_url, email } = (await check.json()) as { ping_url: string; email?: string };
    const uuid = ping_url.split("/").pop()!;
    expect(email).toBe(`${uuid}@${DOMAIN}`);

    const first = await sendEmail("cron@box.example.org", email!, message(email!, "Backup SUCCESS", "all =E2=9C=94"));
    expect(first.status, `${await first.clone().text()}\n${instance.log()}`).toBe(200);

    const bySlug = `${project.ping_key}+mailed@${DOMAIN}`;
    const second = await sendEmail("cron@box.example.org", bySlug, message(bySlug, "=?utf-8?q?Backup_FAIL?=", "oops"));
    expect(second.status, await second.clone().text()).toBe(200);

    const unknown = `${"0".repeat(8)}-0000-4000-8000-${"0".repeat(12)}@${DOMAIN}`;
    const rejected = await sendEmail("cron@box.example.org", unknown, message(unknown, "x", "x"));
    expect(rejected.status).toBe(400);
    expect(await rejected.text()).toContain("unknown recipient");

    const res = await request(`/api/v3/checks/${uuid}/pings/`, { headers: api });
    expect(res.status).toBe(200);
    const { pings } = (await res.json()) as { pings: Record<string, unknown>[] };
    expect(pings.map((p) => [p.type, p.scheme, p.method, p.ua])).toEqual([
      ["fail", "email", "", "Email from cron@box.example.org"],
      ["success", "email", "", "Email from cron@box.example.org"],
    ]);

    const status = await request(`/api/v3/checks/${uuid}`, { headers: api });
    expect(((await status.json()) as { status: string }).status).toBe("down");
  });
});
