// PagerDuty Events API v1 (create_event.json): trigger on down, resolve on up, both keyed by the
// check's unique key (Healthchecks' incident_key), so a recovery resolves the incident it opened.
import { uniqueKeyFor } from "../../checks/model";
import { type AsyncRequestBuilder, alertTitle, checkFields, isDown, jsonHeaders, messageParts } from "./text";

export const PD_EVENTS_URL = "https://events.pagerduty.com/generic/2010-04-15/create_event.json";

/** PagerDuty's limit on `description`. */
const MAX_DESCRIPTION = 1024;

export const pd: AsyncRequestBuilder<"pd"> = async (ctx, value) => {
  const serviceKey = typeof value === "string" ? value : value.service_key;
  const parts = messageParts(ctx);
  const description = [`${alertTitle(ctx)}.`, ...parts.sentences].join(" ").slice(0, MAX_DESCRIPTION);
  return {
    method: "POST",
    url: PD_EVENTS_URL,
    headers: jsonHeaders(ctx),
    body: JSON.stringify({
      service_key: serviceKey,
      incident_key: await uniqueKeyFor(checkFields(ctx).uuid),
      event_type: isDown(ctx) ? "trigger" : "resolve",
      description,
      client: ctx.siteName,
      ...(parts.url === null ? {} : { client_url: parts.url }),
      details: Object.fromEntries(parts.facts),
    }),
  };
};
