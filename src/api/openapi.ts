// GET /api/v3/openapi.json: the Management API v3, generated from the zod schemas that validate
// requests (check-spec.ts) and describe responses (response-schemas.ts).
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../http/app-env";
import { CHANNEL_KINDS, CHANNEL_VALUE_SCHEMAS } from "../alerts/channel-kinds";
import { checkSpecSchema } from "./check-spec";
import {
  badgeListSchema,
  channelDetailSchema,
  channelListSchema,
  checkListSchema,
  checkObjectSchema,
  errorSchema,
  flipListSchema,
  notificationListSchema,
  pingListSchema,
} from "./response-schemas";

type Schema = z.ZodType;

const json = (schema: Schema) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "openapi-3.0" });

const ok = (description: string, schema?: Schema) => ({
  description,
  ...(schema === undefined ? {} : { content: { "application/json": { schema: json(schema) } } }),
});

const errors = {
  "400": ok("Invalid request", errorSchema),
  "401": ok("Missing or wrong API key", errorSchema),
};
const checkErrors = { ...errors, "403": ok("The check belongs to another project"), "404": ok("No such check") };

const uuidParam = { name: "uuid", in: "path", required: true, schema: { type: "string", format: "uuid" } };
const keyParam = {
  name: "unique_key",
  in: "path",
  required: true,
  description: "The check's unique_key (read-only keys see it instead of the uuid)",
  schema: { type: "string", pattern: "^[A-Za-z0-9]{40}$" },
};
const read = [{ apiKey: [] }];
const channelIdParam = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };

/** The delivery log's pages (beyond Healthchecks). */
const notificationsOf = (what: string, param: object) => ({
  parameters: [
    param,
    { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 50 } },
    { name: "before", in: "query", description: "the `next` of the previous page", schema: { type: "string" } },
  ],
  get: {
    summary: `Deliveries of alerts ${what}, newest first (read-write key; beyond Healthchecks)`,
    responses: { "200": ok("One page", notificationListSchema), "404": ok("Not found in this project", errorSchema), ...errors },
  },
});

/** One alternative per channel kind, each with the value schema that validates it. */
const channelCreateBody = z.union(
  CHANNEL_KINDS.map((kind) =>
    z.object({ name: z.string().max(100).optional(), kind: z.literal(kind), value: CHANNEL_VALUE_SCHEMAS[kind] as z.ZodType }),
  ),
);
const channelUpdateBody = z.object({
  name: z.string().max(100).optional(),
  value: z.union(CHANNEL_KINDS.map((kind) => CHANNEL_VALUE_SCHEMAS[kind] as z.ZodType)).optional(),
});
const channelSummary = z.object({ id: z.uuid(), name: z.string(), kind: z.enum(CHANNEL_KINDS) });
const body = (schema: Schema) => ({ required: false, content: { "application/json": { schema: json(schema) } } });

