// Webhook alerts, pure parts: placeholder templating, the request builder and the
// private-address rule (§7.4).
import { describe, expect, it } from "vitest";
import { isPrivateHost } from "../../src/alerts/private-address";
import { render } from "../../src/alerts/templating";
import { webhook } from "../../src/alerts/transports/webhook";
import type { AlertContext, ChannelValue } from "../../src/alerts/types";
import type { CheckSnapshot } from "../../src/checks/model";

const UUID = "5a6e4b2c-1d3f-4e8a-9b7c-0d1e2f3a4b5c";
const FLIP = Date.UTC(2024, 0, 2, 3, 4, 5, 678); // $NOW drops the milliseconds

/** A hand-built alert: `check` overrides members of the rendered check, `snap` of the snapshot. */
function ctx(check: Record<string, unknown> = {}, snap: Partial<CheckSnapshot> = {}): AlertContext {
  return {
    snapshot: {
      check: {
        name: "Backups",
        slug: "backups",
        tags: "prod db",
        desc: "",
        grace: 3600,
        status: "down",
        last_ping: null,
        uuid: UUID,
        ...check,
      },
      check_id: UUID,
      project_id: "p1",
      flip_id: "f1",
      flip_time: FLIP,
      seq: 1,
      old_status: "up",
      new_status: "down",
      reason: "timeout",
      down_duration: null,
      last_ping_body: "hello",
      last_ping_exitstatus: 3,
      last_ping_kind: "fail",
      ...snap,
    },
    channelId: "c1",
    channelName: "hook",
    idempotencyKey: "f1:c1",
    siteRoot: "https://ec.example.com",
    siteName: "edgechecks",
    otherDown: [],
    test: false,
  };
}

const url = (template: string, c = ctx()) => render(template, c, "url");
const body = (template: string, c = ctx()) => render(template, c, "body");
const header = (template: string, c = ctx()) => render(template, c, "headers");

describe("placeholders", () => {
  it("$CODE is the check's UUID everywhere", () => {
    expect(url("https://x.test/$CODE")).toBe(`https://x.test/${UUID}`);
    expect(body("$CODE")).toBe(UUID);
    expect(header("$CODE")).toBe(UUID);
  });

  it("$STATUS is the flip's new status", () => {
    expect(body("$STATUS")).toBe("down");
    expect(body("$STATUS", ctx({}, { old_status: "down", new_status: "up" }))).toBe("up");
  });

  it("$NOW is the flip time in whole seconds with +00:00", () => {
    expect(body("$NOW")).toBe("2024-01-02T03:04:05+00:00");
    expect(header("$NOW")).toBe("2024-01-02T03:04:05+00:00");
  });

  it("$NAME is the name as is", () => {
    expect(body("[$NAME]", ctx({ name: 'a "b" <c>' }))).toBe('[a "b" <c>]');
  });

  it("$NAME_JSON is the name as a JSON string, non-ASCII escaped like Python's json.dumps", () => {
    expect(body("$NAME_JSON", ctx({ name: 'say "hi"\\\nā😀\u007f' }))).toBe('"say \\"hi\\"\\\\\\n\\u0101\\ud83d\\ude00\\u007f"');
  });

  it("$SLUG is the slug", () => {
    expect(body("$SLUG")).toBe("backups");
  });

  it("$TAGS is the tags string, space-separated", () => {
    expect(body("<$TAGS>")).toBe("<prod db>");
  });

  it("$JSON is the check object as Python's json.dumps writes it", () => {
    const c = ctx({ name: "Bāckups", last_ping: null, started: false, n: [1, 2] });
    expect(body("$JSON", c)).toBe(
      `{"name": "B\\u0101ckups", "slug": "backups", "tags": "prod db", "desc": "", "grace": 3600, "status": "down", ` +
        `"last_ping": null, "uuid": "${UUID}", "started": false, "n": [1, 2]}`,
    );
  });

  it("$BODY is the last ping's body, raw", () => {
    expect(body("got: $BODY", ctx({}, { last_ping_body: "line 1\nā $NAME" }))).toBe("got: line 1\nā $NAME");
  });

  it("$BODY_JSON is the last ping's body as a JSON string", () => {
    expect(body("$BODY_JSON", ctx({}, { last_ping_body: 'a "q"\nā' }))).toBe('"a \\"q\\"\\n\\u0101"');
  });

  it("without a last ping body, $BODY is empty and $BODY_JSON is an empty JSON string", () => {
    const c = ctx({}, { last_ping_body: null });
    expect(body("[$BODY]", c)).toBe("[]");
    expect(body("$BODY_JSON", c)).toBe('""');
  });

  it("$BODY and $BODY_JSON stay as typed in URLs and headers", () => {
    expect(url("https://x.test/?b=$BODY&j=$BODY_JSON")).toBe("https://x.test/?b=$BODY&j=$BODY_JSON");
    expect(header("$BODY $BODY_JSON")).toBe("$BODY $BODY_JSON");
  });

  it("$EXITSTATUS is the last ping's exit status in URLs, headers and bodies", () => {
    expect(url("https://x.test/?rc=$EXITSTATUS")).toBe("https://x.test/?rc=3");
    expect(header("$EXITSTATUS")).toBe("3");
    expect(body("$EXITSTATUS")).toBe("3");
    expect(body("$EXITSTATUS", ctx({}, { last_ping_exitstatus: 0 }))).toBe("0");
  });

  it("$EXITSTATUS is -1 without an exit status", () => {
    expect(url("https://x.test/?rc=$EXITSTATUS", ctx({}, { last_ping_exitstatus: null }))).toBe("https://x.test/?rc=-1");
  });

  it("$TAG1, $TAG2 are the nth tags; a tag number past the last stays as typed", () => {
    expect(body("$TAG1|$TAG2|$TAG3", ctx({ tags: "  prod   db " }))).toBe("prod|db|$TAG3");
  });
});

