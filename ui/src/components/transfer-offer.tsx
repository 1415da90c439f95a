// A pending ownership transfer offered to the signed-in user, shown on top of the project's checks.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, data } from "../api";
import { ErrorText } from "./forms";

export function TransferOffer({ id, from }: { id: string; from: string }) {
  const queryClient = useQueryClient();
  const answer = useMutation({
    mutationFn: async (accept: boolean) => {
      if (accept) await data(api.projects[":id"].transfer.accept.$post({ param: { id } }));
      else await data(api.projects[":id"].transfer.decline.$post({ param: { id } }));
    },
    onSuccess: () => queryClient.invalidateQueries(),
  });
  return (
    <section className="card callout" aria-labelledby="transfer-offer">
      <h2 id="transfer-offer">Ownership offered to you</h2>
      <p>{from} offers you the ownership of this project. As its owner you may delete it and transfer it again.</p>
      <ErrorText error={answer.error} />
      <p className="actions">
        <button type="button" className="primary" disabled={answer.isPending} onClick={() => answer.mutate(true)}>
          Accept ownership
        </button>
        <button type="button" disabled={answer.isPending} onClick={() => answer.mutate(false)}>
          Decline
        </button>
      </p>
    </section>
  );
}
