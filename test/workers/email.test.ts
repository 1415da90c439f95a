// Email pings through the Worker's email() handler, with messages shaped like Cloudflare's
// ForwardableEmailMessage.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_STORED_BODY } from "../../src/config";
import { deliverEmail, type Sent } from "./email-helpers";
import { fetchWithVars, freezeClock, makeCheck, makeProject, pings, stub, view } from "./helpers";

const DOMAIN = "hc.example.com";
const envWithDomain = { ...env, PING_EMAIL_DOMAIN: DOMAIN } as Env;
const enc = new TextEncoder();
const b64 = (s: string) => btoa(String.fromCharCode(...enc.encode(s)));
const deliver = (to: string, raw: string | Uint8Array, opts: { from?: string; env?: Env } = {}): Promise<Sent> =>
  deliverEmail(to, raw, { ...opts, env: opts.env ?? envWithDomain });

function rawMessage(subject: string, bodyLines: string[] = ["hello"], extraHeaders: string[] = []): string {
  return [
    "From: Cron Daemon <cron@box.example.org>",
    "To: someone",
    `Subject: ${subject}`,
    "Message-ID: <test@box.example.org>",
    "Date: Tue, 27 Aug 2024 15:50:20 +0000",
    ...extraHeaders,
    "",
    ...bodyLines,
  ].join("\r\n");
}

const accepted: Sent = { rejected: null, forwarded: [], replied: 0 };

afterEach(() => {
  vi.useRealTimers();
});

describe("email pings: addressing", () => {
  it("a uuid address records a success ping as Healthchecks' smtpd does", async () => {
    const { id } = await makeCheck();
    const raw = rawMessage("nightly backup");
    expect(await deliver(`${id}@${DOMAIN}`, raw, { from: "root@box.example.org" })).toEqual(accepted);
    const [p, ...rest] = await pings(id);
    expect(rest).toEqual([]);
    expect(p).toMatchObject({
      n: 1,
      kind: "success",
      scheme: "email",
      method: "",
      ua: "Email from root@box.example.org",
      remote_addr: null,
      rid: null,
      exitstatus: null,
      body_size: enc.encode(raw).length,
    });
    const v = await view(id);
    expect(v.state.status).toBe("up");
    expect(v.state.last_ping).toBe(p!.created);
  });

  it("the domain is compared case-insensitively", async () => {
    const { id } = await makeCheck();
    expect(await deliver(`${id}@HC.Example.Com`, rawMessage("x"))).toEqual(accepted);
    expect(await pings(id)).toHaveLength(1);
  });

  it("a ping_key+slug address pings the check with that slug", async () => {
    const project = await makeProject();
    const { id } = await makeCheck({ slug: "db-dump" }, project);
    const other = await makeCheck({ slug: "other" }, project);
    expect(await deliver(`${project.ping_key}+db-dump@${DOMAIN}`, rawMessage("done"))).toEqual(accepted);
    expect((await pings(id))[0]).toMatchObject({ kind: "success", scheme: "email" });
    expect(await pings(other.id)).toEqual([]);
  });

  it("rejects unknown checks, unknown slugs and keys, and malformed mailboxes, without auto-provisioning", async () => {
    const project = await makeProject();
    const { id } = await makeCheck({ slug: "known" }, project);
    for (const to of [
      `${crypto.randomUUID()}@${DOMAIN}`,
      `${project.ping_key}+missing@${DOMAIN}`,
      `nosuchkey0000000000000+known@${DOMAIN}`,
      `${project.ping_key}+Known@${DOMAIN}`,
      `${id.toUpperCase()}@${DOMAIN}`,
      `hello@${DOMAIN}`,
      "not an address",
    ]) {
      const sent = await deliver(to, rawMessage("x"));
      expect(sent.rejected, to).toBe("unknown recipient");
    }
    expect(await pings(id)).toEqual([]);
    const list = await fetchWithVars({}, "/api/v3/checks/", { headers: { "X-Api-Key": project.api_key } });
    expect(((await list.json()) as { checks: unknown[] }).checks).toHaveLength(1);
  });

  it("rejects an ambiguous slug", async () => {
    const project = await makeProject();
    const a = await makeCheck({ slug: "twin" }, project);
    const b = await makeCheck({ slug: "twin" }, project);
    expect((await deliver(`${project.ping_key}+twin@${DOMAIN}`, rawMessage("x"))).rejected).toBe("ambiguous slug");
    expect([...(await pings(a.id)), ...(await pings(b.id))]).toEqual([]);
  });

  it("rejects another domain", async () => {
    const { id } = await makeCheck();
    expect((await deliver(`${id}@example.com`, rawMessage("x"))).rejected).toBe("unknown recipient");
    expect((await deliver(`${id}@mail.${DOMAIN}`, rawMessage("x"))).rejected).toBe("unknown recipient");
    expect(await pings(id)).toEqual([]);
  });

  it("email pings are off when PING_EMAIL_DOMAIN is empty", async () => {
    const { id } = await makeCheck();
    expect(env.PING_EMAIL_DOMAIN).toBe("");
    const sent = await deliver(`${id}@${DOMAIN}`, rawMessage("x"), { env });
    expect(sent.rejected).toBe("unknown recipient");
    expect(await pings(id)).toEqual([]);
  });

  it("a removed check is rejected", async () => {
    const { id, stub: s } = await makeCheck();
    await s.remove();
    expect((await deliver(`${id}@${DOMAIN}`, rawMessage("x"))).rejected).toBe("unknown recipient");
  });

  it("check objects show the email address only when PING_EMAIL_DOMAIN is set", async () => {
    const { id, project } = await makeCheck();
    const headers = { "X-Api-Key": project.api_key };
    const on = await fetchWithVars({ PING_EMAIL_DOMAIN: DOMAIN }, `/api/v3/checks/${id}`, { headers });
    expect(((await on.json()) as { email?: string }).email).toBe(`${id}@${DOMAIN}`);
    const off = await fetchWithVars({}, `/api/v3/checks/${id}`, { headers });
    expect((await off.json()) as object).not.toHaveProperty("email");
  });
});

