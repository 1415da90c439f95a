// Signing up and in: password, emailed link (magic link), the second factor, and a forgotten password.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link, useNavigate, useRouter } from "@tanstack/react-router";
import { useState } from "react";
import { auth, authData } from "../api";
import { ErrorText, Field, Notice, Submit } from "../components/forms";
import { Page } from "../components/page";
import { meQuery } from "../queries";

/** After signing in: back to `next`, else the only project (as Healthchecks does), else the projects. */
function useLandAfterSignIn() {
  const queryClient = useQueryClient();
  const router = useRouter();
  return async (next?: string) => {
    // The new account replaces whatever was cached; the top bar's "me" is refreshed in place.
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== "me" });
    const me = await queryClient.fetchQuery({ ...meQuery, staleTime: 0 });
    if (next !== undefined) return router.history.push(next);
    const only = me?.projects.length === 1 ? me.projects[0] : undefined;
    if (only) await router.navigate({ to: "/projects/$id", params: { id: only.id } });
    else await router.navigate({ to: "/" });
  };
}

const formValue = (form: HTMLFormElement, name: string): string => {
  const v = new FormData(form).get(name);
  return typeof v === "string" ? v : "";
};

const signInApi = getRouteApi("/signin");

export function SignInPage() {
  const { next } = signInApi.useSearch();
  const navigate = useNavigate();
  const land = useLandAfterSignIn();
  const password = useMutation({
    mutationFn: (v: { email: string; password: string }) => authData(auth.signIn.email(v)),
    onSuccess: async (result) => {
      if (result !== null && "twoFactorRedirect" in result && result.twoFactorRedirect) await navigate({ to: "/signin/two-factor", search: next ? { next } : {} });
      else await land(next);
    },
  });
  const link = useMutation({
    mutationFn: (email: string) => authData(auth.signIn.magicLink({ email, callbackURL: next ?? "/" })),
  });
  return (
    <Page title="Sign in" narrow>
      <form
        className="card"
        aria-labelledby="signin-password"
        onSubmit={(e) => {
          e.preventDefault();
          password.mutate({ email: formValue(e.currentTarget, "email"), password: formValue(e.currentTarget, "password") });
        }}
      >
        <h2 id="signin-password">With your password</h2>
        <Field label="Email" name="email" type="email" autoComplete="username" required />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required />
        <ErrorText error={password.error} />
        <div className="actions">
          <Submit busy={password.isPending}>Sign in</Submit>
          <Link to="/forgot-password">Forgot your password?</Link>
        </div>
      </form>
      <form
        className="card"
        aria-labelledby="signin-link"
        onSubmit={(e) => {
          e.preventDefault();
          link.mutate(formValue(e.currentTarget, "email"));
        }}
      >
        <h2 id="signin-link">With a link by email</h2>
        <Field label="Email" name="email" type="email" autoComplete="email" required hint="We email you a sign-in link that works once, for 15 minutes." />
        <ErrorText error={link.error} />
        <Notice>{link.isSuccess ? "If this address can sign in here, a link is on its way. Open it on this device." : null}</Notice>
        <div className="actions">
          <Submit busy={link.isPending} className="secondary">
            Email me a link
          </Submit>
        </div>
      </form>
      <p className="aside">
        No account yet? <Link to="/signup" search={next ? { next } : {}}>Sign up</Link>
      </p>
    </Page>
  );
}

const twoFactorApi = getRouteApi("/signin/two-factor");

export function TwoFactorPage() {
  const { next } = twoFactorApi.useSearch();
  const land = useLandAfterSignIn();
  const [backup, setBackup] = useState(false);
  const verify = useMutation({
    mutationFn: (code: string) => authData(backup ? auth.twoFactor.verifyBackupCode({ code }) : auth.twoFactor.verifyTotp({ code })),
    onSuccess: () => land(next),
  });
  return (
    <Page title="Two-factor authentication" narrow>
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          verify.mutate(formValue(e.currentTarget, "code").replace(/\s+/g, ""));
        }}
      >
        {backup ? (
          <Field key="backup" label="Backup code" name="code" autoComplete="off" spellCheck={false} required hint="One of the codes you saved when you turned two-factor on. Each works once." />
        ) : (
          <Field
            key="totp"
            label="Code from your authenticator app"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            maxLength={7}
            required
          />
        )}
        <ErrorText error={verify.error} />
        <div className="actions">
          <Submit busy={verify.isPending}>Verify</Submit>
          <button
            type="button"
            className="link"
            onClick={() => {
              verify.reset();
              setBackup(!backup);
            }}
          >
            {backup ? "Use a code from the app" : "Use a backup code instead"}
          </button>
        </div>
      </form>
      <p className="aside">
        <Link to="/signin">Start over</Link>
      </p>
    </Page>
  );
}

