// Readiness probe (no key), as Healthchecks' /api/v3/status/.
import { Hono } from "hono";
import type { ApiEnv } from "./auth";

export const statusApi = new Hono<ApiEnv>();

// Readiness, as Healthchecks: answers OK only when the database answers (a D1 failure is a 500).
statusApi.get("/status/", async (c) => {
  await c.env.DB.prepare("SELECT 1").first();
  return c.text("OK");
});

