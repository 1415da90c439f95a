import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";

// Filled in by the schedule-engine work (issue 3).
export const schedulePreview = new Hono<AppEnv>();
