// Each object sets one alarm; its handler only records when it ran (and when the object was loaded).
import { DurableObject } from "cloudflare:workers";

export class Sleeper extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.loadedAt = Date.now();
  }
  async arm(at) {
    await this.ctx.storage.setAlarm(at);
  }
  async alarm() {
    await this.ctx.storage.put("ran", { loaded: this.loadedAt, ran: Date.now() });
  }
  async ran() {
    return (await this.ctx.storage.get("ran")) ?? null;
  }
}

const stubs = (env, from, n) => Array.from({ length: n }, (_, i) => env.OBJ.get(env.OBJ.idFromName(`o${from + i}`)));

export default {
  async fetch(req, env) {
    const url = new URL(req.url);
    const from = Number(url.searchParams.get("from"));
    const n = Number(url.searchParams.get("n"));
    if (url.pathname === "/arm") {
      await Promise.all(stubs(env, from, n).map((s) => s.arm(Number(url.searchParams.get("at")))));
      return new Response("armed");
    }
    return Response.json(await Promise.all(stubs(env, from, n).map((s) => s.ran())));
  },
};
