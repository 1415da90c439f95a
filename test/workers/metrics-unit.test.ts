// The Prometheus renderer alone: families, label layout, escaping, ordering, tag aggregation.
import { describe, expect, it } from "vitest";
import { tagList } from "../../src/checks/model";
import { escapeLabel, type MetricsCheck, renderMetrics } from "../../src/metrics/prometheus";

const K = (n: number) => String(n).repeat(40);

function check(fields: Partial<MetricsCheck> & Pick<MetricsCheck, "id">): MetricsCheck {
  return { created: 1000, name: "", tags: "", unique_key: K(0), status: "up", started: false, ...fields };
}

describe("escapeLabel", () => {
  it("escapes backslash, double quote and newline, in that order", () => {
    expect(escapeLabel('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeLabel("\\n")).toBe("\\\\n");
    expect(escapeLabel("tab\tand ü stay")).toBe("tab\tand ü stay");
  });
});

describe("tagList", () => {
  it("splits on spaces and drops empty tags", () => {
    expect(tagList("  a  b c ")).toEqual(["a", "b", "c"]);
    expect(tagList("")).toEqual([]);
  });
});

describe("renderMetrics", () => {
  it("renders every family for a mixed project, line by line", () => {
    const out = renderMetrics([
      // Given out of order: the renderer lists by created, then id.
      check({ id: "c", created: 3000, name: "down one", tags: "db", unique_key: K(3), status: "down" }),
      check({ id: "b", created: 2000, name: 'say "hi"\\now', tags: "db prod", unique_key: K(2), status: "grace" }),
      check({ id: "a2", created: 1000, name: "two\nlines", tags: 'we"ird\\ prod', unique_key: K(1), status: "new", started: true }),
      check({ id: "a1", created: 1000, name: "paused", tags: "", unique_key: K(9), status: "paused" }),
    ]);
    const labels = {
      a1: `name="paused", tags="", unique_key="${K(9)}"`,
      a2: `name="two\\nlines", tags="we\\"ird\\\\ prod", unique_key="${K(1)}"`,
      b: `name="say \\"hi\\"\\\\now", tags="db prod", unique_key="${K(2)}"`,
      c: `name="down one", tags="db", unique_key="${K(3)}"`,
    };
    const expected = [
      "# HELP hc_check_up Whether the check is currently up (1 for yes, 0 for no).",
      "# TYPE hc_check_up gauge",
      `hc_check_up{${labels.a1}} 1`,
      `hc_check_up{${labels.a2}} 1`,
      `hc_check_up{${labels.b}} 1`,
      `hc_check_up{${labels.c}} 0`,
      "",
      "# HELP hc_check_started Whether the check is currently started (1 for yes, 0 for no).",
      "# TYPE hc_check_started gauge",
      `hc_check_started{${labels.a1}} 0`,
      `hc_check_started{${labels.a2}} 1`,
      `hc_check_started{${labels.b}} 0`,
      `hc_check_started{${labels.c}} 0`,
      "",
      "# HELP hc_check_grace Whether the check is currently in the grace period (1 for yes, 0 for no).",
      "# TYPE hc_check_grace gauge",
      `hc_check_grace{${labels.a1}} 0`,
      `hc_check_grace{${labels.a2}} 0`,
      `hc_check_grace{${labels.b}} 1`,
      `hc_check_grace{${labels.c}} 0`,
      "",
      "# HELP hc_check_paused Whether the check is currently paused (1 for yes, 0 for no).",
      "# TYPE hc_check_paused gauge",
      `hc_check_paused{${labels.a1}} 1`,
      `hc_check_paused{${labels.a2}} 0`,
      `hc_check_paused{${labels.b}} 0`,
      `hc_check_paused{${labels.c}} 0`,
      "",
      "# HELP hc_tag_up Whether all checks with this tag are up (1 for yes, 0 for no).",
      "# TYPE hc_tag_up gauge",
      'hc_tag_up{tag="db"} 0',
      'hc_tag_up{tag="prod"} 1',
      'hc_tag_up{tag="we\\"ird\\\\"} 1',
      "",
      "# HELP hc_checks_total The total number of checks.",
      "# TYPE hc_checks_total gauge",
      "hc_checks_total 4",
      "",
      "# HELP hc_checks_down_total The number of checks currently down.",
      "# TYPE hc_checks_down_total gauge",
      "hc_checks_down_total 1",
      "",
    ];
    expect(out.split("\n")).toEqual(expected);
    expect(out.endsWith("hc_checks_down_total 1\n")).toBe(true);
  });

  it("renders an empty project with headers and zero totals", () => {
    const out = renderMetrics([]);
    expect(out).toContain("# TYPE hc_tag_up gauge\n\n# HELP hc_checks_total");
    expect(out).toContain("\nhc_checks_total 0\n");
    expect(out.endsWith("hc_checks_down_total 0\n")).toBe(true);
    expect(out.split("\n").filter((l) => l !== "" && !l.startsWith("#"))).toEqual(["hc_checks_total 0", "hc_checks_down_total 0"]);
  });

  it("lists a tag once even when repeated, sorted by code point", () => {
    const out = renderMetrics([
      check({ id: "a", tags: "b b \u{1F600} \uFF21 a" }),
      check({ id: "b", tags: "a", status: "down" }),
    ]);
    const tagLines = out.split("\n").filter((l) => l.startsWith("hc_tag_up"));
    expect(tagLines).toEqual(['hc_tag_up{tag="a"} 0', 'hc_tag_up{tag="b"} 1', 'hc_tag_up{tag="\uFF21"} 1', 'hc_tag_up{tag="\u{1F600}"} 1']);
  });

  it("counts a started check as up unless its run has overrun (then its status is down)", () => {
    const out = renderMetrics([check({ id: "a", started: true, status: "down" }), check({ id: "b", started: true, status: "up" })]);
    expect(out).toMatch(/hc_check_started\{[^}]*\} 1\nhc_check_started\{[^}]*\} 1\n/);
    expect(out).toMatch(/hc_check_up\{[^}]*\} 0\nhc_check_up\{[^}]*\} 1\n/);
    expect(out).toContain("hc_checks_down_total 1\n");
  });
});
