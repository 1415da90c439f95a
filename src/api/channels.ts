// The `channels` field of create/update: "*", "", or comma-separated channel ids or names.
import { HttpError } from "../http/errors";

export async function resolveChannels(env: Env, projectId: string, spec: string): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT id, name FROM channels WHERE project_id = ?")
    .bind(projectId)
    .all<{ id: string; name: string }>();
  if (spec === "*") return results.map((r) => r.id);
  if (spec === "") return [];
  const ids = new Set<string>();
  for (const token of spec.split(",")) {
    if (token === "") throw new HttpError(400, "empty channel identifier");
    const byId = results.filter((r) => r.id === token);
    const matches = byId.length > 0 ? byId : results.filter((r) => r.name === token);
    if (matches.length === 0) throw new HttpError(400, `invalid channel identifier: ${token}`);
    if (matches.length > 1) throw new HttpError(400, `non-unique channel identifier: ${token}`);
    ids.add(matches[0]!.id);
  }
  return [...ids];
}
