// A real HTTP receiver for alert deliveries, started once for the workers tests (vitest globalSetup,
// in Node). Tests reach it over loopback: POST/GET anything to record it, and control it with
//   GET  /__requests?box=<name>   → the requests recorded for that box
//   POST /__script?box=<name>     → body `[500, 500, 200]`: statuses to answer, in order (then 200)
//   POST /__hold?box=<name>       → requests to the box are recorded but not answered...
//   POST /__release?box=<name>    → ...until released (held ones are answered then)
//   ANY  /<box>/__redirect?to=<url>&status=<30x>  → recorded, then answered with that redirect
//   ANY  /<box>/__hang                            → recorded, then never answered (timeout tests)
// A box is the first path segment, so each test uses its own URL prefix. It also provides
// `closedPort`, a loopback port nothing listens on (connection-refused tests).
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";

interface Recorded {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export default async function setup(project: TestProject) {
  const boxes = new Map<string, Recorded[]>();
  const scripts = new Map<string, number[]>();
  const held = new Map<string, (() => void)[]>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://receiver");
      const box = url.searchParams.get("box") ?? url.pathname.split("/")[1] ?? "";
      const body = Buffer.concat(chunks).toString("utf8");
      if (url.pathname === "/__requests") {
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(boxes.get(box) ?? []));
        return;
      }
      if (url.pathname === "/__script") {
        scripts.set(box, JSON.parse(body) as number[]);
        res.writeHead(204).end();
        return;
      }
      if (url.pathname === "/__hold") {
        held.set(box, held.get(box) ?? []);
        res.writeHead(204).end();
        return;
      }
      if (url.pathname === "/__release") {
        const waiting = held.get(box) ?? [];
        held.delete(box);
        for (const answer of waiting) answer();
        res.writeHead(204).end();
        return;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      boxes.set(box, [...(boxes.get(box) ?? []), { method: req.method ?? "", path: req.url ?? "", headers, body }]);
      if (url.pathname.endsWith("/__hang")) return; // closed by closeAllConnections at teardown
      if (url.pathname.endsWith("/__redirect")) {
        const to = url.searchParams.get("to") ?? "/";
        res.writeHead(Number(url.searchParams.get("status") ?? "302"), { Location: to }).end();
        return;
      }
      const answer = () => {
        const status = scripts.get(box)?.shift() ?? 200;
        res.writeHead(status).end(status === 200 ? "ok" : "error");
      };
      const hold = held.get(box);
      if (hold === undefined) answer();
      else hold.push(answer);
    });
  });
  server.on("error", (err) => console.error("receiver error", err));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  project.provide("receiverPort", (server.address() as AddressInfo).port);
  // Bound and released at once: connecting to it is refused (another process could take it, but
  // ephemeral ports are not reused that fast).
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  project.provide("closedPort", (closed.address() as AddressInfo).port);
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // the __hang requests
    });
}
