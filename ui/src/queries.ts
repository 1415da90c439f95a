// Every server read of the SPA as a TanStack Query option object: one key per resource, so a write
// invalidates exactly what it changed, and route loaders prefetch with the same objects.
import { queryOptions, type QueryClient } from "@tanstack/react-query";
import { api, ApiError, auth, authData, data } from "./api";

/** The signed-in user with their projects, or null when signed out. */
export const meQuery = queryOptions({
  queryKey: ["me"],
  queryFn: async () => {
    try {
      return await data(api.me.$get());
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return null;
      throw err;
    }
  },
  staleTime: 30_000,
});

export const projectQuery = (id: string) =>
  queryOptions({ queryKey: ["project", id], queryFn: () => data(api.projects[":id"].$get({ param: { id } })) });

export const membersQuery = (id: string) =>
  queryOptions({ queryKey: ["project", id, "members"], queryFn: () => data(api.projects[":id"].members.$get({ param: { id } })) });

export const invitationQuery = (id: string) =>
  queryOptions({ queryKey: ["invitation", id], queryFn: () => data(api.invitations[":invitationId"].$get({ param: { invitationId: id } })) });

/** better-auth's view of this session: its token (the "this device" marker) and the 2FA flag. */
export const sessionQuery = queryOptions({ queryKey: ["session"], queryFn: () => authData(auth.getSession()) });

export const sessionsQuery = queryOptions({ queryKey: ["sessions"], queryFn: () => authData(auth.listSessions()) });

/**
 * After signing out (or the session ending): signed out for every page at once (the top bar watches
 * "me"), and nothing of the previous account left in the cache.
 */
export function forgetAccount(queryClient: QueryClient): void {
  queryClient.setQueryData(meQuery.queryKey, null);
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== "me" });
}

// A project's checks, one check, its events, one ping, its integrations: every key starts with
// ["project", id], so the project's live updates (live.ts) reach them all with one prefix.
// Live updates invalidate what changed, so a list just loaded (e.g. by the route's loader) is not read again at once.
const LIVE_STALE_MS = 10_000;

export const checksQuery = (id: string) =>
  queryOptions({
    queryKey: ["project", id, "checks"],
    queryFn: () => data(api.projects[":id"].checks.$get({ param: { id } })),
    staleTime: LIVE_STALE_MS,
  });

export const checkQuery = (id: string, uuid: string) =>
  queryOptions({
    queryKey: ["project", id, "check", uuid],
    queryFn: () => data(api.projects[":id"].checks[":uuid"].$get({ param: { id, uuid } })),
    staleTime: LIVE_STALE_MS,
  });

/** `types`: comma-separated event types (all when empty); `before`: an ISO instant (the previous page's `next`). */
export const eventsQuery = (id: string, uuid: string, q: { types?: string; before?: string; limit?: number } = {}) =>
  queryOptions({
    queryKey: ["project", id, "check", uuid, "events", q],
    queryFn: () =>
      data(
        api.projects[":id"].checks[":uuid"].events.$get({
          param: { id, uuid },
          query: {
            ...(q.types ? { types: q.types } : {}),
            ...(q.before ? { before: q.before } : {}),
            ...(q.limit ? { limit: String(q.limit) } : {}),
          },
        }),
      ),
  });

export const pingQuery = (id: string, uuid: string, n: number) =>
  queryOptions({
    queryKey: ["project", id, "check", uuid, "ping", n],
    queryFn: () => data(api.projects[":id"].checks[":uuid"].pings[":n"].$get({ param: { id, uuid, n: String(n) } })),
    staleTime: Infinity,
  });

export const channelsQuery = (id: string) =>
  queryOptions({ queryKey: ["project", id, "channels"], queryFn: () => data(api.projects[":id"].channels.$get({ param: { id } })) });

/** The project's badge URLs by tag ("*" = all checks). */
export const badgesQuery = (id: string) =>
  queryOptions({ queryKey: ["project", id, "badges"], queryFn: () => data(api.projects[":id"].badges.$get({ param: { id } })) });
