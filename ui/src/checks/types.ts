// The checks list as the server sends it (typed by its route, so a renamed field breaks the build).
import type { InferResponseType } from "hono/client";
import type { api } from "../api";

export type ChecksList = InferResponseType<(typeof api.projects)[":id"]["checks"]["$get"], 200>;
export type ListedCheck = ChecksList["checks"][number];
export type ListedChannel = ChecksList["channels"][number];
