// The Management API, mounted at /api/v1, /api/v2 and /api/v3 (reference API §1). One module per
// resource; each registers its own CORS and key middlewares. Mounted in this order because routes
// match in registration order (a 40-character unique_key also fits the `:uuid` patterns).
import { Hono } from "hono";
import type { ApiEnv } from "./auth";
import { badgesApi } from "./badges-routes";
import { channelsApi } from "./channels-routes";
import { checksApi } from "./checks-routes";
import { notificationsApi } from "./notifications-routes";
import { pingsApi } from "./pings-routes";
import { statusApi } from "./status-routes";

export const managementApi = new Hono<ApiEnv>();
for (const resource of [checksApi, pingsApi, channelsApi, notificationsApi, badgesApi, statusApi]) managementApi.route("/", resource);