describe("email pings: filters", () => {
  it("filter_subject: failure beats success beats start; no match is ignored", async () => {
    const { id } = await makeCheck({
      filter_subject: true,
      success_kw: "SUCCESS, OK",
      failure_kw: "FAIL",
      start_kw: "STARTED",
    });
    const to = `${id}@${DOMAIN}`;
    await deliver(to, rawMessage("Backup STARTED"));
    await deliver(to, rawMessage("Backup SUCCESS"));
    await deliver(to, rawMessage("Backup SUCCESS with FAIL"));
    await deliver(to, rawMessage("something else", ["SUCCESS in the body only"]));
    // An encoded-word subject is decoded before matching.
    await deliver(to, rawMessage(`=?UTF-8?B?${b64("Sauvegarde ✔ OK")}?=`));
    await deliver(to, rawMessage("=?iso-8859-1?Q?=C9chec_FAIL?="));
    expect((await pings(id)).map((p) => p.kind).reverse()).toEqual(["start", "success", "fail", "ign", "success", "fail"]);
    expect((await view(id)).state.status).toBe("down");
  });

  it("filter_body: a base64 text part and a quoted-printable HTML part are both searched", async () => {
    const { id } = await makeCheck({ filter_body: true, success_kw: "all good", failure_kw: "broken" });
    const to = `${id}@${DOMAIN}`;
    const multipart = (plain: string, html: string) =>
      rawMessage(
        "the subject says broken",
        [
          "--BOUNDARY",
          "Content-Type: text/plain; charset=utf-8",
          "Content-Transfer-Encoding: base64",
          "",
          b64(plain),
          "--BOUNDARY",
          "Content-Type: text/html; charset=utf-8",
          "Content-Transfer-Encoding: quoted-printable",
          "",
          html,
          "--BOUNDARY--",
        ],
        ["MIME-Version: 1.0", 'Content-Type: multipart/alternative; boundary="BOUNDARY"'],
      );
    await deliver(to, multipart("Résumé: all good", "<p>R=C3=A9sum=C3=A9</p>"));
    await deliver(to, multipart("Résumé", "<p>disk <b>bro=\r\nken</b></p>"));
    // Tags are stripped and entities decoded before matching.
    await deliver(to, multipart("Résumé", "<p>all <i>good</i> &amp; fine</p>"));
    await deliver(to, multipart("Résumé", "<p>all&nbsp;good</p>"));
    await deliver(to, multipart("all", "<p>good</p>")); // parts are joined by a line break
    // The subject ("... broken") is not searched without filter_subject.
    await deliver(to, multipart("nothing", "<p>nothing</p>"));
    expect((await pings(id)).map((p) => p.kind).reverse()).toEqual(["success", "fail", "success", "success", "ign", "ign"]);
  });

  it("filter_subject and filter_body together search both", async () => {
    const { id } = await makeCheck({ filter_subject: true, filter_body: true, success_kw: "yay", failure_kw: "boo" });
    const to = `${id}@${DOMAIN}`;
    await deliver(to, rawMessage("yay", ["fine"]));
    await deliver(to, rawMessage("fine", ["boo"]));
    expect((await pings(id)).map((p) => p.kind).reverse()).toEqual(["success", "fail"]);
  });

  it("default fail: an email that matches no keyword is a failure", async () => {
    const { id } = await makeCheck({ filter_subject: true, success_kw: "SUCCESS", filter_default_fail: true });
    await deliver(`${id}@${DOMAIN}`, rawMessage("no keywords here"));
    expect((await pings(id))[0]!.kind).toBe("fail");
    expect((await view(id)).state.status).toBe("down");
  });

  it("without filters every email is a success, whatever it says", async () => {
    const { id } = await makeCheck({ failure_kw: "FAIL", filter_http_body: true });
    await deliver(`${id}@${DOMAIN}`, rawMessage("FAIL", ["FAIL"]));
    expect((await pings(id))[0]!.kind).toBe("success");
  });

  it("manual_resume: a paused check ignores email pings, keywords included", async () => {
    const { id, stub: s } = await makeCheck({ manual_resume: true, filter_subject: true, failure_kw: "FAIL" });
    await s.pause();
    await deliver(`${id}@${DOMAIN}`, rawMessage("ok"));
    await deliver(`${id}@${DOMAIN}`, rawMessage("FAIL"));
    expect((await pings(id)).map((p) => p.kind)).toEqual(["ign", "ign"]);
    expect((await view(id)).state.status).toBe("paused");
  });
});

