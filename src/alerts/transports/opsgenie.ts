// Opsgenie Alert API v2: down → create an alert whose alias is the check's unique key; up → close
// the alert by that alias. GenieKey auth; EU accounts use api.eu.opsgenie.com.
import { uniqueKeyFor } from "../../checks/model";
import { type AsyncRequestBuilder, alertTitle, checkFields, isDown, jsonHeaders, messageParts, plainMessage } from "./text";

/** Opsgenie's limit on `message`. */
const MAX_MESSAGE = 130;

export const opsgenieBase = (region: "us" | "eu"): string =>
  region === "eu" ? "https://api.eu.opsgenie.com" : "https://api.opsgenie.com";

export const opsgenie: AsyncRequestBuilder<"opsgenie"> = async (ctx, value) => {
  const alias = await uniqueKeyFor(checkFields(ctx).uuid);
  const headers = jsonHeaders(ctx, { Authorization: `GenieKey ${value.key}` });
  const base = opsgenieBase(value.region);
  const parts = messageParts(ctx);
  if (!isDown(ctx)) {
    return {
      method: "POST",
      url: `${base}/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`,
      headers,
      body: JSON.stringify({ source: ctx.siteName, note: [`${alertTitle(ctx)}.`, ...parts.sentences].join(" ") }),
    };
  }
  return {
    method: "POST",
    url: `${base}/v2/alerts`,
    headers,
    body: JSON.stringify({
      message: `${alertTitle(ctx)}.`.slice(0, MAX_MESSAGE),
      alias,
      source: ctx.siteName,
      note: [`${alertTitle(ctx)}.`, ...parts.sentences].join(" "),
      description: plainMessage(parts, ctx.siteName),
      details: parts.url === null ? {} : { url: parts.url },
    }),
  };
};
