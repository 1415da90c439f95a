import { z } from "zod";
import { emailAddress, keyKind, nagPeriod } from "../projects/schemas";

export const createProjectSchema = z.object({
  name: z.string({ error: "name must be a string" }).trim().min(1, "name is required").max(200, "name is too long"),
});

export const rotateKeySchema = z.object({ kind: keyKind });

/** PATCH /admin/v1/projects/<id>: the reminder period, the owner (a user's email), or both. */
export const updateProjectSchema = z
  .object({
    nag_period: nagPeriod.optional(),
    owner: z.string({ error: "owner must be a string (a user's email)" }).pipe(emailAddress).optional(),
  })
  .refine((b) => b.nag_period !== undefined || b.owner !== undefined, { error: "give nag_period or owner (or both)" });
