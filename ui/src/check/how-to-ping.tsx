// "How to ping": the check's ping addresses with copy buttons, examples in several languages, and the
// filtering rules (which requests count, keywords that make a ping a start, success or failure).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, data } from "../api";
import { CopyField, ErrorText, Submit } from "../components/forms";
import { Dialog } from "../components/dialog";
import { Tabs } from "./tabs";
import type { CheckDetails } from "./types";

function examples(url: string, email: string | null) {
  const tabs = [
    { key: "curl", label: "curl", code: `# Report success (add /fail, /start, /log or an exit status such as /1)\ncurl -fsS -m 10 --retry 5 -o /dev/null ${url}` },
    { key: "wget", label: "wget", code: `wget -q -T 10 -t 5 -O /dev/null ${url}` },
    {
      key: "crontab",
      label: "crontab",
      code: `# Every night at 02:30: run the job, then report its exit status (0 is success)\n30 2 * * * /usr/local/bin/nightly-job.sh; curl -fsS -m 10 --retry 5 -o /dev/null ${url}/$?`,
    },
    { key: "python", label: "Python", code: `import urllib.request\n\n# At the end of the job\nurllib.request.urlopen("${url}", timeout=10)` },
    { key: "node", label: "Node.js", code: `// At the end of the job (Node.js 18 or later)\nawait fetch("${url}", { method: "POST", signal: AbortSignal.timeout(10_000) });` },
    {
      key: "go",
      label: "Go",
      code: `client := &http.Client{Timeout: 10 * time.Second}\nif resp, err := client.Get("${url}"); err == nil {\n\tresp.Body.Close()\n}`,
    },
    { key: "powershell", label: "PowerShell", code: `Invoke-RestMethod -Uri "${url}" -TimeoutSec 10 | Out-Null` },
  ];
  if (email !== null) {
    tabs.push({ key: "email", label: "Email", code: `# Any message to this address is a ping\necho "nightly job done" | mail -s "Nightly job: OK" ${email}` });
  }
  return tabs;
}

export function HowToPing({ check, projectId, writer }: { check: CheckDetails; projectId: string; writer: boolean }) {
  const [editing, setEditing] = useState(false);
  return (
    <>
      <CopyField label="Ping URL" value={check.ping_url} />
      {check.ping_url_slug !== null ? (
        <>
          <CopyField label="Ping URL by slug" value={check.ping_url_slug} />
          <p className="hint">Put the project's ping key (made in the project's settings) in place of {"{ping_key}"}.</p>
        </>
      ) : null}
      {check.email !== null ? <CopyField label="Email address" value={check.email} /> : null}
      <p className="hint">
        A request to the URL (HEAD, GET or POST) is a success. Add <code>/start</code> when a run starts, <code>/fail</code> when it fails, <code>/log</code> for
        a note, or the exit status (<code>/0</code> to <code>/255</code>). A POST's body is kept with the ping.
      </p>
      <h3>Examples</h3>
      <Tabs
        label="Examples"
        tabs={examples(check.ping_url, check.email).map((e) => ({
          key: e.key,
          label: e.label,
          content: (
            <pre className="code">
              <code>{e.code}</code>
            </pre>
          ),
        }))}
      />
      <h3>Filtering rules</h3>
      <p>{rulesSummary(check)}</p>
      {writer ? (
        <button type="button" onClick={() => setEditing(true)}>
          Filtering rules…
        </button>
      ) : null}
      {editing ? <RulesDialog check={check} projectId={projectId} onClose={() => setEditing(false)} /> : null}
    </>
  );
}

function rulesSummary(c: CheckDetails): string {
  const methods = c.methods === "POST" ? "Only POST requests count; HEAD and GET are ignored." : "HEAD, GET and POST requests count.";
  const where = [c.filter_http_body && "request bodies", c.filter_subject && "email subjects", c.filter_body && "email bodies"].filter(Boolean);
  const keywords =
    where.length === 0
      ? "Keywords are not looked for."
      : `Keywords are looked for in ${where.join(", ")}; without a match a ping ${c.filter_default_fail ? "counts as a failure" : "is ignored"}.`;
  const paused = c.manual_resume ? " While paused, pings are ignored." : "";
  return `${methods} ${keywords}${paused}`;
}

