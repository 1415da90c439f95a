// Email pings, pure parts: recipient addresses, bounded stream reading and the MIME reader.
import { describe, expect, it } from "vitest";
import { parseRecipient, readCapped } from "../../src/ping/email";
import {
  decodeCharset,
  decodeEncodedWords,
  decodeQuotedPrintable,
  htmlToText,
  MAX_MULTIPART_DEPTH,
  parseEmail,
  parseHeaderValue,
  splitMultipart,
} from "../../src/ping/mime";

const enc = new TextEncoder();
const UUID = "0b6a7a3c-4f0e-4b8e-9a51-2f6c1e9d8a77";
const b64 = (s: string) => btoa(String.fromCharCode(...enc.encode(s)));
const msg = (lines: string[]) => enc.encode(lines.join("\r\n"));

describe("parseRecipient", () => {
  const D = "hc.example.com";
  it("accepts a lowercase v4 uuid at the domain, domain compared case-insensitively", () => {
    expect(parseRecipient(`${UUID}@${D}`, D)).toEqual({ kind: "uuid", uuid: UUID });
    expect(parseRecipient(`${UUID}@HC.Example.COM`, D)).toEqual({ kind: "uuid", uuid: UUID });
    expect(parseRecipient(`<${UUID}@${D}>`, "HC.EXAMPLE.COM")).toEqual({ kind: "uuid", uuid: UUID });
  });
  it("accepts ping_key+slug", () => {
    expect(parseRecipient(`abcdefghij0123456789xy+nightly-backup_2@${D}`, D)).toEqual({
      kind: "slug",
      pingKey: "abcdefghij0123456789xy",
      slug: "nightly-backup_2",
    });
  });
  it("rejects everything else", () => {
    expect(parseRecipient(`${UUID}@${D}`, "")).toBeNull(); // email pings off
    expect(parseRecipient(`${UUID}@other.example.com`, D)).toBeNull();
    expect(parseRecipient(`${UUID}@sub.${D}`, D)).toBeNull();
    expect(parseRecipient(`${UUID.toUpperCase()}@${D}`, D)).toBeNull();
    expect(parseRecipient(`${UUID.replaceAll("-", "")}@${D}`, D)).toBeNull();
    expect(parseRecipient(`0b6a7a3c-4f0e-1b8e-9a51-2f6c1e9d8a77@${D}`, D)).toBeNull(); // v1
    expect(parseRecipient(`key+Upper@${D}`, D)).toBeNull();
    expect(parseRecipient(`key+@${D}`, D)).toBeNull();
    expect(parseRecipient(`+slug@${D}`, D)).toBeNull();
    expect(parseRecipient(`key+a.b@${D}`, D)).toBeNull();
    expect(parseRecipient(`someone@${D}`, D)).toBeNull();
    expect(parseRecipient(D, D)).toBeNull();
    expect(parseRecipient("", D)).toBeNull();
  });
});

describe("readCapped", () => {
  it("keeps the first bytes and drains the rest", async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled === 5) return controller.close();
        pulled++;
        controller.enqueue(enc.encode("0123456789"));
      },
    });
    const kept = await readCapped(stream, 25);
    expect(new TextDecoder().decode(kept)).toBe("0123456789012345678901234");
    expect(pulled).toBe(5);
  });
});

describe("RFC 2047 subjects", () => {
  it("decodes B and Q words in UTF-8 and ISO-8859-1, joining adjacent words", () => {
    expect(decodeEncodedWords(`=?UTF-8?B?${b64("Sauvegarde réussie")}?=`)).toBe("Sauvegarde réussie");
    expect(decodeEncodedWords("=?iso-8859-1?q?Caf=E9_OK?=")).toBe("Café OK");
    expect(decodeEncodedWords("=?utf-8?Q?Job_=E2=9C=94?= =?utf-8?Q?_done?= now")).toBe("Job ✔ done now");
    expect(decodeEncodedWords("=?ISO-8859-1?B?5mJsZQ==?=")).toBe("æble");
    expect(decodeEncodedWords("plain subject")).toBe("plain subject");
  });
  it("reads a folded, encoded Subject header", () => {
    const parsed = parseEmail(msg(["From: a@b", "Subject: =?utf-8?q?Backup?=", " =?utf-8?b?IOKchSBTVUNDRVNT?=", "", "body"]));
    expect(parsed.subject).toBe("Backup ✅ SUCCESS");
    expect(parsed.plain).toBe("body");
  });
  it("reads raw UTF-8 and Latin-1 header bytes", () => {
    const utf8 = parseEmail(enc.encode("Subject: naïve\r\n\r\nx"));
    expect(utf8.subject).toBe("naïve");
    const latin1 = parseEmail(new Uint8Array([...enc.encode("Subject: na"), 0xef, ...enc.encode("ve\r\n\r\nx")]));
    expect(latin1.subject).toBe("naïve");
  });
});

/** A message whose text/plain part sits inside `levels` nested multiparts (the outermost is the message itself). */
function nested(levels: number, text: string): Uint8Array {
  const parts: string[] = [];
  for (let i = 0; i < levels; i++) parts.push(`Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`);
  let raw = `Subject: deep\r\n${parts.join("")}Content-Type: text/plain\r\n\r\n${text}\r\n`;
  for (let i = levels - 1; i >= 0; i--) raw += `--b${i}--\r\n`;
  return enc.encode(raw);
}