describe("URL encoding", () => {
  it("values are percent-encoded like Python's quote: space, $, reserved and non-ASCII, but not /", () => {
    const c = ctx({ name: "a b/c$d?e&f=g#h+i:j!k'l(m)n*o~p_q.r-s ā" });
    expect(url("https://x.test/?n=$NAME", c)).toBe(
      "https://x.test/?n=a%20b/c%24d%3Fe%26f%3Dg%23h%2Bi%3Aj%21k%27l%28m%29n%2Ao~p_q.r-s%20%C4%81",
    );
  });

  it("$NOW, $NAME_JSON, $TAGS, $TAGn and $JSON are encoded too", () => {
    const c = ctx({ name: "n m", tags: "a&b c", grace: 60 });
    expect(url("https://x.test/$NOW", c)).toBe("https://x.test/2024-01-02T03%3A04%3A05%2B00%3A00");
    expect(url("https://x.test/$NAME_JSON", c)).toBe("https://x.test/%22n%20m%22");
    expect(url("https://x.test/$TAGS", c)).toBe("https://x.test/a%26b%20c");
    expect(url("https://x.test/$TAG1", c)).toBe("https://x.test/a%26b");
    expect(url("https://x.test/?j=$JSON", ctx({ name: "n/m", tags: "t" }))).toBe(
      "https://x.test/?j=%7B%22name%22%3A%20%22n/m%22%2C%20%22slug%22%3A%20%22backups%22%2C%20%22tags%22%3A%20%22t%22%2C%20" +
        "%22desc%22%3A%20%22%22%2C%20%22grace%22%3A%203600%2C%20%22status%22%3A%20%22down%22%2C%20" +
        `%22last_ping%22%3A%20null%2C%20%22uuid%22%3A%20%22${UUID}%22%7D`,
    );
  });

  it("$CODE, $STATUS and $SLUG are never encoded", () => {
    expect(url("https://x.test/$SLUG/$STATUS/$CODE", ctx({ slug: "a b$c" }))).toBe(`https://x.test/a b$c/down/${UUID}`);
  });

  it("the template's own text is not encoded", () => {
    expect(url("https://x.test/a b?q=ā")).toBe("https://x.test/a b?q=ā");
  });
});

describe("body encoding", () => {
  it("values go into bodies raw", () => {
    const c = ctx({ name: "a b&c ā😀", tags: "x&y" });
    expect(body('{"n": "$NAME", "t": "$TAGS", "t1": "$TAG1", "s": "$STATUS"}', c)).toBe(
      '{"n": "a b&c ā😀", "t": "x&y", "t1": "x&y", "s": "down"}',
    );
  });
});

describe("header encoding", () => {
  it("characters outside latin-1 become XML character references, latin-1 stays", () => {
    expect(header("$NAME", ctx({ name: "ā é 😀" }))).toBe("&#257; é &#128512;");
  });

  it("the template's own text is converted too", () => {
    expect(header("→ $STATUS")).toBe("&#8594; down");
  });

  it("values are not percent-encoded", () => {
    expect(header("$NAME $TAGS", ctx({ name: "a b$c" }))).toBe("a b$c prod db");
  });
});

