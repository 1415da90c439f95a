// The checks list's pure parts (ui/src/checks, ui/src/format.ts): its filters and how they survive
// the query string, the order of the rows, the tag buttons' words, and the time and duration formats.
import { defaultParseSearch, defaultStringifySearch } from "@tanstack/react-router";
import { describe, expect, it } from "vitest";
import { CHECKS_SORTS, type ChecksSort } from "../../src/app/schemas";
import { checksSearch, matches, tagsOf, type ChecksSearch } from "../../ui/src/checks/filters";
import { naturalCompare, repeatedSlugs, sortChecks, SORTS, statusChanges, tagSummaries } from "../../ui/src/checks/list";
import { slugify } from "../../src/checks/slug";
import { formatDuration, formatRunDuration, relativeTime } from "../../ui/src/format";

const roundTrip = (search: ChecksSearch) => checksSearch(defaultParseSearch(defaultStringifySearch(search)));
const fromQuery = (query: string) => checksSearch(defaultParseSearch(query));

describe("checksSearch", () => {
  it("keeps nothing from an empty query", () => {
    expect(checksSearch({})).toEqual({});
    expect(fromQuery("")).toEqual({});
  });

  it("survives the router's query string with tags, statuses and search text", () => {
    const search: ChecksSearch = { tag: ["prod", "db"], status: ["up", "down"], q: "Backup 2" };
    expect(roundTrip(search)).toEqual(search);
    expect(roundTrip({ tag: ["true"], q: "42" })).toEqual({ tag: ["true"], q: "42" });
    expect(roundTrip({ q: "a&b=c?#%" })).toEqual({ q: "a&b=c?#%" });
  });

  it("reads a hand-written single value as a list of one", () => {
    expect(fromQuery("tag=prod&status=down")).toEqual({ tag: ["prod"], status: ["down"] });
  });

  it("reads values the router parsed as JSON numbers or booleans as text", () => {
    expect(fromQuery("tag=2024&q=123")).toEqual({ tag: ["2024"], q: "123" });
    expect(fromQuery("tag=true&q=false")).toEqual({ tag: ["true"], q: "false" });
  });

  it("drops unknown statuses and puts the known ones in a fixed order", () => {
    expect(checksSearch({ status: ["down", "bogus", "new", "grace", "late"] })).toEqual({ status: ["new", "grace", "down"] });
    expect(checksSearch({ status: "late" })).toEqual({});
  });

  it("drops duplicates, empty values, tags with spaces and values of other shapes", () => {
    expect(checksSearch({ tag: ["a", "a", "", "  b ", "c d", null, { x: 1 }, ["e"], 7] })).toEqual({ tag: ["a", "b", "7"] });
    expect(checksSearch({ tag: { a: 1 }, status: 3, q: ["x"] })).toEqual({});
    expect(checksSearch({ q: "   " })).toEqual({});
  });

  it("trims the search text and caps its length", () => {
    expect(checksSearch({ q: "  db  " })).toEqual({ q: "db" });
    expect(checksSearch({ q: "x".repeat(500) }).q).toHaveLength(200);
  });

  it("caps the number of tags", () => {
    expect(checksSearch({ tag: Array.from({ length: 80 }, (_, i) => `t${i}`) }).tag).toHaveLength(50);
  });
});

const check = (o: Partial<{ uuid: string; name: string; slug: string; tags: string; status: string; started: boolean; last_ping: string | null; created: string }>) => ({
  uuid: "00000000-0000-4000-8000-000000000000",
  name: "",
  slug: "",
  tags: "",
  status: "up",
  started: false,
  last_ping: null,
  created: "2026-01-01T00:00:00.000Z",
  ...o,
});