describe("MIME nesting cap", () => {
  it(`finds a text part inside ${MAX_MULTIPART_DEPTH} nested multiparts`, () => {
    expect(parseEmail(nested(MAX_MULTIPART_DEPTH, "found me"))).toEqual({ subject: "deep", plain: "found me", htmlText: "", html: "" });
  });

  it(`does not follow nesting deeper than ${MAX_MULTIPART_DEPTH}: the part counts as absent`, () => {
    expect(parseEmail(nested(MAX_MULTIPART_DEPTH + 1, "too deep"))).toEqual({ subject: "deep", plain: "", htmlText: "", html: "" });
  });

  it("reads a 1 MiB message nested 13,000 deep without exhausting the stack", () => {
    // ~75 bytes a level: far deeper than a recursion over every level could go.
    const raw = nested(13_000, "x");
    expect(raw.length).toBeLessThanOrEqual(1024 * 1024);
    expect(parseEmail(raw)).toEqual({ subject: "deep", plain: "", htmlText: "", html: "" });
  });
});

describe("MIME bodies", () => {
  it("parses header parameters", () => {
    const v = parseHeaderValue('Multipart/Alternative; boundary="a b;c"; Charset=UTF-8');
    expect(v.value).toBe("multipart/alternative");
    expect(v.params.get("boundary")).toBe("a b;c");
    expect(v.params.get("charset")).toBe("UTF-8");
  });

  it("splits multipart bodies, ignoring preamble and epilogue", () => {
    const body = "preamble\r\n--XX\r\nA\r\n--XX\r\nB\r\n--XX--\r\nepilogue";
    expect(splitMultipart(body, "XX")).toEqual(["A", "B"]);
    expect(splitMultipart("--XX\nonly\n", "XX")).toEqual(["only\n"]);
  });

  it("decodes quoted-printable and charsets", () => {
    expect(new TextDecoder().decode(decodeQuotedPrintable("caf=C3=A9 =\r\nsoft"))).toBe("café soft");
    expect(decodeCharset(new Uint8Array([0x63, 0x61, 0x66, 0xe9]), "ISO-8859-1")).toBe("café");
    expect(decodeCharset(enc.encode("café"), "utf-8")).toBe("café");
    expect(decodeCharset(enc.encode("café"), "x-unknown")).toBe("café");
  });

  it("a non-MIME message is its body as text/plain", () => {
    const parsed = parseEmail(msg(["Subject: hi", "", "line 1", "line 2"]));
    expect(parsed).toEqual({ subject: "hi", plain: "line 1\r\nline 2", htmlText: "", html: "" });
  });

  it("finds the plain and HTML parts in nested multiparts with base64 and quoted-printable", () => {
    const raw = msg([
      "Subject: report",
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="outer"',
      "",
      "This is a multi-part message.",
      "--outer",
      "Content-Type: multipart/alternative; boundary=inner",
      "",
      "--inner",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: base64",
      "",
      b64("Résultat: SUCCESS"),
      "--inner",
      "Content-Type: text/html; charset=iso-8859-1",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "<html><head><style>p{color:red}</style></head><body><p>Statut&nbsp;: =",
      "<b>termin=E9</b></p><p>FAIL &amp; retry &#x2714;</p></body></html>",
      "--inner--",
      "--outer",
      "Content-Type: text/plain",
      "Content-Disposition: attachment; filename=log.txt",
      "",
      "attached log: FAILURE",
      "--outer--",
    ]);
    const parsed = parseEmail(raw);
    expect(parsed.subject).toBe("report");
    expect(parsed.plain).toBe("Résultat: SUCCESS");
    expect(parsed.htmlText).toBe("Statut : terminé\nFAIL & retry ✔");
    // The part itself, decoded, for the dashboard's sandboxed HTML tab.
    expect(parsed.html).toBe("<html><head><style>p{color:red}</style></head><body><p>Statut&nbsp;: <b>terminé</b></p><p>FAIL &amp; retry &#x2714;</p></body></html>");
  });

  it("skips attachments and non-text parts", () => {
    const raw = msg([
      "Content-Type: multipart/mixed; boundary=b",
      "",
      "--b",
      "Content-Type: application/octet-stream",
      "Content-Transfer-Encoding: base64",
      "",
      b64("binary"),
      "--b",
      "Content-Type: text/plain; charset=us-ascii",
      "Content-Disposition: attachment",
      "",
      "not this",
      "--b--",
    ]);
    expect(parseEmail(raw)).toEqual({ subject: "", plain: "", htmlText: "", html: "" });
  });

  it("survives malformed input", () => {
    expect(parseEmail(new Uint8Array(0))).toEqual({ subject: "", plain: "", htmlText: "", html: "" });
    expect(parseEmail(msg(["Content-Type: multipart/mixed", "", "no boundary"])).plain).toBe("");
    const truncated = parseEmail(msg(["Content-Type: multipart/mixed; boundary=z", "", "--z", "", "cut off here"]));
    expect(truncated.plain).toBe("cut off here");
    expect(parseEmail(msg(["Content-Transfer-Encoding: base64", "", "!!!"])).plain).toBe("");
  });

  it("turns HTML into text", () => {
    expect(htmlToText("<div>a<br>b</div><!-- c --><script>d</script>e &lt;f&gt; &unknown; &#65;")).toBe(
      "a\nb\ne <f> &unknown; A",
    );
  });
});