const signUpApi = getRouteApi("/signup");

export function SignUpPage() {
  const { next, email } = signUpApi.useSearch();
  const land = useLandAfterSignIn();
  const signUp = useMutation({
    mutationFn: (v: { email: string; password: string; name: string }) => authData(auth.signUp.email(v)),
    onSuccess: () => land(next),
  });
  return (
    <Page title="Sign up" narrow>
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const address = formValue(form, "email").trim();
          signUp.mutate({ email: address, password: formValue(form, "password"), name: formValue(form, "name").trim() || address.split("@")[0]! });
        }}
      >
        <Field label="Email" name="email" type="email" autoComplete="email" defaultValue={email} required />
        <Field label="Name (optional)" name="name" autoComplete="name" maxLength={100} />
        <Field label="Password" name="password" type="password" autoComplete="new-password" minLength={8} required hint="At least 8 characters." />
        <ErrorText error={signUp.error} />
        <div className="actions">
          <Submit busy={signUp.isPending}>Create account</Submit>
        </div>
      </form>
      <p className="aside">
        Already have an account? <Link to="/signin" search={next ? { next } : {}}>Sign in</Link>
      </p>
    </Page>
  );
}

export function ForgotPasswordPage() {
  const request = useMutation({
    mutationFn: (email: string) => authData(auth.requestPasswordReset({ email, redirectTo: "/reset-password" })),
  });
  return (
    <Page title="Forgot your password?" narrow>
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          request.mutate(formValue(e.currentTarget, "email"));
        }}
      >
        <p>Enter your account's email address and we will send you a link to choose a new password.</p>
        <Field label="Email" name="email" type="email" autoComplete="email" required />
        <ErrorText error={request.error} />
        <Notice>{request.isSuccess ? "If an account uses this address, a link is on its way. It works once, for an hour." : null}</Notice>
        <div className="actions">
          <Submit busy={request.isPending}>Email me a link</Submit>
          <Link to="/signin">Back to sign in</Link>
        </div>
      </form>
    </Page>
  );
}

const resetApi = getRouteApi("/reset-password");

export function ResetPasswordPage() {
  const { token, error } = resetApi.useSearch();
  const [mismatch, setMismatch] = useState(false);
  const reset = useMutation({
    mutationFn: (newPassword: string) => authData(auth.resetPassword({ newPassword, token: token ?? "" })),
  });
  if (token === undefined || error !== undefined) {
    return (
      <Page title="Choose a new password" narrow>
        <p className="error" role="alert">
          This link is not valid any more (it works once, for an hour).
        </p>
        <p>
          <Link to="/forgot-password">Ask for a new link</Link>
        </p>
      </Page>
    );
  }
  return (
    <Page title="Choose a new password" narrow>
      {reset.isSuccess ? (
        <div className="card">
          <Notice>Your password is changed, and every session of your account is signed out.</Notice>
          <p>
            <Link to="/signin">Sign in</Link>
          </p>
        </div>
      ) : (
        <form
          className="card"
          onSubmit={(e) => {
            e.preventDefault();
            const form = e.currentTarget;
            const password = formValue(form, "password");
            setMismatch(password !== formValue(form, "again"));
            if (password === formValue(form, "again")) reset.mutate(password);
          }}
        >
          <Field label="New password" name="password" type="password" autoComplete="new-password" minLength={8} required hint="At least 8 characters." />
          <Field label="New password, again" name="again" type="password" autoComplete="new-password" minLength={8} required />
          <ErrorText error={mismatch ? new Error("The two passwords differ.") : reset.error} />
          <div className="actions">
            <Submit busy={reset.isPending}>Set password</Submit>
          </div>
        </form>
      )}
    </Page>
  );
}
