// /account: email, password, two-factor authentication, sessions, time zone, projects (with Leave)
// and deleting the account.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { api, auth, authData, data } from "../api";
import { ConfirmButton, CopyField, ErrorText, Field, Notice, Submit } from "../components/forms";
import { useMe } from "../components/layout";
import { Page, Section } from "../components/page";
import { forgetAccount, meQuery, sessionQuery, sessionsQuery } from "../queries";
import { roleLabel } from "../roles";

const formValue = (form: HTMLFormElement, name: string): string => {
  const v = new FormData(form).get(name);
  return typeof v === "string" ? v : "";
};

/** better-auth replaces this session's token when 2FA or the password changes: both views refresh. */
const refreshSessions = (queryClient: ReturnType<typeof useQueryClient>) =>
  queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] === "session" || q.queryKey[0] === "sessions" });


export function AccountPage() {
  const me = useMe();
  return (
    <Page title="Account">
      <ProfileSection me={me} />
      <EmailSection current={me.email} />
      <PasswordSection />
      <TwoFactorSection />
      <SessionsSection />
      <ProjectsSection projects={me.projects} />
      <DeleteAccountSection />
    </Page>
  );
}

/** Every zone the browser knows, UTC first (some browsers leave it out of the list). */
function timeZones(current: string): string[] {
  const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [...new Set(["UTC", current, ...known])];
}

function ProfileSection({ me }: { me: { email: string; name: string; time_zone: string } }) {
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (json: { name: string; time_zone: string }) => data(api.me.$patch({ json })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: meQuery.queryKey }),
  });
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <Section id="profile" title="Profile">
      <dl className="facts">
        <dt>Email</dt>
        <dd>{me.email}</dd>
      </dl>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ name: formValue(e.currentTarget, "name").trim(), time_zone: formValue(e.currentTarget, "tz") });
        }}
      >
        <Field label="Name" name="name" autoComplete="name" defaultValue={me.name} required maxLength={100} />
        <div className="field">
          <label htmlFor="profile-tz">Time zone</label>
          <select id="profile-tz" name="tz" defaultValue={me.time_zone} aria-describedby="profile-tz-hint">
            {timeZones(me.time_zone).map((tz) => (
              <option key={tz} value={tz}>
                {tz}
              </option>
            ))}
          </select>
          <p className="hint" id="profile-tz-hint">
            Kept with your account; pages show times in this browser's zone, {browserZone}.
          </p>
        </div>
        <ErrorText error={save.error} />
        <Notice>{save.isSuccess ? "Profile saved." : null}</Notice>
        <div className="actions">
          <Submit busy={save.isPending}>Save profile</Submit>
        </div>
      </form>
    </Section>
  );
}

function EmailSection({ current }: { current: string }) {
  const change = useMutation({
    mutationFn: (newEmail: string) => authData(auth.changeEmail({ newEmail, callbackURL: "/account" })),
  });
  return (
    <Section id="email" title="Email address">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          change.mutate(formValue(e.currentTarget, "email").trim());
        }}
      >
        <Field label="New email address" name="email" type="email" autoComplete="email" required hint={`Now ${current}. We send a link to the new address; it changes when you open it.`} />
        <ErrorText error={change.error} />
        <Notice>{change.isSuccess ? "Check the new address's inbox for the confirmation link." : null}</Notice>
        <div className="actions">
          <Submit busy={change.isPending}>Change email</Submit>
        </div>
      </form>
    </Section>
  );
}

function PasswordSection() {
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: (v: { currentPassword: string; newPassword: string; revokeOtherSessions: boolean }) => authData(auth.changePassword(v)),
    onSuccess: () => refreshSessions(queryClient),
  });
  return (
    <Section id="password" title="Password">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          change.mutate(
            {
              currentPassword: formValue(form, "current"),
              newPassword: formValue(form, "new"),
              revokeOtherSessions: new FormData(form).get("revoke") === "on",
            },
            { onSuccess: () => form.reset() },
          );
        }}
      >
        <Field label="Current password" name="current" type="password" autoComplete="current-password" required />
        <Field label="New password" name="new" type="password" autoComplete="new-password" minLength={8} required hint="At least 8 characters." />
        <label className="check">
          <input type="checkbox" name="revoke" defaultChecked /> Sign out my other sessions
        </label>
        <ErrorText error={change.error} />
        <Notice>{change.isSuccess ? "Password changed." : null}</Notice>
        <div className="actions">
          <Submit busy={change.isPending}>Change password</Submit>
        </div>
      </form>
    </Section>
  );
}

