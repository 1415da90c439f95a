#!/usr/bin/env node
// A tiny webhook receiver for trying alerts locally (README "First steps"):
//   node scripts/receiver.mjs [PORT]      (default 9999, on 127.0.0.1)
// Prints one line per request: the method, the path, the Idempotency-Key and the body; answers 200.
import http from "node:http";

const port = Number(process.argv[2] ?? 9999);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`usage: node scripts/receiver.mjs [PORT]  (got ${process.argv[2]})`);
  process.exit(2);
}

http
  .createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const key = req.headers["idempotency-key"] ?? "-";
      console.log(`${req.method} ${req.url} key=${key} ${Buffer.concat(chunks).toString("utf8")}`);
      res.end("ok\n");
    });
  })
  .listen(port, "127.0.0.1", () => console.log(`receiver listening on http://127.0.0.1:${port}/`));
