// A small SMTP client over the Workers TCP socket API: EHLO, STARTTLS or implicit TLS, AUTH PLAIN
// (or LOGIN when that is all the server offers), one message, QUIT. Failures come back as a
// SendResult-like outcome; a 5xx answer to RCPT TO (the address is refused) is permanent.
import { connect } from "cloudflare:sockets";
import { base64 } from "../crypto";

const encoder = new TextEncoder();
import type { SendResult } from "./http";

export type SmtpTls = "starttls" | "on" | "off";

export interface SmtpConfig {
  host: string;
  port: number;
  tls: SmtpTls;
  user: string;
  password: string;
  /** The From header as configured ("addr" or "Name <addr>"). */
  from: string;
}

/** SMTP settings from vars/secrets; null when SMTP_HOST is not set (email alerts disabled). */
export function smtpConfig(env: Env): SmtpConfig | null {
  const host = (env.SMTP_HOST ?? "").trim();
  if (host === "") return null;
  const raw = (env.SMTP_TLS ?? "starttls").trim().toLowerCase();
  const tls: SmtpTls = raw === "on" || raw === "off" ? raw : "starttls";
  const port = Number.parseInt(env.SMTP_PORT ?? "", 10);
  return {
    host,
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : tls === "on" ? 465 : 587,
    tls,
    user: env.SMTP_USER ?? "",
    password: env.SMTP_PASSWORD ?? "",
    from: (env.DEFAULT_FROM_EMAIL ?? "").trim() || `edgechecks@${host}`,
  };
}

/** Our EHLO name: the site's host name, else "localhost". */
export function ehloNameFor(siteRoot: string): string {
  try {
    return new URL(siteRoot).hostname || "localhost";
  } catch {
    return "localhost";
  }
}

export interface SmtpEnvelope {
  /** Bare addresses. */
  from: string;
  to: string;
  /** The message, CRLF line breaks, not yet dot-stuffed. */
  data: string;
}

export interface SmtpOptions {
  /** The whole session's deadline, ms (Healthchecks-like 30 s by default). */
  timeoutMs?: number;
  /**
   * Ends the session as timed out when aborted, whatever is left of timeoutMs: lets a caller (the
   * tests) decide the moment time is up instead of waiting for a wall-clock deadline.
   */
  signal?: AbortSignal;
  /** Our name in EHLO. */
  ehloName?: string;
}

/** A failed SMTP step: `code` is the server's reply code when there was one. */
class SmtpError extends Error {
  constructor(
    message: string,
    readonly code: number | null = null,
    readonly permanent = false,
  ) {
    super(message);
  }
}

class Timeout extends Error {}

interface Reply {
  code: number;
  lines: string[];
}


/** Lines starting with "." get one more, so the message cannot end the DATA early (RFC 5321 §4.5.2). */
export function dotStuff(data: string): string {
  const crlf = data.replace(/\r?\n/g, "\r\n");
  const stuffed = crlf.replace(/(^|\r\n)\./g, "$1..");
  return stuffed.endsWith("\r\n") ? stuffed : `${stuffed}\r\n`;
}

/** One connection: reads replies line by line, writes commands, all against one deadline. */
class Session {
  private socket: Socket;
  private reader: ReadableStreamDefaultReader<Uint8Array>;
  private writer: WritableStreamDefaultWriter<Uint8Array>;
  private buffer = "";
  private readonly decoder = new TextDecoder();

  constructor(
    socket: Socket,
    private readonly deadline: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.socket = socket;
    this.reader = socket.readable.getReader();
    this.writer = socket.writable.getWriter();
  }

  /** Resolves once connected; a refused or unreachable address rejects here. */
  async opened(): Promise<void> {
    await this.timed(this.socket.opened);
  }

