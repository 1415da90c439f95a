// Badge signatures, URLs, aggregation and rendering as pure functions.
import { describe, expect, it } from "vitest";
import {
  aggregate,
  badgeJson,
  badgeSvg,
  CHAR_TABLE_SIZE,
  halfWidth,
  shieldsJson,
  textWidth,
} from "../../src/badges/render";
import { matchBadgeRoute, unquote } from "../../src/badges/routes";
import { badgeSignature, badgeUrls, encodeTagSegment, isTwoState, verifyBadgeSignature } from "../../src/badges/signature";

const SECRET = "test-secret-key";

/** The signature written out step by step, independently of the module under test. */
async function expectedSig(badgeKey: string, tag: string, secret: string): Promise<string> {
  const enc = new TextEncoder();
  const rawKey = new Uint8Array(await crypto.subtle.digest("SHA-1", enc.encode(`${badgeKey}${secret}`)));
  const hmacKey = await crypto.subtle.importKey("raw", rawKey, { name: "HMAC", hash: { name: "SHA-1" } }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", hmacKey, enc.encode(tag)));
  const b64 = btoa(Array.from(mac, (b) => String.fromCharCode(b)).join(""));
  return b64.split("+").join("-").split("/").join("_").split("=").join("").substring(0, 8);
}

describe("badge signature", () => {
  it("matches known values (Django base64_hmac semantics, computed outside this code base)", async () => {
    expect(await badgeSignature("badge-key-1", "prod", SECRET)).toBe("ekqd1uZl");
    expect(await badgeSignature("badge-key-1", "*", SECRET)).toBe("2_mx0LQL");
    expect(await badgeSignature("badge-key-1", "db@dc1", SECRET)).toBe("BPjqUndm");
  });

  it("matches an independent WebCrypto computation", async () => {
    for (const [key, tag] of [["k", "prod"], ["3f1c0b9e-aaaa-4bbb-8ccc-123456789abc", "üñí code"], ["x", "*"]] as const) {
      expect(await badgeSignature(key, tag, SECRET)).toBe(await expectedSig(key, tag, SECRET));
    }
  });

  it("depends on the badge key, the tag and the secret", async () => {
    const base = await badgeSignature("k1", "prod", SECRET);
    expect(await badgeSignature("k2", "prod", SECRET)).not.toBe(base);
    expect(await badgeSignature("k1", "prod2", SECRET)).not.toBe(base);
    expect(await badgeSignature("k1", "prod", "other-secret")).not.toBe(base);
  });

  it("verifies only the first 8 characters", async () => {
    const sig = await badgeSignature("k1", "prod", SECRET);
    expect(await verifyBadgeSignature("k1", "prod", sig, SECRET)).toBe(true);
    expect(await verifyBadgeSignature("k1", "prod", `${sig}-2`, SECRET)).toBe(true);
    expect(await verifyBadgeSignature("k1", "prod", `${sig}-3`, SECRET)).toBe(true);
    expect(await verifyBadgeSignature("k1", "prod", `${sig}anything`, SECRET)).toBe(true);
    expect(await verifyBadgeSignature("k1", "prod", sig.slice(0, 7), SECRET)).toBe(false);
    expect(await verifyBadgeSignature("k1", "other", sig, SECRET)).toBe(false);
    const flipped = (sig[0] === "A" ? "B" : "A") + sig.slice(1);
    expect(await verifyBadgeSignature("k1", "prod", flipped, SECRET)).toBe(false);
  });

  it("is 2-state only for a 10-character signature ending in -2", () => {
    expect(isTwoState("abcdefgh-2")).toBe(true);
    expect(isTwoState("abcdefgh")).toBe(false);
    expect(isTwoState("abcdefgh-3")).toBe(false);
    expect(isTwoState("abcdefghx-2")).toBe(false);
    expect(isTwoState("abcdefg-2")).toBe(false);
  });
});

describe("badge URLs", () => {
  it("encodes the tag segment twice", () => {
    expect(encodeTagSegment("db@dc1")).toBe("db%2540dc1");
    expect(encodeTagSegment("a/b c")).toBe("a%252Fb%2520c");
    expect(encodeTagSegment("ok_tag-1.2~")).toBe("ok_tag-1.2~");
    expect(encodeTagSegment("(x)!*'")).toBe("%2528x%2529%2521%252A%2527");
    expect(encodeTagSegment("ü")).toBe("%25C3%25BC");
  });

  it("builds 2-state (plain keys) and 3-state (…3 keys) URLs for a tag", async () => {
    const sig = await badgeSignature("bk", "db@dc1", SECRET);
    const urls = await badgeUrls("https://ec.example/", "bk", SECRET, "db@dc1");
    expect(urls).toEqual({
      svg: `https://ec.example/badge/bk/${sig}-2/db%2540dc1.svg`,
      svg3: `https://ec.example/badge/bk/${sig}/db%2540dc1.svg`,
      json: `https://ec.example/badge/bk/${sig}-2/db%2540dc1.json`,
      json3: `https://ec.example/badge/bk/${sig}/db%2540dc1.json`,
      shields: `https://ec.example/badge/bk/${sig}-2/db%2540dc1.shields`,
      shields3: `https://ec.example/badge/bk/${sig}/db%2540dc1.shields`,
    });
  });

  it("builds the all-checks URL for tag *", async () => {
    const sig = await badgeSignature("bk", "*", SECRET);
    const urls = await badgeUrls("https://ec.example", "bk", SECRET, "*");
    expect(urls.svg).toBe(`https://ec.example/badge/bk/${sig}-2.svg`);
    expect(urls.json3).toBe(`https://ec.example/badge/bk/${sig}.json`);
  });

  it("round-trips through the route matcher", async () => {
    for (const tag of ["db@dc1", "a/b c", "ü%x", "(x)!*'", "*", "plain"]) {
      const url = new URL((await badgeUrls("http://h", "bk", SECRET, tag)).shields3);
      const r = matchBadgeRoute(url.pathname);
      expect(r).toEqual({ kind: "project", badgeKey: "bk", sig: await badgeSignature("bk", tag, SECRET), tag, fmt: "shields" });
    }
  });
});

describe("route matching", () => {
  it("takes the last dot as the format separator", () => {
    expect(matchBadgeRoute("/badge/k/s/v1.2.svg")).toMatchObject({ tag: "v1.2", fmt: "svg" });
  });

  it("rejects a singly-encoded slash and characters outside the tag charset", () => {
    expect(matchBadgeRoute("/badge/k/s/a%2Fb.svg")).toBeNull();
    expect(matchBadgeRoute("/badge/k/s/a b.svg")).toBeNull();
    expect(matchBadgeRoute("/badge/k/s/a@b.svg")).toBeNull();
  });

  it("parses per-check badges with a uuid key and numeric states", () => {
    const key = "3f1c0b9e-aaaa-4bbb-8ccc-123456789abc";
    expect(matchBadgeRoute(`/b/3/${key}.json`)).toEqual({ kind: "check", states: 3, badgeKey: key, fmt: "json" });
    expect(matchBadgeRoute(`/b/x/${key}.json`)).toBeNull();
    expect(matchBadgeRoute(`/b/2/not-a-uuid.json`)).toBeNull();
  });

  it("unquotes leniently", () => {
    expect(unquote("a%40b%zz%")).toBe("a@b%zz%");
    expect(unquote("%C3%BC")).toBe("ü");
    expect(unquote("%FF")).toBe("\uFFFD");
  });
});

describe("aggregation", () => {
  it("is up for no checks", () => {
    expect(aggregate([], true)).toEqual({ status: "up", total: 0, grace: 0, down: 0 });
  });

  it("counts new, paused and started as up", () => {
    expect(aggregate(["new", "paused", "started", "up"], true)).toEqual({ status: "up", total: 4, grace: 0, down: 0 });
  });

  it("is late when a check is in grace, only with 3 states, and counts grace either way", () => {
    expect(aggregate(["up", "grace"], true)).toEqual({ status: "late", total: 2, grace: 1, down: 0 });
    expect(aggregate(["up", "grace"], false)).toEqual({ status: "up", total: 2, grace: 1, down: 0 });
  });

  it("is down when any check is down, whatever else", () => {
    expect(aggregate(["grace", "down", "up", "down"], true)).toEqual({ status: "down", total: 4, grace: 1, down: 2 });
    expect(aggregate(["grace", "down"], false)).toEqual({ status: "down", total: 2, grace: 1, down: 1 });
  });
});

describe("rendering", () => {
  it("has a width for every printable ASCII character", () => {
    expect(CHAR_TABLE_SIZE).toBe(95);
    expect(textWidth("")).toBe(0);
    expect(textWidth("\u2603")).toBe(7);
    expect(textWidth("mmm")).toBeGreaterThan(textWidth("iii"));
  });

  it("renders the json and shields documents", () => {
    expect(badgeJson({ status: "late", total: 3, grace: 1, down: 0 })).toEqual({ status: "late", total: 3, grace: 1, down: 0 });
    expect(shieldsJson("db", "up")).toEqual({ schemaVersion: 1, label: "db", message: "up", color: "success" });
    expect(shieldsJson("db", "late").color).toBe("important");
    expect(shieldsJson("db", "down").color).toBe("critical");
  });

  it("renders a flat 20px SVG with the state colour and padded widths", () => {
    const svg = badgeSvg("prod", "down");
    const lw = halfWidth("prod");
    const rw = halfWidth("down");
    expect(lw).toBe(Math.round(textWidth("prod")) + 20);
    expect(svg).toContain(`width="${lw + rw}" height="20"`);
    expect(svg).toContain(`fill="#555"`);
    expect(svg).toContain(`fill="#e05d44"`);
    expect(svg).toContain('font-size="11"');
    expect(svg).toContain("Verdana");
    expect(svg).toContain(">prod</text>");
    expect(badgeSvg("x", "up")).toContain(`fill="#4c1"`);
    expect(badgeSvg("x", "late")).toContain(`fill="#fe7d37"`);
  });

  it("escapes the label in the SVG", () => {
    const svg = badgeSvg(`<a&"b'>`, "up");
    expect(svg).not.toContain("<a&");
    expect(svg).toContain("&#60;a&#38;&#34;b&#39;&#62;</text>");
  });
});
