// The OpenAPI document is generated from the request schemas, and real responses match the
// response schemas it is generated from.
import { describe, expect, it } from "vitest";
import { CHANNEL_KINDS } from "../../src/alerts/channel-kinds";
import { checkSpecSchema } from "../../src/api/check-spec";
import {
  badgeListSchema,
  channelDetailSchema,
  channelListSchema,
  checkListSchema,
  checkObjectSchema,
  flipListSchema,
  notificationListSchema,
  pingListSchema,
} from "../../src/api/response-schemas";
import { call, makeProject } from "./helpers";

type Doc = { openapi: string; paths: Record<string, Record<string, any>> };

describe("GET /api/v3/openapi.json", () => {
  it("describes every v3 endpoint", async () => {
    const res = await call("/api/v3/openapi.json");
    expect(res.status).toBe(200);
    const doc = await res.json<Doc>();
    expect(doc.openapi).toBe("3.0.3");
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        "/badges/",
        "/channels/",
        "/channels/{id}",
        "/channels/{id}/test",
        "/channels/{id}/notifications/",
        "/checks/{uuid}/notifications/",
        "/checks/",
        "/checks/{unique_key}",
        "/checks/{unique_key}/flips/",
        "/checks/{uuid}",
        "/checks/{uuid}/flips/",
        "/checks/{uuid}/pause",
        "/checks/{uuid}/pings/",
        "/checks/{uuid}/pings/{n}/body",
        "/checks/{uuid}/resume",
        "/metrics/",
        "/schedule-preview",
        "/status/",
      ].sort(),
    );
  });

  it("takes the create body from the schema that validates it", async () => {
    const doc = await (await call("/api/v3/openapi.json")).json<Doc>();
    const schema = doc.paths["/checks/"]!.post.requestBody.content["application/json"].schema;
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(checkSpecSchema.shape).sort());
    expect(schema.properties.timeout).toMatchObject({ minimum: 60, maximum: 31536000 });
    expect(schema.properties.methods.enum).toEqual(["", "POST"]);
  });
});

describe("channels in the document", () => {
  it("offers one create body per channel kind, from the validating schemas", async () => {
    const doc = await (await call("/api/v3/openapi.json")).json<Doc>();
    const schema = doc.paths["/channels/"]!.post.requestBody.content["application/json"].schema;
    const kinds = (schema.anyOf ?? schema.oneOf).map((alt: any) => alt.properties.kind.enum?.[0] ?? alt.properties.kind.const);
    expect(kinds.sort()).toEqual([...CHANNEL_KINDS].sort());
  });
});

describe("the delivery state in the document", () => {
  it("describes GET /channels/{id} and both delivery logs with the schemas their responses are parsed with", async () => {
    const doc = await (await call("/api/v3/openapi.json")).json<Doc>();
    const schemaOf = (path: string) => doc.paths[path]!.get.responses["200"].content["application/json"].schema;
    expect(Object.keys(schemaOf("/channels/{id}").properties).sort()).toEqual(Object.keys(channelDetailSchema.shape).sort());
    for (const path of ["/channels/{id}/notifications/", "/checks/{uuid}/notifications/"]) {
      const schema = schemaOf(path);
      expect(Object.keys(schema.properties).sort()).toEqual(["next", "notifications"]);
      expect(Object.keys(schema.properties.notifications.items.properties).sort()).toEqual(
        Object.keys(notificationListSchema.shape.notifications.element.shape).sort(),
      );
      expect(doc.paths[path]!.parameters.map((p: { name: string }) => p.name)).toEqual([path.startsWith("/checks") ? "uuid" : "id", "limit", "before"]);
    }
  });
});

describe("responses match the documented schemas", () => {
  it("for every endpoint, with read-write and read-only keys", async () => {
    const p = await makeProject();
    const h = { "X-Api-Key": p.api_key };
    const ro = { "X-Api-Key": p.api_key_readonly };
    const created = await (
      await call("/api/v3/checks/", { method: "POST", headers: h, body: JSON.stringify({ name: "a", tags: "t", schedule: "0 * * * *" }) })
    ).json<{ uuid: string }>();
    checkObjectSchema.parse(created);
    await call(`/ping/${created.uuid}/start`);
    await call(`/ping/${created.uuid}`, { method: "POST", body: "x" });
    checkListSchema.parse(await (await call("/api/v3/checks/", { headers: h })).json());
    checkListSchema.parse(await (await call("/api/v3/checks/", { headers: ro })).json());
    checkObjectSchema.parse(await (await call(`/api/v1/checks/${created.uuid}`, { headers: h })).json());
    pingListSchema.parse(await (await call(`/api/v3/checks/${created.uuid}/pings/`, { headers: h })).json());
    flipListSchema.parse(await (await call(`/api/v3/checks/${created.uuid}/flips/`, { headers: h })).json());
    channelListSchema.parse(await (await call("/api/v3/channels/", { headers: h })).json());
    badgeListSchema.parse(await (await call("/api/v3/badges/", { headers: ro })).json());
  });
});
