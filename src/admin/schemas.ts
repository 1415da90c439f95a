import { z } from "zod";

export const createProjectSchema = z.object({
  name: z.string({ error: "name must be a string" }).trim().min(1, "name is required").max(200, "name is too long"),
});

export const rotateKeySchema = z.object({
  kind: z.enum(["api_key", "api_key_readonly", "ping_key"], {
    error: 'kind must be one of "api_key", "api_key_readonly", "ping_key"',
  }),
});

export const updateProjectSchema = z.object({
  nag_period: z.union([z.literal(0), z.literal(3600), z.literal(86400)], {
    error: "nag_period must be 0 (off), 3600 (hourly) or 86400 (daily)",
  }),
});
