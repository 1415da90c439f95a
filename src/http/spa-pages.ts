// The SPA's pages under a path the Worker owns: /projects/* is in wrangler.toml's run_worker_first (its
// metrics live there), yet /projects/<id>/... is also where the dashboard draws a project. A browser
// opening such a page (GET/HEAD asking for HTML) that no Worker route answers gets the SPA's index.html.

/** Whether the Worker's not-found answer should be the SPA instead. */
export function isSpaPageRequest(request: Request): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  if (!new URL(request.url).pathname.startsWith("/projects/")) return false;
  return (request.headers.get("Accept") ?? "").includes("text/html");
}

/** index.html from the assets (status 200); the SPA's router draws the page from the URL. */
export function spaIndex(env: Env, request: Request): Promise<Response> {
  return env.ASSETS.fetch(new Request(new URL("/", request.url), { method: request.method }));
}