describe("matches", () => {
  const c = check({ uuid: "6f1c2a80-aaaa-4bbb-8ccc-123456789abc", name: "Nightly Backup", slug: "nightly-backup", tags: "prod  db", status: "grace", started: true });

  it("needs every chosen tag", () => {
    expect(matches(c, { tag: ["prod"] })).toBe(true);
    expect(matches(c, { tag: ["prod", "db"] })).toBe(true);
    expect(matches(c, { tag: ["prod", "web"] })).toBe(false);
  });

  it("needs any of the chosen statuses, with started meaning a run in progress", () => {
    expect(matches(c, { status: ["down", "grace"] })).toBe(true);
    expect(matches(c, { status: ["up"] })).toBe(false);
    expect(matches(c, { status: ["started"] })).toBe(true);
    expect(matches({ ...c, started: false }, { status: ["started"] })).toBe(false);
  });

  it("finds the lower-cased text in the name, the slug or the UUID", () => {
    expect(matches(c, { q: "backup" })).toBe(true);
    expect(matches(c, { q: "nightly-b" })).toBe(true);
    expect(matches(c, { q: "123456789abc" })).toBe(true);
    expect(matches(c, { q: "weekly" })).toBe(false);
  });

  it("splits tags on any whitespace", () => {
    expect(tagsOf(" a  b\tc ")).toEqual(["a", "b", "c"]);
    expect(tagsOf("")).toEqual([]);
  });
});

describe("the order of the rows", () => {
  it("compares digits as numbers and letters without case", () => {
    const names = ["check 10", "Check 2", "check 1", "alpha", "Beta"];
    expect([...names].sort(naturalCompare)).toEqual(["alpha", "Beta", "check 1", "Check 2", "check 10"]);
    expect(naturalCompare("backup-9", "backup-10")).toBeLessThan(0);
  });

  const checks = [
    check({ uuid: "a", name: "web 10", status: "up", created: "2026-01-01T00:00:00Z", last_ping: "2026-01-05T00:00:00Z" }),
    check({ uuid: "b", name: "web 2", status: "down", created: "2026-01-02T00:00:00Z", last_ping: "2026-01-03T00:00:00Z" }),
    check({ uuid: "c", name: "db", status: "new", created: "2026-01-03T00:00:00Z" }),
    check({ uuid: "d", name: "web 1", status: "down", created: "2026-01-04T00:00:00Z", last_ping: "2026-01-06T00:00:00Z" }),
    check({ uuid: "e", name: "api", status: "grace", created: "2026-01-05T00:00:00Z", last_ping: "2026-01-02T00:00:00Z" }),
  ];
  const order = (sort: ChecksSort) => sortChecks(checks, sort).map((c) => c.uuid);

  it("puts down checks first whatever the sort", () => {
    for (const sort of SORTS) expect(order(sort).slice(0, 2).sort(), sort).toEqual(["b", "d"]);
  });

  it("offers every order the server keeps", () => {
    expect(SORTS).toEqual([...CHECKS_SORTS]);
  });

  it("sorts by creation", () => {
    expect(order("created")).toEqual(["b", "d", "a", "c", "e"]);
  });

  it("sorts by name naturally, either way", () => {
    expect(order("name")).toEqual(["d", "b", "e", "c", "a"]);
    expect(order("-name")).toEqual(["b", "d", "a", "c", "e"]);
  });

  it("sorts by last ping, a check never pinged counting from its creation", () => {
    expect(order("last_ping")).toEqual(["b", "d", "e", "c", "a"]);
    expect(order("-last_ping")).toEqual(["d", "b", "a", "c", "e"]);
  });

  it("breaks ties by creation, then UUID, and leaves its input alone", () => {
    const twins = [check({ uuid: "z", name: "same" }), check({ uuid: "y", name: "same" })];
    expect(sortChecks(twins, "name").map((c) => c.uuid)).toEqual(["y", "z"]);
    expect(twins.map((c) => c.uuid)).toEqual(["z", "y"]);
  });
});

describe("tag buttons", () => {
  it("say how many of a tag's checks are down, late or up, coloured by the worst", () => {
    const summaries = tagSummaries([
      check({ tags: "prod db", status: "down" }),
      check({ tags: "prod db", status: "down" }),
      check({ tags: "prod", status: "up" }),
      check({ tags: "prod web", status: "grace" }),
      check({ tags: "prod web", status: "up" }),
      check({ tags: "ops", status: "up" }),
      check({ tags: "ops", status: "paused" }),
      check({ tags: "new", status: "new" }),
      check({ tags: "web10 web9", status: "up" }),
    ]);
    expect(summaries).toEqual([
      { tag: "db", total: 2, worst: "down", text: "2 of 2 down" },
      { tag: "new", total: 1, worst: "none", text: "1 new or paused" },
      { tag: "ops", total: 2, worst: "up", text: "1 up, 1 new or paused" },
      { tag: "prod", total: 5, worst: "down", text: "2 of 5 down" },
      { tag: "web", total: 2, worst: "grace", text: "1 late" },
      { tag: "web9", total: 1, worst: "up", text: "1 up" },
      { tag: "web10", total: 1, worst: "up", text: "1 up" },
    ]);
  });

  it("count a tag written twice on one check once", () => {
    expect(tagSummaries([check({ tags: "a a", status: "up" })])).toEqual([{ tag: "a", total: 1, worst: "up", text: "1 up" }]);
  });
});