describe("email pings: stored body", () => {
  it("stores the whole raw message", async () => {
    const { id } = await makeCheck();
    const raw = rawMessage("stored", ["line one", "line two: please confirm"]);
    await deliver(`${id}@${DOMAIN}`, raw);
    const body = await stub(id).pingBody(1);
    expect(new TextDecoder().decode(body!)).toBe(raw);
  });

  it("caps the stored message at MAX_STORED_BODY bytes (PING_BODY_LIMIT does not apply)", async () => {
    const { id } = await makeCheck();
    const head = enc.encode(rawMessage("big", [""]));
    const raw = new Uint8Array(MAX_STORED_BODY + 50_000).fill(0x61);
    raw.set(head);
    expect(await deliver(`${id}@${DOMAIN}`, raw)).toEqual(accepted);
    const [p] = await pings(id);
    expect(p!.body_size).toBe(MAX_STORED_BODY);
    const body = await stub(id).pingBody(1);
    expect(body!.subarray(0, head.length)).toEqual(head);
  });

  it("a rate-limited email is accepted but not recorded", async () => {
    const { id } = await makeCheck();
    // Both emails in one rate window, however slow the machine.
    freezeClock();
    const limited = { ...envWithDomain, PING_RATE_LIMIT: "1" } as Env;
    expect(await deliver(`${id}@${DOMAIN}`, rawMessage("1"), { env: limited })).toEqual(accepted);
    expect(await deliver(`${id}@${DOMAIN}`, rawMessage("2"), { env: limited })).toEqual(accepted);
    expect(await pings(id)).toHaveLength(1);
  });
});
