// The frame of every page: a skip link, the top bar (project switcher, the signed-in email, Sign out)
// and the page itself; plus the not-found and error pages.
import { useQuery, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { Link, Outlet, useNavigate, useParams, useRouter, type ErrorComponentProps } from "@tanstack/react-router";
import { useEffect, useState } from "react";
import { ApiError, auth, errorMessage } from "../api";
import { forgetAccount, meQuery } from "../queries";
import { projectStatusWords, type ProjectStatusCounts } from "../project-status";
import { Page } from "./page";
import { StatusIcon } from "./status";
import "../styles/projects.css";

/** The signed-in user on pages under the signed-in routes (their beforeLoad made sure of it). */
export function useMe() {
  const me = useSuspenseQuery(meQuery).data;
  if (me === null) throw new ApiError(401, "not signed in");
  return me;
}

export function Layout() {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <TopBar />
      <main id="main">
        <Outlet />
      </main>
    </>
  );
}

function TopBar() {
  const me = useQuery(meQuery).data;
  return (
    <header className="topbar">
      <Link to="/" className="brand">
        edgechecks
      </Link>
      {me ? (
        <>
          <ProjectSwitcher projects={me.projects} />
          <nav className="topbar-user" aria-label="Account">
            <Link to="/account" className="topbar-email" title="Account settings">
              {me.email}
            </Link>
            <SignOutButton />
          </nav>
        </>
      ) : (
        <nav className="topbar-user" aria-label="Account">
          <Link to="/signin">Sign in</Link>
          <Link to="/signup">Sign up</Link>
        </nav>
      )}
    </header>
  );
}

/**
 * A native select (keyboard and screen readers know it), so each project's status is in its option's
 * words ("Ops — 2 down"); the current project's icon stands beside it.
 */
function ProjectSwitcher({ projects }: { projects: (ProjectStatusCounts & { id: string; name: string; started: boolean })[] }) {
  const { id } = useParams({ strict: false });
  const navigate = useNavigate();
  const current = projects.find((p) => p.id === id);
  return (
    <div className="switcher">
      {current ? (
        <span aria-hidden="true">
          <StatusIcon status={current.status} started={current.started} />
        </span>
      ) : null}
      <label htmlFor="project-switcher" className="visually-hidden">
        Project
      </label>
      <select
        id="project-switcher"
        value={current?.id ?? ""}
        onChange={(e) => {
          const to = e.currentTarget.value;
          if (to === "") void navigate({ to: "/" });
          else void navigate({ to: "/projects/$id", params: { id: to } });
        }}
      >
        <option value="">All projects</option>
        {projects.map((p) => (
          <option key={p.id} value={p.id}>
            {`${p.name} — ${projectStatusWords(p)}${p.started ? ", running" : ""}`}
          </option>
        ))}
      </select>
    </div>
  );
}

function SignOutButton() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        await auth.signOut().catch(() => undefined);
        forgetAccount(queryClient);
        setBusy(false);
        await navigate({ to: "/signin" });
      }}
    >
      Sign out
    </button>
  );
}

export function NotFoundPage() {
  return (
    <Page title="Page not found">
      <p>There is no page at this address.</p>
      <p>
        <Link to="/">Go to your projects</Link>
      </p>
    </Page>
  );
}

/** A route whose data could not be loaded: the server's words, a way on; signed out → sign in. */
export function RouteError({ error, reset }: ErrorComponentProps) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const signedOut = error instanceof ApiError && error.status === 401;
  useEffect(() => {
    if (signedOut) {
      forgetAccount(queryClient);
      void router.navigate({ to: "/signin", search: { next: router.state.location.href } });
    }
  }, [signedOut, queryClient, router]);
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <Page title={notFound ? "Not found" : "Something went wrong"}>
      <p className="error" role="alert">
        {errorMessage(error)}
      </p>
      <p className="actions">
        {!notFound ? (
          <button
            type="button"
            onClick={() => {
              reset();
              void router.invalidate();
            }}
          >
            Try again
          </button>
        ) : null}
        <Link to="/">Go to your projects</Link>
      </p>
    </Page>
  );
}