describe("the list's other derived data", () => {
  it("finds slugs used by more than one check (not the empty one)", () => {
    expect([...repeatedSlugs([{ slug: "a" }, { slug: "b" }, { slug: "a" }, { slug: "" }, { slug: "" }])]).toEqual(["a"]);
  });

  it("announces status changes by name, or counted when there are many", () => {
    const before = new Map([
      ["a", "up"],
      ["b", "up"],
      ["c", "grace"],
      ["d", "up"],
      ["e", "new"],
    ]);
    expect(statusChanges(before, [check({ uuid: "a", name: "Backups", status: "down" }), check({ uuid: "z", status: "up" })])).toBe("Backups is down.");
    expect(statusChanges(before, [check({ uuid: "a", status: "up" })])).toBeNull();
    expect(statusChanges(before, [check({ uuid: "c", name: "", status: "up" }), check({ uuid: "b", name: "Web", status: "paused" })])).toBe(
      "Unnamed check is up. Web is paused.",
    );
    const many = ["a", "b", "d", "e"].map((uuid) => check({ uuid, status: uuid === "e" ? "up" : "down" }));
    expect(statusChanges(before, many)).toBe("4 checks changed status: 3 down, 1 up.");
  });

  it("suggests a slug from a name", () => {
    expect(slugify("  Nightly Backup #2 ")).toBe("nightly-backup-2");
    expect(slugify("Café — déjà vu")).toBe("cafe-deja-vu");
    expect(slugify("--__x__--")).toBe("x");
    expect(slugify("!!!")).toBe("");
  });
});

describe("format.ts", () => {
  it("writes periods with their two largest units", () => {
    expect(formatDuration(86_400)).toBe("1 day");
    expect(formatDuration(90_000)).toBe("1 day 1 hour");
    expect(formatDuration(60)).toBe("1 minute");
    expect(formatDuration(3_661)).toBe("1 hour 1 minute");
    expect(formatDuration(694_861)).toBe("1 week 1 day");
    expect(formatDuration(1_209_600)).toBe("2 weeks");
    expect(formatDuration(0)).toBe("0 seconds");
    expect(formatDuration(-5)).toBe("0 seconds");
    expect(formatDuration(59.6)).toBe("1 minute");
  });

  it("writes run durations short", () => {
    expect(formatRunDuration(0.85)).toBe("850 ms");
    expect(formatRunDuration(4.25)).toBe("4.2 sec");
    expect(formatRunDuration(59.99)).toBe("59.9 sec");
    expect(formatRunDuration(60)).toBe("1 min 0 sec");
    expect(formatRunDuration(185)).toBe("3 min 5 sec");
    expect(formatRunDuration(7_260)).toBe("2 h 1 min");
    expect(formatRunDuration(97_200)).toBe("1 day 3 h");
    expect(formatRunDuration(2 * 86_400)).toBe("2 days 0 h");
  });

  it("writes times relative to now, in the largest unit", () => {
    const now = Date.parse("2026-12-02T12:00:00Z");
    const at = (seconds: number) => new Date(now + seconds * 1000).toISOString();
    expect(relativeTime(at(-5), now)).toBe("just now");
    expect(relativeTime(at(9), now)).toBe("just now");
    expect(relativeTime(at(-10), now)).toBe("10 seconds ago");
    expect(relativeTime(at(-59), now)).toBe("59 seconds ago");
    expect(relativeTime(at(-180), now)).toBe("3 minutes ago");
    expect(relativeTime(at(-3_600), now)).toBe("1 hour ago");
    expect(relativeTime(at(7_200), now)).toBe("in 2 hours");
    expect(relativeTime(at(-86_400 * 8), now)).toBe("1 week ago");
  });
});
