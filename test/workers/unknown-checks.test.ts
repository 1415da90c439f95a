// Pings and email to check ids that do not exist: a flood costs one lookup per id per
// few seconds, a check created through the API is pingable at once, and mail to an unknown
// address is rejected before its body is read.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { handleEmail } from "../../src/ping/email";
import { isKnownUnknown, rememberUnknown, UNKNOWN_MAX, UNKNOWN_TTL_MS, unknownCount } from "../../src/ping/unknown-checks";
import { api, fetchWithVars, makeCheck, makeProject, pings } from "./helpers";

/** The real D1 and DO namespace, counting the statements prepared and the objects reached. */
function countingEnv() {
  const counts = { statements: 0, objects: 0 };
  const DB = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "prepare") {
        return (sql: string) => {
          counts.statements++;
          return target.prepare(sql);
        };
      }
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  const CHECKS = new Proxy(env.CHECKS, {
    get(target, prop) {
      if (prop === "get") {
        return (id: DurableObjectId) => {
          counts.objects++;
          return target.get(id);
        };
      }
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { counts, vars: { DB, CHECKS } as Partial<Env> };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("pings to a uuid that is no check", () => {
  it("a flood of pings to one unknown uuid reaches its object and D1 once", async () => {
    const { counts, vars } = countingEnv();
    const uuid = crypto.randomUUID();
    for (let i = 0; i < 50; i++) {
      const res = await fetchWithVars(vars, `/ping/${uuid}`);
      expect(res.status).toBe(404);
      expect(await res.text()).toBe("not found");
    }
    expect(counts).toEqual({ statements: 1, objects: 1 });
  });

  it("each distinct unknown uuid costs one lookup", async () => {
    const { counts, vars } = countingEnv();
    const ids = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    for (let i = 0; i < 5; i++) for (const id of ids) await (await fetchWithVars(vars, `/ping/${id}/fail`)).arrayBuffer();
    expect(counts).toEqual({ statements: 3, objects: 3 });
  });

  it("a check created through the API with an id that was just pinged is pingable at once", async () => {
    const p = await makeProject();
    const uuid = crypto.randomUUID();
    expect((await fetchWithVars({}, `/ping/${uuid}`)).status).toBe(404);
    expect(isKnownUnknown(uuid)).toBe(true);
    // Ids are random: make the next one the uuid pinged above, as if the flood had guessed it.
    vi.spyOn(crypto, "randomUUID").mockReturnValueOnce(uuid);
    const created = await api(p, "/checks/", { body: { name: "new" } });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { ping_url: string }).ping_url.endsWith(uuid)).toBe(true);
    const res = await fetchWithVars({}, `/ping/${uuid}`);
    expect(res.status).toBe(200);
    expect(await pings(uuid)).toHaveLength(1);
  });

  it("a known check is never remembered as unknown", async () => {
    const { id } = await makeCheck();
    for (let i = 0; i < 3; i++) expect((await fetchWithVars({}, `/ping/${id}`)).status).toBe(200);
    expect(isKnownUnknown(id)).toBe(false);
    expect(await pings(id)).toHaveLength(3);
  });
});

describe("the memory of unknown ids", () => {
  it("forgets an id after the TTL", () => {
    const id = crypto.randomUUID();
    rememberUnknown(id, 1_000);
    expect(isKnownUnknown(id, 1_000 + UNKNOWN_TTL_MS - 1)).toBe(true);
    expect(isKnownUnknown(id, 1_000 + UNKNOWN_TTL_MS)).toBe(false);
  });

  it("keeps at most UNKNOWN_MAX ids, dropping the oldest", () => {
    const now = Date.now();
    const first = crypto.randomUUID();
    rememberUnknown(first, now);
    for (let i = 0; i < UNKNOWN_MAX; i++) rememberUnknown(`flood-${i}`, now);
    expect(unknownCount()).toBe(UNKNOWN_MAX);
    expect(isKnownUnknown(first, now)).toBe(false);
    expect(isKnownUnknown(`flood-${UNKNOWN_MAX - 1}`, now)).toBe(true);
  });
});

describe("email to an address that is no check", () => {
  const DOMAIN = "mail.example.com";

  /** A message body that counts how often it is read (highWaterMark 0: nothing is pulled unasked). */
  function countedRaw() {
    const reads = { n: 0 };
    const raw = new ReadableStream<Uint8Array>(
      {
        pull(c) {
          reads.n++;
          c.enqueue(new TextEncoder().encode(`Subject: x\r\nContent-Type: text/html\r\n\r\n${"<!--<a".repeat(1000)}`));
          c.close();
        },
      },
      { highWaterMark: 0 },
    );
    return { raw, reads };
  }

  async function send(to: string, raw: ReadableStream<Uint8Array>): Promise<string | null> {
    let rejected: string | null = null;
    await handleEmail({ from: "cron@example.org", to, raw, setReject: (r: string) => void (rejected = r) }, {
      ...env,
      PING_EMAIL_DOMAIN: DOMAIN,
    } as Env);
    return rejected;
  }

  it("an unknown uuid is rejected without reading the message", async () => {
    const { raw, reads } = countedRaw();
    expect(await send(`${crypto.randomUUID()}@${DOMAIN}`, raw)).toBe("unknown recipient");
    expect(reads.n).toBe(0);
  });

  it("an unknown key+slug is rejected without reading the message", async () => {
    const { raw, reads } = countedRaw();
    expect(await send(`nosuchkey+job@${DOMAIN}`, raw)).toBe("unknown recipient");
    expect(reads.n).toBe(0);
  });

  it("a known uuid reads the message and records it", async () => {
    const { id } = await makeCheck();
    const { raw, reads } = countedRaw();
    expect(await send(`${id}@${DOMAIN}`, raw)).toBeNull();
    expect(reads.n).toBeGreaterThan(0);
    expect(await pings(id)).toHaveLength(1);
  });
});