  private async timed<T>(p: Promise<T>): Promise<T> {
    const left = this.deadline - Date.now();
    if (left <= 0 || this.signal?.aborted) throw new Timeout();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Timeout()), left);
      onAbort = () => reject(new Timeout());
      this.signal?.addEventListener("abort", onAbort, { once: true });
    });
    try {
      return await Promise.race([p, timeout]);
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      if (onAbort !== undefined) this.signal?.removeEventListener("abort", onAbort);
    }
  }

  private async line(): Promise<string> {
    for (;;) {
      const nl = this.buffer.indexOf("\n");
      if (nl >= 0) {
        const line = this.buffer.slice(0, nl).replace(/\r$/, "");
        this.buffer = this.buffer.slice(nl + 1);
        return line;
      }
      const { value, done } = await this.timed(this.reader.read());
      if (done) throw new SmtpError("Connection closed by the SMTP server");
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  /** One reply, multi-line ("250-…" … "250 …") joined. */
  async reply(): Promise<Reply> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.line();
      const m = /^(\d{3})([ -]?)(.*)$/.exec(line);
      if (m === null) throw new SmtpError(`Unexpected SMTP reply: ${line.slice(0, 100)}`);
      lines.push(m[3]!);
      if (m[2] !== "-") return { code: Number(m[1]), lines };
    }
  }

  async write(text: string): Promise<void> {
    await this.timed(this.writer.write(encoder.encode(text)));
  }

  /** Sends a command (unless null) and expects one of `ok`; anything else fails the session. */
  async expect(command: string | null, ok: number[], what: string, permanentOn5xx = false): Promise<Reply> {
    if (command !== null) await this.write(`${command}\r\n`);
    const r = await this.reply();
    if (!ok.includes(r.code)) {
      const text = r.lines.join(" ").trim().slice(0, 150);
      throw new SmtpError(`${what} failed: ${r.code} ${text}`.trim(), r.code, permanentOn5xx && r.code >= 500 && r.code < 600);
    }
    return r;
  }

  /** STARTTLS: the plaintext socket is handed over to TLS, and reading starts afresh. */
  upgrade(): void {
    this.reader.releaseLock();
    this.writer.releaseLock();
    this.socket = this.socket.startTls();
    this.reader = this.socket.readable.getReader();
    this.writer = this.socket.writable.getWriter();
    this.buffer = "";
  }

  async close(): Promise<void> {
    try {
      await this.socket.close();
    } catch {
      // Already gone.
    }
  }
}

/** EHLO's extensions, upper-cased keyword → its parameters ("AUTH" → "PLAIN LOGIN"). */
function extensions(r: Reply): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of r.lines.slice(1)) {
    const [kw = "", ...rest] = line.trim().split(/\s+/);
    out.set(kw.toUpperCase(), rest.join(" ").toUpperCase());
  }
  return out;
}

async function authenticate(s: Session, ext: Map<string, string>, user: string, password: string): Promise<void> {
  const offered = (ext.get("AUTH") ?? "").split(" ");
  if (offered.includes("LOGIN") && !offered.includes("PLAIN")) {
    await s.expect("AUTH LOGIN", [334], "SMTP authentication");
    await s.expect(base64(user), [334], "SMTP authentication");
    await s.expect(base64(password), [235], "SMTP authentication");
    return;
  }
  await s.expect(`AUTH PLAIN ${base64(`\0${user}\0${password}`)}`, [235], "SMTP authentication");
}

/** Sends one message. Never throws. */
export async function sendMail(config: SmtpConfig, envelope: SmtpEnvelope, options: SmtpOptions = {}): Promise<SendResult> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const ehlo = options.ehloName || "localhost";
  let session: Session | null = null;
  try {
    const socket = connect(
      { hostname: config.host, port: config.port },
      { secureTransport: config.tls, allowHalfOpen: false },
    );
    session = new Session(socket, deadline, options.signal);
    const s = session;
    await s.opened();
    await s.expect(null, [220], "SMTP greeting");
    let ext = extensions(await s.expect(`EHLO ${ehlo}`, [250], "EHLO"));
    if (config.tls === "starttls") {
      if (!ext.has("STARTTLS")) throw new SmtpError("The SMTP server does not support STARTTLS");
      await s.expect("STARTTLS", [220], "STARTTLS");
      s.upgrade();
      ext = extensions(await s.expect(`EHLO ${ehlo}`, [250], "EHLO"));
    }
    if (config.user !== "") await authenticate(s, ext, config.user, config.password);
    await s.expect(`MAIL FROM:<${envelope.from}>`, [250], "MAIL FROM");
    await s.expect(`RCPT TO:<${envelope.to}>`, [250, 251], "RCPT TO", true);
    await s.expect("DATA", [354], "DATA");
    await s.write(`${dotStuff(envelope.data)}.\r\n`);
    const done = await s.expect(null, [250], "Sending the message");
    // The message is accepted; a slow or rude QUIT does not change that.
    try {
      await s.expect("QUIT", [221], "QUIT");
    } catch {
      // ignore
    }
    return { ok: true, error: "", permanent: false, status: done.code };
  } catch (err) {
    if (err instanceof SmtpError) return { ok: false, error: err.message, permanent: err.permanent, status: err.code };
    if (err instanceof Timeout) return { ok: false, error: "Connection timed out", permanent: false, status: null };
    const detail = err instanceof Error && err.message !== "" ? `: ${err.message.slice(0, 120)}` : "";
    return { ok: false, error: `Connection failed${detail}`, permanent: false, status: null };
  } finally {
    await session?.close();
  }
}
