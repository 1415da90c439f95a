import { z } from "zod";

export const createProjectSchema = z.object({
  name: z.string({ error: "name must be a string" }).trim().min(1, "name is required").max(200, "name is too long"),
});

export const rotateKeySchema = z.object({
  kind: z.enum(["api_key", "api_key_readonly", "ping_key"], {
    error: 'kind must be one of "api_key", "api_key_readonly", "ping_key"',
  }),
});