describe("substitution quirks", () => {
  it("placeholders inside substituted values are not expanded", () => {
    expect(body("$NAME $TAGS", ctx({ name: "$TAGS $CODE", tags: "$NAME" }))).toBe("$TAGS $CODE $NAME");
  });

  it('"$$NAME" keeps the first "$" and substitutes $NAME, without expanding the result', () => {
    expect(body("$$NAME", ctx({ name: "x" }))).toBe("$x");
    expect(body("$$NAME", ctx({ name: "STATUS" }))).toBe("$STATUS");
  });

  it("a placeholder matches as a prefix: $NAMEX is the name followed by X", () => {
    expect(body("$NAMEX", ctx({ name: "n" }))).toBe("nX");
  });

  it("longer placeholders listed first win: $NAME_JSON, $TAGS, $BODY_JSON", () => {
    const c = ctx({ name: "n", tags: "t1 t2" }, { last_ping_body: "b" });
    expect(body("$NAME_JSON $TAGS $BODY_JSON", c)).toBe('"n" t1 t2 "b"');
  });

  it("$TAG10 is $TAG1 followed by 0", () => {
    const tags = Array.from({ length: 10 }, (_, i) => `t${i + 1}`).join(" ");
    expect(body("$TAG10", ctx({ tags }))).toBe("t10");
    expect(body("$TAG10", ctx({ tags: "only" }))).toBe("only0");
  });

  it("unknown placeholders and stray dollars stay as typed", () => {
    expect(body("$3.50 $FOO $name $ end$")).toBe("$3.50 $FOO $name $ end$");
  });
});

type Spec = ChannelValue<"webhook">;
const spec = (v: Partial<Spec>): Spec => ({
  method_down: "GET",
  url_down: "",
  body_down: "",
  headers_down: {},
  method_up: "GET",
  url_up: "",
  body_up: "",
  headers_up: {},
  ...v,
});
const up = (check: Record<string, unknown> = {}, snap: Partial<CheckSnapshot> = {}) =>
  ctx(check, { old_status: "down", new_status: "up", ...snap });

describe("webhook request", () => {
  it("a down flip uses the down spec", () => {
    const v = spec({ url_down: "https://x.test/down/$STATUS", url_up: "https://x.test/up/$STATUS" });
    expect(webhook(ctx(), v)).toEqual({
      method: "GET",
      url: "https://x.test/down/down",
      headers: { "User-Agent": "edgechecks" },
    });
  });

  it("an up flip uses the up spec", () => {
    const v = spec({
      url_down: "https://x.test/down",
      method_up: "POST",
      url_up: "https://x.test/up/$STATUS",
      body_up: "$NAME is $STATUS",
      headers_up: { "X-Status": "$STATUS" },
    });
    expect(webhook(up(), v)).toEqual({
      method: "POST",
      url: "https://x.test/up/up",
      headers: { "X-Status": "up", "User-Agent": "edgechecks" },
      body: "Backups is up",
    });
  });

  it("no URL for the flip's direction: nothing to send", () => {
    expect(webhook(up(), spec({ url_down: "https://x.test/down" }))).toBeNull();
    expect(webhook(ctx(), spec({ url_up: "https://x.test/up" }))).toBeNull();
  });

  it("statuses other than up and down send nothing", () => {
    const v = spec({ url_down: "https://x.test/d", url_up: "https://x.test/u" });
    expect(webhook(ctx({}, { new_status: "paused" }), v)).toBeNull();
    expect(webhook(ctx({}, { new_status: "new" }), v)).toBeNull();
  });

  it("GET sends no body even when one is configured", () => {
    expect(webhook(ctx(), spec({ url_down: "https://x.test/", body_down: "$NAME" }))).toEqual({
      method: "GET",
      url: "https://x.test/",
      headers: { "User-Agent": "edgechecks" },
    });
  });

  it("PUT sends the rendered body, with $BODY and no automatic Content-Type", () => {
    const v = spec({ method_down: "PUT", url_down: "https://x.test/$SLUG", body_down: "$NAME: $BODY" });
    expect(webhook(ctx(), v)).toEqual({
      method: "PUT",
      url: "https://x.test/backups",
      headers: { "User-Agent": "edgechecks" },
      body: "Backups: hello",
    });
  });

  it("POST with an empty body template sends no body", () => {
    expect(webhook(ctx(), spec({ method_down: "POST", url_down: "https://x.test/" }))).toEqual({
      method: "POST",
      url: "https://x.test/",
      headers: { "User-Agent": "edgechecks" },
    });
  });

  it("POST whose body renders empty sends no body", () => {
    const v = spec({ method_down: "POST", url_down: "https://x.test/", body_down: "$BODY" });
    expect(webhook(ctx({}, { last_ping_body: null }), v)).toEqual({
      method: "POST",
      url: "https://x.test/",
      headers: { "User-Agent": "edgechecks" },
    });
  });

  it("URL, headers and body each get their own encoding", () => {
    const v = spec({
      method_down: "POST",
      url_down: "https://x.test/?n=$NAME&b=$BODY",
      body_down: '{"name": $NAME_JSON, "body": $BODY_JSON}',
      headers_down: { "Content-Type": "application/json", "X-Name": "$NAME", "X-Body": "$BODY" },
    });
    expect(webhook(ctx({ name: "ā b" }), v)).toEqual({
      method: "POST",
      url: "https://x.test/?n=%C4%81%20b&b=$BODY",
      headers: { "Content-Type": "application/json", "X-Name": "&#257; b", "X-Body": "$BODY", "User-Agent": "edgechecks" },
      body: '{"name": "\\u0101 b", "body": "hello"}',
    });
  });

  it("a User-Agent of the user's, in any letter case, replaces the default", () => {
    const v = spec({ url_down: "https://x.test/", headers_down: { "user-agent": "my-agent/$STATUS" } });
    expect(webhook(ctx(), v)).toEqual({ method: "GET", url: "https://x.test/", headers: { "user-agent": "my-agent/down" } });
  });

  it("the default User-Agent is the site name", () => {
    const c = { ...ctx(), siteName: "my-edgechecks" };
    expect(webhook(c, spec({ url_down: "https://x.test/" }))?.headers).toEqual({ "User-Agent": "my-edgechecks" });
  });
});

