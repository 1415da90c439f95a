// Telegram Bot API sendMessage: JSON with chat_id, message_thread_id (forum topics), HTML text.
// The bot token is instance-wide (a secret), not part of the channel: `telegram(token)` binds it.
import type { RequestBuilder } from "../types";
import { htmlMessage, jsonHeaders, messageParts } from "./text";

/** Telegram's message length limit (characters after entity parsing). */
export const TELEGRAM_MAX_TEXT = 4096;

export function telegram(botToken: string): RequestBuilder<"telegram"> {
  return (ctx, value) => {
    const text = htmlMessage(messageParts(ctx), ctx.siteName);
    const body: Record<string, unknown> = { chat_id: value.id };
    if (value.thread_id !== undefined && value.thread_id !== null) body.message_thread_id = value.thread_id;
    body.text = text;
    body.parse_mode = "HTML";
    body.link_preview_options = { is_disabled: true };
    return {
      method: "POST",
      url: `https://api.telegram.org/bot${botToken}/sendMessage`,
      headers: jsonHeaders(ctx),
      body: JSON.stringify(body),
    };
  };
}
