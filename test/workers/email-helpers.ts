// Shared by the email tests: a message shaped like Cloudflare's ForwardableEmailMessage, handed to
// the Worker's email() handler (reference §1.9).
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";

export interface Sent {
  rejected: string | null;
  forwarded: string[];
  replied: number;
}

const enc = new TextEncoder();

/** Delivers `raw` to `to` through the default export's email() handler with `opts.env`. */
export async function deliverEmail(to: string, raw: string | Uint8Array, opts: { from?: string; env: Env }): Promise<Sent> {
  const bytes = typeof raw === "string" ? enc.encode(raw) : raw;
  const sent: Sent = { rejected: null, forwarded: [], replied: 0 };
  const message = {
    from: opts.from ?? "cron@box.example.org",
    to,
    headers: new Headers(),
    raw: new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 65_536) controller.enqueue(bytes.slice(i, i + 65_536));
        controller.close();
      },
    }),
    rawSize: bytes.length,
    canBeForwarded: true,
    setReject(reason: string) {
      sent.rejected = reason;
    },
    async forward(rcptTo: string) {
      sent.forwarded.push(rcptTo);
      return { messageId: "x" };
    },
    async reply() {
      sent.replied++;
      return { messageId: "y" };
    },
  } as unknown as ForwardableEmailMessage;
  const ctx = createExecutionContext();
  await worker.email!(message, opts.env, ctx);
  await waitOnExecutionContext(ctx);
  return sent;
}