function document(serverUrl: string) {
  return {
    openapi: "3.0.3",
    info: {
      title: "edgechecks Management API",
      version: "3",
      description: "Healthchecks-compatible Management API. The same endpoints answer under /api/v1 and /api/v2.",
    },
    servers: [{ url: `${serverUrl}/api/v3` }],
    components: {
      securitySchemes: {
        apiKey: { type: "apiKey", in: "header", name: "X-Api-Key" },
        metricsKey: { type: "apiKey", in: "header", name: "X-Metrics-Key" },
      },
    },
    security: read,
    paths: {
      "/checks/": {
        get: {
          summary: "List checks",
          parameters: [
            { name: "tag", in: "query", schema: { type: "array", items: { type: "string" } }, style: "form", explode: true },
            { name: "slug", in: "query", schema: { type: "string" } },
          ],
          responses: { "200": ok("The project's checks", checkListSchema), ...errors },
        },
        post: {
          summary: "Create a check (or update the one matching `unique`)",
          requestBody: body(checkSpecSchema),
          responses: {
            "200": ok("An existing check matched `unique` and was updated", checkObjectSchema),
            "201": ok("Created", checkObjectSchema),
            "403": ok("Check limit reached", errorSchema),
            ...errors,
          },
        },
      },
      "/checks/{uuid}": {
        parameters: [uuidParam],
        get: { summary: "Get a check", responses: { "200": ok("The check", checkObjectSchema), ...checkErrors } },
        post: {
          summary: "Update a check (only the fields given)",
          requestBody: body(checkSpecSchema.omit({ unique: true })),
          responses: { "200": ok("The updated check", checkObjectSchema), ...checkErrors },
        },
        delete: { summary: "Delete a check", responses: { "200": ok("The deleted check", checkObjectSchema), ...checkErrors } },
      },
      "/checks/{unique_key}": {
        parameters: [keyParam],
        get: { summary: "Get a check by unique_key", responses: { "200": ok("The check", checkObjectSchema), ...checkErrors } },
      },
      "/checks/{uuid}/pause": {
        parameters: [uuidParam],
        post: { summary: "Pause monitoring", responses: { "200": ok("The paused check", checkObjectSchema), ...checkErrors } },
      },
      "/checks/{uuid}/resume": {
        parameters: [uuidParam],
        post: {
          summary: "Resume a paused check",
          responses: { "200": ok("The resumed check", checkObjectSchema), "409": ok("check is not paused"), ...checkErrors },
        },
      },
      "/checks/{uuid}/pings/": {
        parameters: [uuidParam],
        get: { summary: "List pings (read-write key)", responses: { "200": ok("Newest first", pingListSchema), ...checkErrors } },
      },
      "/checks/{uuid}/pings/{n}/body": {
        parameters: [uuidParam, { name: "n", in: "path", required: true, schema: { type: "integer" } }],
        get: {
          summary: "A ping's body (read-write key)",
          responses: { "200": { description: "The body", content: { "text/plain": { schema: { type: "string" } } } }, ...checkErrors },
        },
      },
      "/checks/{uuid}/flips/": {
        parameters: [
          uuidParam,
          { name: "seconds", in: "query", schema: { type: "integer", minimum: 0, maximum: 31536000 } },
          { name: "start", in: "query", schema: { type: "integer", minimum: 0, maximum: 10000000000 } },
          { name: "end", in: "query", schema: { type: "integer", minimum: 0, maximum: 10000000000 } },
        ],
        get: { summary: "List status changes", responses: { "200": ok("Newest first", flipListSchema), ...checkErrors } },
      },
      "/checks/{unique_key}/flips/": {
        parameters: [keyParam],
        get: { summary: "List status changes by unique_key", responses: { "200": ok("Newest first", flipListSchema), ...checkErrors } },
      },
      "/channels/": {
        get: { summary: "List channels (read-write key)", responses: { "200": ok("The project's channels", channelListSchema), ...errors } },
        post: {
          summary: "Create a channel (beyond Healthchecks)",
          requestBody: { ...body(channelCreateBody), required: true },
          responses: { "201": ok("Created", channelSummary), ...errors },
        },
      },
      "/channels/{id}": {
        parameters: [channelIdParam],
        get: {
          summary: "A channel with its secrets masked, its last delivery and its checks (beyond Healthchecks)",
          responses: { "200": ok("The channel", channelDetailSchema), "404": ok("No such channel in this project"), ...errors },
        },
        post: {
          summary: "Rename a channel or replace its value (its kind stays)",
          requestBody: body(channelUpdateBody),
          responses: {
            "200": ok("The channel", channelSummary),
            "404": ok("No such channel in this project"),
            "429": ok("The verification mail this would re-send is over 5 per channel within an hour; nothing changed", errorSchema),
            ...errors,
          },
        },
        delete: {
          summary: "Delete a channel (it is detached from its checks and groups)",
          responses: { "200": ok("The deleted channel", channelSummary), "404": ok("No such channel in this project"), ...errors },
        },
      },
      "/channels/{id}/test": {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
        post: {
          summary: "Send a test notification through the channel and report the result",
          responses: {
            "200": ok("The outcome of the single attempt", z.object({ ok: z.boolean(), error: z.string() })),
            "404": ok("No such channel in this project"),
            "429": ok("More than 5 test notifications for this channel within an hour; see Retry-After", errorSchema),
            ...errors,
          },
        },
      },
      "/channels/{id}/notifications/": notificationsOf("through the channel", channelIdParam),
      "/checks/{uuid}/notifications/": notificationsOf("of the check", uuidParam),
      "/badges/": {
        get: { summary: "Badge URLs per tag", responses: { "200": ok("Badge URLs", badgeListSchema), ...errors } },
      },
      "/status/": {
        get: {
          summary: "Readiness; with full=1 also names what is degraded",
          security: [],
          parameters: [
            {
              name: "full",
              in: "query",
              description: "1: also check the alert pipeline (oldest unsettled alert under 5 minutes, sweeper ran within 3 minutes)",
              schema: { type: "string", enum: ["1"] },
            },
          ],
          responses: {
            "200": { description: "OK", content: { "text/plain": { schema: { type: "string" } } } },
            "503": {
              description: "With full=1: `degraded: ` and what is, separated by `; `",
              content: { "text/plain": { schema: { type: "string" } } },
            },
          },
        },
      },
      "/metrics/": {
        get: {
          summary: "Operator metrics (Healthchecks' internal endpoint, plus the alert pipeline's figures)",
          security: [{ metricsKey: [] }],
          responses: {
            "200": { description: "Figures; see docs/api.md" },
            "403": ok("METRICS_KEY unset, or a wrong or missing X-Metrics-Key", errorSchema),
          },
        },
      },
      "/schedule-preview": {
        get: {
          summary: "Next fire times of a cron or OnCalendar expression",
          security: [],
          parameters: [
            { name: "schedule", in: "query", required: true, schema: { type: "string", maxLength: 100 } },
            { name: "tz", in: "query", schema: { type: "string", default: "UTC" } },
            { name: "after", in: "query", schema: { type: "string", format: "date-time" } },
            { name: "n", in: "query", schema: { type: "integer", minimum: 1, maximum: 50, default: 10 } },
          ],
          responses: {
            "200": { description: "Fire times" },
            "400": ok("Invalid input", errorSchema),
            "429": ok("Rate limited", errorSchema),
          },
        },
      },
    },
  };
}

export const openapiRoutes = new Hono<AppEnv>();
openapiRoutes.get("/openapi.json", (c) => c.json(document(new URL(c.req.url).origin), 200, { "Access-Control-Allow-Origin": "*" }));
