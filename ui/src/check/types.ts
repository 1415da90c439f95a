// The dashboard API's answers the check pages read, typed from its routes.
import type { InferResponseType } from "hono/client";
import type { api } from "../api";

type CheckRoute = (typeof api.projects)[":id"]["checks"][":uuid"];

export type CheckDetails = InferResponseType<CheckRoute["$get"], 200>;
export type EventsPage = InferResponseType<CheckRoute["events"]["$get"], 200>;
export type CheckEvent = EventsPage["events"][number];
export type PingDetails = InferResponseType<CheckRoute["pings"][":n"]["$get"], 200>;
export type ProjectChannel = CheckDetails["project_channels"][number];