function RulesDialog({ check, projectId, onClose }: { check: CheckDetails; projectId: string; onClose: () => void }) {
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (json: Rules) => data(api.projects[":id"].checks[":uuid"].$patch({ param: { id: projectId, uuid: check.uuid }, json })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["project", projectId] });
      onClose();
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (name: string) => String(f.get(name) ?? "").trim();
    save.mutate({
      methods: f.get("methods") === "POST" ? "POST" : "",
      filter_http_body: f.has("filter_http_body"),
      filter_subject: f.has("filter_subject"),
      filter_body: f.has("filter_body"),
      start_kw: text("start_kw"),
      success_kw: text("success_kw"),
      failure_kw: text("failure_kw"),
      filter_default_fail: f.get("no_match") === "fail",
      manual_resume: f.has("manual_resume"),
    });
  };
  return (
    <Dialog title="Filtering rules" onClose={onClose}>
      <form onSubmit={submit} className="rules-form">
        <fieldset>
          <legend>HTTP requests</legend>
          <label className="check">
            <input type="radio" name="methods" value="" defaultChecked={check.methods !== "POST"} data-autofocus /> HEAD, GET and POST count as pings
          </label>
          <label className="check">
            <input type="radio" name="methods" value="POST" defaultChecked={check.methods === "POST"} /> Only POST counts (HEAD and GET are ignored, as link
            checkers send them)
          </label>
        </fieldset>
        <fieldset>
          <legend>Look for keywords in</legend>
          <label className="check">
            <input type="checkbox" name="filter_http_body" defaultChecked={check.filter_http_body} /> HTTP request body
          </label>
          <label className="check">
            <input type="checkbox" name="filter_subject" defaultChecked={check.filter_subject} /> Email subject
          </label>
          <label className="check">
            <input type="checkbox" name="filter_body" defaultChecked={check.filter_body} /> Email body
          </label>
        </fieldset>
        <KeywordField name="start_kw" label="Start keywords" value={check.start_kw} />
        <KeywordField name="success_kw" label="Success keywords" value={check.success_kw} />
        <KeywordField name="failure_kw" label="Failure keywords" value={check.failure_kw} />
        <fieldset>
          <legend>When no keyword matches</legend>
          <label className="check">
            <input type="radio" name="no_match" value="ignore" defaultChecked={!check.filter_default_fail} /> Ignore the ping
          </label>
          <label className="check">
            <input type="radio" name="no_match" value="fail" defaultChecked={check.filter_default_fail} /> Count it as a failure
          </label>
        </fieldset>
        <fieldset>
          <legend>While paused</legend>
          <label className="check">
            <input type="checkbox" name="manual_resume" defaultChecked={check.manual_resume} /> Ignore pings until the check is resumed here
          </label>
        </fieldset>
        <ErrorText error={save.error} />
        <div className="actions">
          <Submit busy={save.isPending}>Save rules</Submit>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

type Rules = {
  methods: "" | "POST";
  filter_http_body: boolean;
  filter_subject: boolean;
  filter_body: boolean;
  start_kw: string;
  success_kw: string;
  failure_kw: string;
  filter_default_fail: boolean;
  manual_resume: boolean;
};

function KeywordField({ name, label, value }: { name: string; label: string; value: string }) {
  const id = `rules-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} defaultValue={value} maxLength={200} autoComplete="off" aria-describedby={`${id}-hint`} />
      <p className="hint" id={`${id}-hint`}>
        Comma-separated; a ping whose text contains any of them is a {label.split(" ")[0]!.toLowerCase()}.
      </p>
    </div>
  );
}
