// The operator's way to the first account: make it (if new) and hand back a one-time sign-in link,
// so a fresh install needs neither SMTP nor open registration.
import { z } from "zod";
import { getAuth } from "../auth/auth";
import { linkCapture } from "../auth/mail";
import { MAGIC_LINK_TTL_SECONDS } from "../auth/options";

export const createUserSchema = z.object({
  email: z.email({ error: "email must be a valid email address" }).max(254, "email is too long").transform((e) => e.toLowerCase()),
  name: z.string({ error: "name must be a string" }).trim().max(100, "name is too long").optional(),
});

export interface UserLink {
  id: string;
  email: string;
  created: boolean;
  /** Opens a session for this account once, within `expires_at`. */
  sign_in_link: string;
  expires_at: string;
}

export async function userWithSignInLink(env: Env, request: Request, email: string, name?: string): Promise<UserLink> {
  const auth = getAuth(env, request);
  const internal = (await auth.$context).internalAdapter;
  const existing = await internal.findUserByEmail(email);
  // A new account gets its default project from the same hook as a sign-up.
  const user = existing?.user ?? (await internal.createUser({ email, name: name ?? email.split("@")[0]!, emailVerified: false }, { method: "admin" }));
  const capture: { url?: string } = {};
  await linkCapture.run(capture, () => auth.api.signInMagicLink({ body: { email, callbackURL: "/" }, headers: new Headers() }));
  if (capture.url === undefined) throw new Error("the sign-in link was not made");
  return {
    id: user.id,
    email,
    created: existing === null,
    sign_in_link: capture.url,
    expires_at: new Date(Date.now() + MAGIC_LINK_TTL_SECONDS * 1000).toISOString(),
  };
}
