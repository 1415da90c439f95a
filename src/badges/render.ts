// Badge rendering: the aggregate state of a set of checks and its three formats.
// Pure functions: the routes feed them statuses computed from D1 summary rows.
import type { Status } from "../checks/model";

export type BadgeStatus = "up" | "late" | "down";

export interface BadgeSummary {
  status: BadgeStatus;
  total: number;
  grace: number;
  down: number;
}

/**
 * Folds check statuses into one badge state: down if any check is down, else late if any is in its
 * grace period and the badge has three states, else up (new, paused and started count as up).
 * `grace` and `down` are counted whatever the number of states.
 */
export function aggregate(statuses: Iterable<Status>, withLate: boolean): BadgeSummary {
  let total = 0;
  let grace = 0;
  let down = 0;
  for (const s of statuses) {
    total++;
    if (s === "down") down++;
    else if (s === "grace") grace++;
  }
  const status: BadgeStatus = down > 0 ? "down" : grace > 0 && withLate ? "late" : "up";
  return { status, total, grace, down };
}

/** The "json" format. */
export function badgeJson(s: BadgeSummary): BadgeSummary {
  return { status: s.status, total: s.total, grace: s.grace, down: s.down };
}

const SHIELDS_COLOR: Record<BadgeStatus, "success" | "important" | "critical"> = {
  up: "success",
  late: "important",
  down: "critical",
};

/** The "shields" format: a shields.io endpoint document. */
export function shieldsJson(label: string, status: BadgeStatus) {
  return { schemaVersion: 1 as const, label, message: status, color: SHIELDS_COLOR[status] };
}

// Advance widths of printable ASCII (codes 32–126) in Verdana, in font units of a 2048-unit em.
// prettier-ignore
const VERDANA_UNITS = [
  720, 807, 940, 1686, 1303, 2178, 1493, 550, 911, 911, 1303, 1686, 731, 911, 731, 911, // space to /
  1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, // 0-9
  911, 911, 1686, 1686, 1686, 1116, 2048, // : to @
  1401, 1415, 1434, 1577, 1292, 1176, 1587, 1540, 865, 874, 1423, 1161, 1730, // A-M
  1526, 1640, 1239, 1640, 1446, 1401, 1243, 1495, 1401, 2025, 1405, 1243, 1405, // N-Z
  911, 911, 911, 1686, 1303, 1303, // [ to `
  1233, 1276, 1067, 1276, 1220, 720, 1276, 1296, 562, 705, 1198, 562, 1992, // a-m
  1296, 1243, 1276, 1276, 874, 1067, 807, 1296, 1198, 1659, 1198, 1198, 1096, // n-z
  1300, 911, 1300, 1686, // { to ~
];
export const FONT_SIZE = 11;
/** Width of a character outside the table. */
export const DEFAULT_CHAR_WIDTH = 7;
/** Horizontal padding on each side of a badge half. */
export const PADDING = 10;
export const CHAR_TABLE_SIZE = VERDANA_UNITS.length;

/** Approximate rendered width in px of `text` in Verdana 11px. */
export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const units = VERDANA_UNITS[ch.codePointAt(0)! - 32];
    w += units === undefined ? DEFAULT_CHAR_WIDTH : (units * FONT_SIZE) / 2048;
  }
  return w;
}

export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const SVG_COLOR: Record<BadgeStatus, string> = { up: "#4c1", late: "#fe7d37", down: "#e05d44" };

/** Width in px of one half of the badge: the text plus padding on both sides. */
export const halfWidth = (text: string): number => Math.round(textWidth(text)) + 2 * PADDING;

/** The "svg" format: a flat two-part badge, 20px high, label on grey, status on its colour. */
export function badgeSvg(label: string, status: BadgeStatus): string {
  const lw = halfWidth(label);
  const rw = halfWidth(status);
  const w = lw + rw;
  const l = xmlEscape(label);
  const lx = lw / 2;
  const rx = lw + rw / 2;
  const text = (x: number, s: string) =>
    `<text x="${x}" y="15" fill="#010101" fill-opacity=".3">${s}</text><text x="${x}" y="14">${s}</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${l}: ${status}">`,
    `<title>${l}: ${status}</title>`,
    `<linearGradient id="shine" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`,
    `<clipPath id="round"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>`,
    `<g clip-path="url(#round)">`,
    `<rect width="${lw}" height="20" fill="#555"/>`,
    `<rect x="${lw}" width="${rw}" height="20" fill="${SVG_COLOR[status]}"/>`,
    `<rect width="${w}" height="20" fill="url(#shine)"/>`,
    `</g>`,
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="${FONT_SIZE}">`,
    text(lx, l),
    text(rx, status),
    `</g>`,
    `</svg>`,
    "",
  ].join("\n");
}
