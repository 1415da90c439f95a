// GET /ok answers "OK"; GET /do/:id has the object named :id write one SQLite row, then answers "OK".
// Called over RPC, as edgechecks calls its check objects.
import { DurableObject } from "cloudflare:workers";

export class Writer extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS rows (n INTEGER PRIMARY KEY, created INTEGER NOT NULL)");
  }
  write() {
    this.ctx.storage.sql.exec("INSERT INTO rows (created) VALUES (?)", Date.now());
    return "OK";
  }
}

export default {
  async fetch(req, env) {
    const { pathname } = new URL(req.url);
    if (pathname === "/ok") return new Response("OK");
    const m = /^\/do\/([^/]+)$/.exec(pathname);
    if (m !== null) return new Response(await env.OBJ.get(env.OBJ.idFromName(m[1])).write());
    return new Response("not found", { status: 404 });
  },
};
