// /invite/:id: an invitation to a project, with Accept / Decline. Signed out, the visitor is offered
// sign-in and sign-up (prefilled with the invited address) and comes back here afterwards.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import { api, ApiError, data } from "../api";
import { ErrorText } from "../components/forms";
import { Page } from "../components/page";
import { invitationQuery, meQuery } from "../queries";
import { roleLabel } from "../roles";

const routeApi = getRouteApi("/invite/$invitationId");

export function InvitePage() {
  const { invitationId } = routeApi.useParams();
  const me = useQuery(meQuery);
  const invitation = useQuery({ ...invitationQuery(invitationId), enabled: me.data != null });
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const accept = useMutation({
    mutationFn: () => data(api.invitations[":invitationId"].accept.$post({ param: { invitationId } })),
    onSuccess: async (joined) => {
      await queryClient.invalidateQueries({ queryKey: ["me"] });
      await navigate({ to: "/projects/$id", params: { id: joined.project.id } });
    },
  });
  const decline = useMutation({
    mutationFn: () => data(api.invitations[":invitationId"].decline.$post({ param: { invitationId } })),
  });
  const here = `/invite/${invitationId}`;

  if (me.isPending) return <Page title="Invitation">Loading…</Page>;
  if (me.data === null) {
    return (
      <Page title="You are invited to a project" narrow>
        <div className="card">
          <p>Sign in, or sign up with the address this invitation was sent to, to see and answer it.</p>
          <p className="actions">
            <Link className="button primary" to="/signin" search={{ next: here }}>
              Sign in
            </Link>
            <Link className="button" to="/signup" search={{ next: here }}>
              Sign up
            </Link>
          </p>
        </div>
      </Page>
    );
  }
  if (invitation.isPending) return <Page title="Invitation">Loading…</Page>;
  if (invitation.isError) {
    const gone = invitation.error instanceof ApiError && invitation.error.status === 404;
    return (
      <Page title="Invitation">
        <p className="error" role="alert">
          {gone ? "This invitation is no longer valid: it may have expired, been revoked or been used." : invitation.error.message}
        </p>
        <p>
          <Link to="/">Go to your projects</Link>
        </p>
      </Page>
    );
  }
  const inv = invitation.data;
  const forSomeoneElse = me.data !== undefined && me.data.email.toLowerCase() !== inv.email.toLowerCase();
  return (
    <Page title={`Invitation to ${inv.project.name}`} narrow>
      <div className="card">
        <p>
          <strong>{inv.inviter_email}</strong> invites <strong>{inv.email}</strong> to the project <strong>{inv.project.name}</strong> as{" "}
          <span className={`role role-${inv.role}`}>{roleLabel(inv.role)}</span>.
        </p>
        <p className="muted">The invitation expires {new Date(inv.expires_at).toLocaleString()}.</p>
        {forSomeoneElse ? (
          <p className="error" role="alert">
            You are signed in as {me.data?.email}. Sign out and sign in (or sign up) as {inv.email} to answer it.
          </p>
        ) : decline.isSuccess ? (
          <p className="notice" role="status">
            You declined the invitation. <Link to="/">Go to your projects</Link>
          </p>
        ) : (
          <p className="actions">
            <button type="button" className="primary" disabled={accept.isPending || decline.isPending} onClick={() => accept.mutate()}>
              Accept
            </button>
            <button type="button" disabled={accept.isPending || decline.isPending} onClick={() => decline.mutate()}>
              Decline
            </button>
          </p>
        )}
        <ErrorText error={accept.error ?? decline.error} />
      </div>
    </Page>
  );
}