describe("isPrivateHost", () => {
  it("private, loopback, link-local, CGNAT, benchmarking and multicast IPv4 literals", () => {
    for (const h of [
      "0.0.0.0",
      "10.1.2.3",
      "100.64.0.1",
      "100.127.255.255",
      "127.0.0.1",
      "127.255.0.9",
      "169.254.169.254",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "198.18.0.1",
      "198.19.255.255",
      "224.0.0.1",
      "240.0.0.1",
      "255.255.255.255",
    ]) {
      expect(isPrivateHost(h), h).toBe(true);
    }
  });

  it("public IPv4 literals, including the neighbours of private ranges", () => {
    for (const h of [
      "1.1.1.1",
      "8.8.8.8",
      "9.255.255.255",
      "11.0.0.0",
      "100.63.255.255",
      "100.128.0.0",
      "172.15.255.255",
      "172.32.0.0",
      "192.167.255.255",
      "192.169.0.0",
      "198.17.255.255",
      "198.20.0.0",
      "223.255.255.255",
    ]) {
      expect(isPrivateHost(h), h).toBe(false);
    }
  });

  it("other IPv4 spellings the URL parser accepts are judged by their address", () => {
    for (const h of ["127.1", "0x7f000001", "2130706433", "0177.0.0.1", "10.1"]) expect(isPrivateHost(h), h).toBe(true);
    expect(isPrivateHost("0x01010101")).toBe(false);
  });

  it("private IPv6 literals, bracketed as URL.hostname gives them or bare", () => {
    for (const h of ["[::]", "[::1]", "::1", "[fc00::1]", "[fd12:3456::1]", "[fe80::1]", "[febf::1]", "[ff02::1]", "[0:0:0:0:0:0:0:1]"]) {
      expect(isPrivateHost(h), h).toBe(true);
    }
  });

  it("IPv4-mapped IPv6 addresses are judged as their IPv4 address", () => {
    expect(isPrivateHost("[::ffff:127.0.0.1]")).toBe(true);
    expect(isPrivateHost("[::ffff:7f00:1]")).toBe(true);
    expect(isPrivateHost("[::ffff:192.168.0.1]")).toBe(true);
    expect(isPrivateHost("[::ffff:8.8.8.8]")).toBe(false);
  });

  it("public IPv6 literals", () => {
    for (const h of ["[2606:4700:4700::1111]", "[2001:db8::1]", "[fbff::1]"]) {
      expect(isPrivateHost(h), h).toBe(false);
    }
  });

  it("the hostname on a real URL (as http.ts passes it)", () => {
    expect(isPrivateHost(new URL("http://[::ffff:10.0.0.1]:8080/x").hostname)).toBe(true);
    expect(isPrivateHost(new URL("http://127.0.0.1:8787/").hostname)).toBe(true);
    expect(isPrivateHost(new URL("https://example.com/").hostname)).toBe(false);
  });

  it("localhost and its subdomains are private, in any case and with a trailing dot", () => {
    for (const h of ["localhost", "LOCALHOST", "localhost.", "api.localhost", "a.b.localhost"]) expect(isPrivateHost(h), h).toBe(true);
  });

  it("other names are judged by the literal only: no DNS resolution", () => {
    for (const h of ["example.com", "localhost.example.com", "mylocalhost", "127.0.0.1.nip.io", "intranet"]) {
      expect(isPrivateHost(h), h).toBe(false);
    }
  });
});
