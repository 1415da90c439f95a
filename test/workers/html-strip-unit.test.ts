// htmlToText must stay linear on adversarial email bodies: the stripper counts the
// characters it examines, and that count is bounded by a constant times the input length.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { htmlToText, stripTags } from "../../src/ping/mime";

const SEED = 1313;
/**
 * Characters examined per input character, at most: one pass each for "<", ">", "-->" and the end
 * tag of each of the 4 hidden elements, plus tag names and the spaces in end tags.
 */
const C = 8;

const FRAGMENTS = ["<!--", "-->", "--", "<script", "<script>", "</script", "</script>", "<style", "</style", "<title", "<head", "<a", "<", "</", ">", "<!", "<br", "<p", "</p>", "&", "&#", "&#x", ";", "a", " ", "\n", "x-->"];

/** A short pattern of adversarial fragments repeated up to about `size` characters. */
const adversarial = (size: number) =>
  fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 12 }).map((parts) => {
    const unit = parts.join("");
    return unit.repeat(Math.max(1, Math.floor(size / unit.length)));
  });

function work(html: string): number {
  const meter = { examined: 0 };
  stripTags(html, meter);
  return meter.examined;
}

describe("stripTags work", () => {
  it("is at most C characters examined per input character on repeated adversarial patterns up to 1 MB", () => {
    fc.assert(
      fc.property(adversarial(1_000_000), (html) => {
        expect(work(html)).toBeLessThanOrEqual(C * html.length + C);
      }),
      { seed: SEED, numRuns: 25, verbose: true },
    );
  });

  it("is bounded on random mixes of fragments and text", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 20 })), { maxLength: 2000 }), (parts) => {
        const html = parts.join("");
        expect(work(html)).toBeLessThanOrEqual(C * html.length + C);
      }),
      { seed: SEED, numRuns: 300, verbose: true },
    );
  });

  it("the classic worst cases stay linear", () => {
    const n = 1_000_000;
    for (const unit of ["<!--", "<script", "<a", "<script><style><title><head>", "</script", "<!-- -- -"]) {
      const html = unit.repeat(n / unit.length);
      expect(work(html), unit).toBeLessThanOrEqual(C * html.length);
    }
  });
});

describe("htmlToText output", () => {
  it("drops comments, scripts, styles, heads and titles with their content", () => {
    expect(htmlToText("a<!-- hidden -->b<SCRIPT type=x>s()</script >c<style>p{}</STYLE>d<title>t</title>e<head><x>h</x></head>f")).toBe("abcdef");
  });

  it("keeps the text after an unclosed comment or script, as far as the tag's own >", () => {
    expect(htmlToText("ok <!-- never closed > still here")).toBe("ok still here");
    expect(htmlToText("ok <script> still here")).toBe("ok still here");
  });

  it("treats a < that starts no tag as text, also with no > anywhere after it", () => {
    expect(htmlToText("1 < 2 and a<b")).toBe("1 < 2 and a<b");
    expect(htmlToText("x <a<a<a y")).toBe("x <a<a<a y");
  });

  it("removes a run of nested-looking tags up to the first >", () => {
    expect(htmlToText("x<a<a<a>y")).toBe("xy");
  });

  it("turns block boundaries and <br> into lines", () => {
    expect(htmlToText("<p>one</p><div>two<br/>three</div><ul><li>four</li></ul>")).toBe("one\ntwo\nthree\nfour");
  });
});
