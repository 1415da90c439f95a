// The check object exactly as Healthchecks' API emits it (reference API §1.4), from config + state.
import type { CheckConfig, CheckState, Status } from "./model";
import { getStatus, graceStart } from "./status";

/** Healthchecks' isostring: whole seconds, "+00:00". */
export function isoString(ms: number | null): string | null {
  if (ms === null) return null;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "+00:00");
}

export interface RenderOptions {
  apiVersion: 1 | 2 | 3;
  readonly: boolean;
  siteRoot: string;
  pingEndpoint: string;
  /** When set, rw renderings include the check's email ping address. */
  pingEmailDomain?: string;
  now: number;
}

/** Healthchecks' CheckDict: the optional fields depend on the key (read-only or not) and the kind. */
export type RenderedCheck = {
  name: string;
  slug: string;
  tags: string;
  desc: string;
  grace: number;
  n_pings: number;
  status: Status;
  started: boolean;
  last_ping: string | null;
  next_ping: string | null;
  manual_resume: boolean;
  methods: string;
  subject: string;
  subject_fail: string;
  start_kw: string;
  success_kw: string;
  failure_kw: string;
  filter_subject: boolean;
  filter_body: boolean;
  filter_http_body: boolean;
  filter_default_fail: boolean;
  badge_url: string;
  last_duration?: number;
  unique_key?: string;
  uuid?: string;
  ping_url?: string;
  email?: string;
  update_url?: string;
  pause_url?: string;
  resume_url?: string;
  channels?: string;
  timeout?: number;
  schedule?: string;
  tz?: string;
};

export function renderCheck(cfg: CheckConfig, st: CheckState, o: RenderOptions): RenderedCheck {
  const out: RenderedCheck = {
    name: cfg.name,
    slug: cfg.slug,
    tags: cfg.tags,
    desc: cfg.desc,
    grace: cfg.grace,
    n_pings: st.n_pings,
    status: getStatus(cfg, st, o.now, o.apiVersion === 1),
    started: st.last_start !== null,
    last_ping: isoString(st.last_ping),
    next_ping: isoString(graceStart(cfg, st, true)),
    manual_resume: cfg.manual_resume,
    methods: cfg.methods,
    subject: cfg.filter_subject ? cfg.success_kw : "",
    subject_fail: cfg.filter_subject ? cfg.failure_kw : "",
    start_kw: cfg.start_kw,
    success_kw: cfg.success_kw,
    failure_kw: cfg.failure_kw,
    filter_subject: cfg.filter_subject,
    filter_body: cfg.filter_body,
    filter_http_body: cfg.filter_http_body,
    filter_default_fail: cfg.filter_default_fail,
    badge_url: `${o.siteRoot}/b/2/${cfg.badge_key}.svg`,
  };
  if (st.last_duration) out.last_duration = Math.floor(st.last_duration / 1000);
  if (o.readonly) {
    out.unique_key = cfg.unique_key;
  } else {
    const updateUrl = `${o.siteRoot}/api/v${o.apiVersion}/checks/${cfg.id}`;
    out.uuid = cfg.id;
    out.ping_url = `${o.pingEndpoint}${cfg.id}`;
    if (o.pingEmailDomain) out.email = `${cfg.id}@${o.pingEmailDomain}`;
    out.update_url = updateUrl;
    out.pause_url = `${updateUrl}/pause`;
    out.resume_url = `${updateUrl}/resume`;
    out.channels = cfg.channels;
  }
  if (cfg.kind === "simple") out.timeout = cfg.timeout;
  else {
    out.schedule = cfg.schedule;
    out.tz = cfg.tz;
  }
  return out;
}
