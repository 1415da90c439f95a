// sendRequest against the real receiver: how redirects change the request, the private-address rule
// on every hop, and the failures Healthchecks names (too many redirects, timeout, refused).
import { describe, expect, inject, it } from "vitest";
import { sendRequest } from "../../src/alerts/http";
import { isPrivateHost } from "../../src/alerts/private-address";
import type { OutgoingRequest } from "../../src/alerts/types";

const port = inject("receiverPort");
const v4 = `http://127.0.0.1:${port}`;
// The same receiver under another origin (a different host is a different origin).
const named = `http://localhost:${port}`;

interface Received {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}
const received = async (box: string): Promise<Received[]> => (await fetch(`${v4}/__requests?box=${box}`)).json();

const redirect = (from: string, box: string, to: string, status: number) =>
  `${from}/${box}/__redirect?${new URLSearchParams({ to, status: String(status) })}`;

const CREDENTIALS = {
  Authorization: "Bearer matrix-token",
  Cookie: "session=1",
  "X-Gotify-Key": "gotify-token",
  "Proxy-Authorization": "Basic eDp5",
};

function post(url: string, headers: Record<string, string> = {}): OutgoingRequest {
  return { method: "POST", url, headers: { "Content-Type": "application/json", "X-Custom": "kept", ...headers }, body: '{"a":1}' };
}

describe("redirects", () => {
  it("a redirect to a private address is refused when private addresses are not allowed", async () => {
    const box = crypto.randomUUID();
    // 127.0.0.1 stands in for a public server; every other host is judged by the real rule.
    const isPrivate = (host: string) => host !== "127.0.0.1" && isPrivateHost(host);
    const res = await sendRequest(post(redirect(v4, box, `http://[::ffff:7f00:1]:${port}/${box}/inside`, 302)), "k", false, { isPrivate });
    expect(res).toEqual({ ok: false, error: "Connections to private IP addresses are not allowed", permanent: true, status: null });
    expect((await received(box)).map((r) => r.path.split("?")[0])).toEqual([`/${box}/__redirect`]);
  });

  it("a redirect to another origin drops the credential headers and keeps the others", async () => {
    const box = crypto.randomUUID();
    const res = await sendRequest(post(redirect(v4, box, `${named}/${box}/final`, 307), CREDENTIALS), "k", true);
    expect(res).toMatchObject({ ok: true, status: 200 });
    const [first, second] = await received(box);
    expect(first!.headers).toMatchObject({ authorization: "Bearer matrix-token", cookie: "session=1", "x-gotify-key": "gotify-token" });
    expect(second!.path).toBe(`/${box}/final`);
    for (const name of ["authorization", "cookie", "x-gotify-key", "proxy-authorization"]) expect(second!.headers).not.toHaveProperty(name);
    expect(second!.headers).toMatchObject({ "x-custom": "kept", "idempotency-key": "k" });
  });

  it("a redirect within the same origin keeps the credential headers", async () => {
    const box = crypto.randomUUID();
    await sendRequest(post(redirect(v4, box, `/${box}/final`, 307), CREDENTIALS), "k", true);
    const [, second] = await received(box);
    expect(second!.headers).toMatchObject({ authorization: "Bearer matrix-token", cookie: "session=1", "x-gotify-key": "gotify-token" });
  });

  it("credentials dropped on a cross-origin hop stay dropped when a later hop comes back", async () => {
    const box = crypto.randomUUID();
    const back = redirect(named, box, `${v4}/${box}/final`, 307);
    await sendRequest(post(redirect(v4, box, back, 307), CREDENTIALS), "k", true);
    const last = (await received(box)).at(-1)!;
    expect(last.path).toBe(`/${box}/final`);
    expect(last.headers).not.toHaveProperty("authorization");
  });

  it("303 turns a POST into a GET without a body or body headers", async () => {
    const box = crypto.randomUUID();
    await sendRequest(post(redirect(v4, box, `/${box}/final`, 303)), "k", true);
    const [first, second] = await received(box);
    expect([first!.method, first!.body]).toEqual(["POST", '{"a":1}']);
    expect([second!.method, second!.body]).toEqual(["GET", ""]);
    expect(second!.headers).not.toHaveProperty("content-type");
    expect(second!.headers).not.toHaveProperty("content-length");
    expect(second!.headers["x-custom"]).toBe("kept");
  });

  it("301 and 302 turn a POST or a PUT into a GET without a body", async () => {
    for (const status of [301, 302]) {
      for (const method of ["POST", "PUT"] as const) {
        const box = crypto.randomUUID();
        await sendRequest({ ...post(redirect(v4, box, `/${box}/final`, status)), method }, "k", true);
        const second = (await received(box))[1]!;
        expect({ status, method, got: [second.method, second.body] }).toEqual({ status, method, got: ["GET", ""] });
      }
    }
  });

  it("307 and 308 keep the method and the body", async () => {
    for (const status of [307, 308]) {
      for (const method of ["POST", "PUT"] as const) {
        const box = crypto.randomUUID();
        await sendRequest({ ...post(redirect(v4, box, `/${box}/final`, status)), method }, "k", true);
        const second = (await received(box))[1]!;
        expect({ status, method, got: [second.method, second.body, second.headers["content-type"]] }).toEqual({
          status,
          method,
          got: [method, '{"a":1}', "application/json"],
        });
      }
    }
  });

  it("three redirects are followed, a fourth is Too many redirects", async () => {
    const box = crypto.randomUUID();
    const chain = (n: number) => {
      let url = `${v4}/${box}/final`;
      for (let i = 0; i < n; i++) url = redirect(v4, box, url, 302);
      return url;
    };
    expect(await sendRequest({ method: "GET", url: chain(3), headers: {} }, "k", true)).toMatchObject({ ok: true, status: 200 });
    expect(await sendRequest({ method: "GET", url: chain(4), headers: {} }, "k", true)).toEqual({
      ok: false,
      error: "Too many redirects",
      permanent: false,
      status: 302,
    });
  });
});

describe("transport failures", () => {
  it("a server that does not answer in time is Connection timed out", async () => {
    const box = crypto.randomUUID();
    const res = await sendRequest({ method: "GET", url: `${v4}/${box}/__hang`, headers: {} }, "k", true, { timeoutMs: 50 });
    expect(res).toEqual({ ok: false, error: "Connection timed out", permanent: false, status: null });
  });

  // workerd also logs "Network connection lost" for the refused connection; the test still passes.
  it("a closed port is Connection failed, which a retry may fix", async () => {
    const res = await sendRequest({ method: "GET", url: `http://127.0.0.1:${inject("closedPort")}/`, headers: {} }, "k", true);
    expect(res).toEqual({ ok: false, error: "Connection failed", permanent: false, status: null });
  });
});
