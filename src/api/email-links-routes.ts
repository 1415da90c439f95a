// The pages email links open, mounted at /integrations: confirming an email channel's address and
// unsubscribing from its alerts. The signed token is the only credential (see alerts/email-links.ts).
import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { storedAddress, tokenMatches, unsubscribeToken, verifyToken } from "../alerts/email-links";
import { escapeHtml } from "../alerts/transports/text";
import { config } from "../config";
import type { AppEnv } from "../http/app-env";
import { neverCacheHeaders, UUID_RE } from "../http/common";

type C = Context<AppEnv>;

function page(c: C, status: ContentfulStatusCode, title: string, paragraphs: string[], form?: { action: string; button: string }): Response {
  const html = [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(title)} – edgechecks</title></head>`,
    '<body style="font-family: Arial, Helvetica, sans-serif; max-width: 40em; margin: 3em auto; padding: 0 1em; color: #222;">',
    `<h1>${escapeHtml(title)}</h1>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...(form === undefined
      ? []
      : [`<form method="post" action="${escapeHtml(form.action)}"><button type="submit">${escapeHtml(form.button)}</button></form>`]),
    "</body></html>",
    "",
  ].join("\n");
  // The token is in the URL: keep it out of caches and Referer headers.
  return c.html(html, status, { ...neverCacheHeaders(), "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex" });
}

const invalid = (c: C) =>
  page(c, 400, "Invalid or expired link", [
    "This link is not valid, or no longer is: the channel may have been removed, or its address changed since the link was sent.",
  ]);

/** The email channel the link names, with its current address; null if there is none. */
async function emailChannel(env: Env, id: string): Promise<{ id: string; address: string } | null> {
  if (!UUID_RE.test(id)) return null;
  const row = await env.DB.prepare("SELECT id, value FROM channels WHERE id = ? AND kind = 'email'")
    .bind(id)
    .first<{ id: string; value: string }>();
  return row === null ? null : { id: row.id, address: storedAddress(row.value) };
}

export const emailLinkRoutes = new Hono<AppEnv>();

emailLinkRoutes.get("/:id/verify/:token/", async (c) => {
  const ch = await emailChannel(c.env, c.req.param("id"));
  const secret = config(c.env).secretKey;
  if (ch === null || ch.address === "" || !tokenMatches(c.req.param("token"), await verifyToken(secret, ch.id, ch.address))) return invalid(c);
  // Only if the address is still the one the token was checked against.
  const { meta } = await c.env.DB.prepare("UPDATE channels SET email_verified = 1 WHERE id = ? AND kind = 'email' AND json_extract(value, '$.value') = ?")
    .bind(ch.id, ch.address)
    .run();
  if (meta.changes === 0) return invalid(c);
  return page(c, 200, "Email address confirmed", [`${ch.address} will now receive alerts from edgechecks.`]);
});

async function unsubscribeTarget(c: C) {
  const ch = await emailChannel(c.env, c.req.param("id") ?? "");
  if (ch === null || !tokenMatches(c.req.param("token") ?? "", await unsubscribeToken(config(c.env).secretKey, ch.id))) return null;
  return ch;
}

// GET only asks: link scanners in mail systems open links, and must not unsubscribe anyone.
emailLinkRoutes.get("/:id/unsubscribe/:token/", async (c) => {
  const ch = await unsubscribeTarget(c);
  if (ch === null) return invalid(c);
  return page(c, 200, "Unsubscribe", [`Stop sending alerts from edgechecks to ${ch.address}?`], {
    action: new URL(c.req.url).pathname,
    button: "Unsubscribe",
  });
});

// The form's POST, and RFC 8058's one-click POST (body "List-Unsubscribe=One-Click", not needed here).
emailLinkRoutes.post("/:id/unsubscribe/:token/", async (c) => {
  const ch = await unsubscribeTarget(c);
  if (ch === null) return invalid(c);
  await c.env.DB.prepare("UPDATE channels SET disabled = 1 WHERE id = ?").bind(ch.id).run();
  return page(c, 200, "Unsubscribed", [`${ch.address} will receive no more alerts from edgechecks.`]);
});