/** The secret of an otpauth:// URI, for apps where it is typed in. */
function totpSecret(uri: string): string {
  try {
    return new URL(uri).searchParams.get("secret") ?? "";
  } catch {
    return "";
  }
}

function TwoFactorSection() {
  const queryClient = useQueryClient();
  const session = useQuery(sessionQuery);
  const [setup, setSetup] = useState<{ totpURI: string; backupCodes: string[] } | null>(null);
  const enable = useMutation({
    mutationFn: (password: string) => authData(auth.twoFactor.enable({ password, method: "totp" })),
    onSuccess: (made) => {
      if (made !== null && "totpURI" in made) setSetup({ totpURI: made.totpURI, backupCodes: made.backupCodes });
    },
  });
  const confirm = useMutation({
    mutationFn: (code: string) => authData(auth.twoFactor.verifyTotp({ code })),
    onSuccess: async () => {
      setSetup(null);
      await refreshSessions(queryClient);
    },
  });
  const disable = useMutation({
    mutationFn: (password: string) => authData(auth.twoFactor.disable({ password })),
    onSuccess: () => refreshSessions(queryClient),
  });
  const on = session.data?.user.twoFactorEnabled === true;
  return (
    <Section id="two-factor" title="Two-factor authentication">
      {session.isPending ? <p>Loading…</p> : null}
      <ErrorText error={session.error} />
      {on ? (
        <>
          <p>
            <span className="badge ok">On</span> Signing in asks for a code from your authenticator app (or a backup code).
          </p>
          <Notice>{confirm.isSuccess ? "Two-factor authentication is on." : null}</Notice>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              disable.mutate(formValue(e.currentTarget, "password"));
            }}
          >
            <Field label="Password" name="password" type="password" autoComplete="current-password" required hint="Your password, to turn two-factor authentication off." />
            <ErrorText error={disable.error} />
            <div className="actions">
              <Submit busy={disable.isPending} className="danger">
                Turn off
              </Submit>
            </div>
          </form>
        </>
      ) : setup !== null ? (
        <div className="setup">
          <p>Add this account to your authenticator app with the URI or the secret below, then enter the code the app shows.</p>
          <CopyField label="otpauth URI" value={setup.totpURI} />
          <CopyField label="Secret (for typing in)" value={totpSecret(setup.totpURI)} />
          <p>
            <strong>Backup codes.</strong> Keep them somewhere safe: each signs you in once if you lose the app.
          </p>
          <ul className="codes" aria-label="Backup codes">
            {setup.backupCodes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              confirm.mutate(formValue(e.currentTarget, "code").replace(/\s+/g, ""));
            }}
          >
            <Field label="Code from the app" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,7}" maxLength={7} required />
            <ErrorText error={confirm.error} />
            <div className="actions">
              <Submit busy={confirm.isPending}>Turn on</Submit>
              <button type="button" onClick={() => setSetup(null)}>
                Cancel
              </button>
            </div>
          </form>
        </div>
      ) : session.data ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            enable.mutate(formValue(e.currentTarget, "password"));
          }}
        >
          <p>
            <span className="badge">Off</span> Add a code from an authenticator app to your password when you sign in.
          </p>
          <Field label="Password" name="password" type="password" autoComplete="current-password" required hint="Your password, to set up two-factor authentication." />
          <ErrorText error={enable.error} />
          <div className="actions">
            <Submit busy={enable.isPending}>Set up</Submit>
          </div>
        </form>
      ) : null}
    </Section>
  );
}

