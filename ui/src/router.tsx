// The route tree, in code: Healthchecks-like URLs that survive a reload (the Worker answers
// /projects/* pages with index.html, the assets' SPA fallback every other page).
import type { QueryClient } from "@tanstack/react-query";
import { createRootRouteWithContext, createRoute, createRouter, lazyRouteComponent, redirect } from "@tanstack/react-router";
import { checksSearch } from "./checks/filters";
import { checkQuery, checksQuery, meQuery, projectQuery } from "./queries";
import { Layout, NotFoundPage, RouteError } from "./components/layout";
import { ChecksPage } from "./pages/checks";
import { ProjectsPage } from "./pages/projects";
import { ForgotPasswordPage, ResetPasswordPage, SignInPage, SignUpPage, TwoFactorPage } from "./pages/sign-in";

/** A path on this site to come back to after signing in, or undefined (never another origin). */
export function safeNext(value: unknown): string | undefined {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : undefined;
}

// The first page someone sees (sign-in, the projects, a project's checks) is in the main bundle;
// every other page loads when first visited (or hovered: the router preloads on intent).
const AccountPage = lazyRouteComponent(() => import("./pages/account"), "AccountPage");
const BadgesPage = lazyRouteComponent(() => import("./pages/badges"), "BadgesPage");
const CheckPage = lazyRouteComponent(() => import("./pages/check"), "CheckPage");
const IntegrationsPage = lazyRouteComponent(() => import("./pages/integrations"), "IntegrationsPage");
const LogPage = lazyRouteComponent(() => import("./pages/log"), "LogPage");
const InvitePage = lazyRouteComponent(() => import("./pages/invite"), "InvitePage");
const SettingsPage = lazyRouteComponent(() => import("./pages/settings"), "SettingsPage");

const nextSearch = (search: Record<string, unknown>): { next?: string } => {
  const next = safeNext(search.next);
  return next === undefined ? {} : { next };
};

const rootRoute = createRootRouteWithContext<{ queryClient: QueryClient }>()({
  component: Layout,
  notFoundComponent: NotFoundPage,
  errorComponent: RouteError,
});

// Pages for signed-out visitors; someone signed in is sent on to where they were going.
const signedOutOnly = async ({ context, search }: { context: { queryClient: QueryClient }; search: { next?: string } }) => {
  if ((await context.queryClient.ensureQueryData(meQuery)) !== null) throw redirect({ href: search.next ?? "/" });
};

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/signin",
  validateSearch: nextSearch,
  beforeLoad: signedOutOnly,
  component: SignInPage,
});

const twoFactorRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/signin/two-factor",
  validateSearch: nextSearch,
  component: TwoFactorPage,
});

const signUpRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/signup",
  validateSearch: (search: Record<string, unknown>): { next?: string; email?: string } => ({
    ...nextSearch(search),
    ...(typeof search.email === "string" ? { email: search.email } : {}),
  }),
  beforeLoad: signedOutOnly,
  component: SignUpPage,
});

const forgotPasswordRoute = createRoute({ getParentRoute: () => rootRoute, path: "/forgot-password", component: ForgotPasswordPage });

const resetPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/reset-password",
  validateSearch: (search: Record<string, unknown>): { token?: string; error?: string } => ({
    ...(typeof search.token === "string" ? { token: search.token } : {}),
    ...(typeof search.error === "string" ? { error: search.error } : {}),
  }),
  component: ResetPasswordPage,
});

// Open to everyone: a signed-out invitee is offered sign-in and sign-up from the page itself.
const inviteRoute = createRoute({ getParentRoute: () => rootRoute, path: "/invite/$invitationId", component: InvitePage });

// Every page below needs a session; without one the visitor signs in and comes back.
const signedInRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: "_app",
  beforeLoad: async ({ context, location }) => {
    if ((await context.queryClient.ensureQueryData(meQuery)) === null) {
      // "/" is where signing in lands anyway (the only project, or the projects).
      throw redirect({ to: "/signin", search: location.href === "/" ? {} : { next: location.href } });
    }
  },
});

const projectsRoute = createRoute({ getParentRoute: () => signedInRoute, path: "/", component: ProjectsPage });

const accountRoute = createRoute({ getParentRoute: () => signedInRoute, path: "/account", component: AccountPage });

// A project's pages: its checks (Healthchecks' /projects/<id>/checks/), one check's details and full
// log, integrations, badges and settings. Filters and log paging live in the query string.
const projectRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/projects/$id",
  validateSearch: checksSearch,
  loader: ({ context, params }) =>
    Promise.all([context.queryClient.ensureQueryData(projectQuery(params.id)), context.queryClient.ensureQueryData(checksQuery(params.id))]),
  component: ChecksPage,
});

const checkLoader = ({ context, params }: { context: { queryClient: QueryClient }; params: { id: string; uuid: string } }) =>
  Promise.all([
    context.queryClient.ensureQueryData(projectQuery(params.id)),
    context.queryClient.ensureQueryData(checkQuery(params.id, params.uuid)),
  ]);

const checkRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/projects/$id/checks/$uuid",
  loader: checkLoader,
  component: CheckPage,
});

const logRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/projects/$id/checks/$uuid/log",
  validateSearch: (search: Record<string, unknown>): { types?: string; before?: string } => ({
    ...(typeof search.types === "string" ? { types: search.types } : {}),
    ...(typeof search.before === "string" ? { before: search.before } : {}),
  }),
  loader: checkLoader,
  component: LogPage,
});

const projectPage = (path: "/projects/$id/integrations" | "/projects/$id/badges" | "/projects/$id/settings", component: typeof SettingsPage) =>
  createRoute({
    getParentRoute: () => signedInRoute,
    path,
    loader: ({ context, params }) => context.queryClient.ensureQueryData(projectQuery(params.id)),
    component,
  });

const integrationsRoute = projectPage("/projects/$id/integrations", IntegrationsPage);
const badgesRoute = projectPage("/projects/$id/badges", BadgesPage);
const settingsRoute = projectPage("/projects/$id/settings", SettingsPage);

const routeTree = rootRoute.addChildren([
  signInRoute,
  twoFactorRoute,
  signUpRoute,
  forgotPasswordRoute,
  resetPasswordRoute,
  inviteRoute,
  signedInRoute.addChildren([projectsRoute, accountRoute, projectRoute, checkRoute, logRoute, integrationsRoute, badgesRoute, settingsRoute]),
]);

export function makeRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: "intent",
    // Freshness is TanStack Query's business; the router always asks it.
    defaultPreloadStaleTime: 0,
    scrollRestoration: true,
  });
}

declare module "@tanstack/react-router" {
  interface Register {
    router: ReturnType<typeof makeRouter>;
  }
}
