// The request shapes of channel create/update (an edgechecks extension: Healthchecks' API cannot
// create channels); each kind's value is validated by src/alerts/channel-kinds.ts.
import { z } from "zod";
import { CHANNEL_KINDS, err, parseValue, str, type ChannelKind } from "../alerts/channel-kinds";

const kindSchema = z.enum(CHANNEL_KINDS, { error: err("kind", "has unexpected value") });

/** POST /channels/: `{"name"?, "kind", "value"}`. */
export const channelCreateSchema = z
  .object({ name: str("name", 100).default(""), kind: kindSchema, value: z.unknown().optional() })
  .transform((o, ctx) => ({ name: o.name, kind: o.kind, value: parseValue(o.kind, o.value, ctx) }));

export type ChannelCreate = z.output<typeof channelCreateSchema>;

/** POST /channels/<id> before the channel's kind is known: the value is checked by channelUpdateSchema. */
export const channelUpdateFields = z.object({ name: str("name", 100).optional(), kind: z.unknown().optional(), value: z.unknown().optional() });

/** POST /channels/<id>: `{"name"?, "value"?}`; a channel keeps its kind (`kind`, if sent, must match). */
export function channelUpdateSchema(kind: ChannelKind) {
  return channelUpdateFields
    .transform((o, ctx) => {
      if (o.kind !== undefined && o.kind !== kind) ctx.addIssue({ code: "custom", message: "kind cannot be changed" });
      return { name: o.name, value: o.value === undefined ? undefined : parseValue(kind, o.value, ctx) };
    });
}

export type ChannelUpdate = z.output<ReturnType<typeof channelUpdateSchema>>;