/** "Firefox on Linux" from a User-Agent, or the raw string when it is not recognised. */
function describeAgent(ua: string | null | undefined): string {
  if (!ua) return "Unknown device";
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Firefox\//.test(ua)
      ? "Firefox"
      : /Chrom(e|ium)\//.test(ua)
        ? /HeadlessChrome/.test(ua)
          ? "Headless Chrome"
          : "Chrome"
        : /Safari\//.test(ua)
          ? "Safari"
          : null;
  const os = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS X/.test(ua) ? "macOS" : /Windows/.test(ua) ? "Windows" : /Linux/.test(ua) ? "Linux" : null;
  return browser === null ? ua.slice(0, 80) : os === null ? browser : `${browser} on ${os}`;
}

function SessionsSection() {
  const queryClient = useQueryClient();
  const sessions = useQuery(sessionsQuery);
  const current = useQuery(sessionQuery).data?.session.token;
  const invalidate = () => refreshSessions(queryClient);
  const revoke = useMutation({ mutationFn: (token: string) => authData(auth.revokeSession({ token })), onSuccess: invalidate });
  const revokeOthers = useMutation({ mutationFn: () => authData(auth.revokeOtherSessions()), onSuccess: invalidate });
  const list = [...(sessions.data ?? [])].sort((a, b) => (a.token === current ? -1 : b.token === current ? 1 : +new Date(b.updatedAt) - +new Date(a.updatedAt)));
  return (
    <Section id="sessions" title="Sessions">
      {sessions.isPending ? <p>Loading…</p> : null}
      <ErrorText error={sessions.error ?? revoke.error ?? revokeOthers.error} />
      <ul className="session-list">
        {list.map((s) => (
          <li key={s.id}>
            <div>
              <strong>{describeAgent(s.userAgent)}</strong>
              {s.token === current ? <span className="badge ok">This device</span> : null}
              <div className="muted small">
                {s.ipAddress ? `${s.ipAddress} · ` : ""}signed in {new Date(s.createdAt).toLocaleString()} · last active {new Date(s.updatedAt).toLocaleString()}
              </div>
            </div>
            {s.token !== current ? (
              <button type="button" disabled={revoke.isPending} onClick={() => revoke.mutate(s.token)}>
                Revoke<span className="visually-hidden"> the session of {describeAgent(s.userAgent)}</span>
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {list.length > 1 ? (
        <button type="button" disabled={revokeOthers.isPending} onClick={() => revokeOthers.mutate()}>
          Sign out all other sessions
        </button>
      ) : null}
    </Section>
  );
}

function ProjectsSection({ projects }: { projects: { id: string; name: string; role: string }[] }) {
  const queryClient = useQueryClient();
  const leave = useMutation({
    mutationFn: (id: string) => data(api.projects[":id"].leave.$post({ param: { id } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["me"] }),
  });
  return (
    <Section id="projects" title="Projects">
      {projects.length === 0 ? <p className="muted">You are not in any project.</p> : null}
      <ul className="project-list">
        {projects.map((p) => (
          <li key={p.id}>
            <div>
              <Link to="/projects/$id" params={{ id: p.id }}>
                {p.name}
              </Link>{" "}
              <span className={`role role-${p.role}`}>{roleLabel(p.role)}</span>
            </div>
            {p.role === "owner" ? (
              <span className="muted small">Transfer it to leave it</span>
            ) : (
              <ConfirmButton label="Leave" question={`Leave ${p.name}?`} confirmLabel="Leave" danger busy={leave.isPending} onConfirm={() => leave.mutate(p.id)} />
            )}
          </li>
        ))}
      </ul>
      <ErrorText error={leave.error} />
    </Section>
  );
}

function DeleteAccountSection() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [password, setPassword] = useState("");
  const remove = useMutation({
    mutationFn: () => authData(auth.deleteUser({ password })),
    onSuccess: async () => {
      forgetAccount(queryClient);
      await navigate({ to: "/signin" });
    },
  });
  return (
    <Section id="delete-account" title="Delete account" danger>
      <p>Deletes your account and the projects you own, with their checks. Transfer a project with other members first. This cannot be undone.</p>
      <form onSubmit={(e) => e.preventDefault()}>
        <Field label="Password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
        <ErrorText error={remove.error} />
        <ConfirmButton
          label="Delete account"
          question="Delete your account for good?"
          confirmLabel="Delete my account"
          danger
          disabled={password === ""}
          busy={remove.isPending}
          onConfirm={() => remove.mutate()}
        />
      </form>
    </Section>
  );
}
