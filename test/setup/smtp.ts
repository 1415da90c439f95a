// Real SMTP servers for the email alert tests, started once for the workers tests (vitest
// globalSetup, in Node), all on loopback and all accepting user "edgechecks" / password
// "test-password":
//   smtpPort          plain SMTP, AUTH PLAIN and LOGIN (no TLS)
//   smtpLoginPort     plain SMTP, AUTH LOGIN only
//   smtpStartTlsPort  STARTTLS required before AUTH (0 when no test certificate could be made,
//   smtpTlsPort       implicit TLS                    and smtpTlsError says why)
//   smtpSilentPort    accepts connections and never says anything (GET /silent → {"accepted": n})
// Recipients starting with "reject" get a 550 to RCPT TO. Tests run inside workerd, so what was
// received is read over HTTP:  GET http://127.0.0.1:<smtpInspectPort>/messages?to=<address>
import { readFileSync, rmSync } from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import path from "node:path";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import type { TestProject } from "vitest/node";
import { TLS_DIR_ENV, TLS_ERROR_ENV } from "./smtp-certs";
import { SMTP_PASSWORD, SMTP_USER, type ReceivedMail as Received } from "./smtp-shared";


export default async function setup(project: TestProject) {
  const messages: Received[] = [];
  const servers: SMTPServer[] = [];

  async function start(name: string, options: SMTPServerOptions): Promise<number> {
    const server = new SMTPServer({
      logger: false,
      banner: "edgechecks test SMTP",
      authOptional: false,
      ...options,
      onAuth(auth, _session, callback) {
        if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) callback(null, { user: auth.username });
        else callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
      },
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith("reject")) callback(Object.assign(new Error("No such user here"), { responseCode: 550 }));
        else callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const mailFrom = session.envelope.mailFrom;
          messages.push({
            server: name,
            secure: session.secure,
            user: String(session.user ?? ""),
            mailFrom: mailFrom === false ? "" : mailFrom.address,
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString("utf8"),
          });
          callback();
        });
      },
    });
    server.on("error", (err) => console.error(`smtp ${name} error`, err));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push(server);
    return (server.server.address() as AddressInfo).port;
  }

  const plain = { secure: false, disabledCommands: ["STARTTLS"], allowInsecureAuth: true };
  project.provide("smtpPort", await start("plain", { ...plain, authMethods: ["PLAIN", "LOGIN"] }));
  project.provide("smtpLoginPort", await start("login", { ...plain, authMethods: ["LOGIN"] }));

  const dir = process.env[TLS_DIR_ENV];
  if (dir !== undefined) {
    const tls = { key: readFileSync(path.join(dir, "leaf.key")), cert: readFileSync(path.join(dir, "leaf.pem")) };
    project.provide("smtpStartTlsPort", await start("starttls", { ...tls, secure: false, authMethods: ["PLAIN", "LOGIN"] }));
    project.provide("smtpTlsPort", await start("tls", { ...tls, secure: true, authMethods: ["PLAIN", "LOGIN"] }));
    project.provide("smtpTlsError", "");
  } else {
    project.provide("smtpStartTlsPort", 0);
    project.provide("smtpTlsPort", 0);
    project.provide("smtpTlsError", process.env[TLS_ERROR_ENV] ?? "no SMTP test certificates (vitest.config.ts did not make them)");
  }

  // A server that never greets: tests wait until it has their connection, then end the session.
  const silentSockets = new Set<net.Socket>();
  let silentAccepted = 0;
  const silent = net.createServer((socket) => {
    silentAccepted++;
    silentSockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => silentSockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  project.provide("smtpSilentPort", (silent.address() as AddressInfo).port);

  const inspect = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://smtp");
    if (url.pathname === "/silent") {
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ accepted: silentAccepted }));
      return;
    }
    const to = url.searchParams.get("to") ?? "";
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(messages.filter((m) => m.rcptTo.includes(to))));
  });
  inspect.on("error", (err) => console.error("smtp inspect error", err));
  await new Promise<void>((resolve) => inspect.listen(0, "127.0.0.1", resolve));
  project.provide("smtpInspectPort", (inspect.address() as AddressInfo).port);

  return async () => {
    await new Promise<void>((resolve) => inspect.close(() => resolve()));
    for (const socket of silentSockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  };
}
