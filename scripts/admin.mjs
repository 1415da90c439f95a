#!/usr/bin/env node
// `npm run -s admin -- <verb> ...`: call the admin API of a running edgechecks instance.
// stdout carries only the JSON answer, so `npm run -s admin -- list-projects | jq` works;
// everything else (usage, HTTP errors, connection errors) goes to stderr.
// Exit status: 0 success, 1 the request failed or was refused, 2 usage error.

const KEY_KINDS = ["api_key", "api_key_readonly", "ping_key"];
// Healthchecks' reminder choices, as the PATCH route accepts them (seconds).
const REMINDERS = { off: 0, hourly: 3600, daily: 86400 };

const USAGE = `Usage: npm run -s admin -- [--url URL] [--token TOKEN] <verb> [args]

Verbs:
  create-user EMAIL           make an account (with its default project) if it is new, and print a
                              one-time sign-in link for it (15 minutes; no email needed)
  create-project NAME         create a project (prints its id and keys, shown only once)
  list-projects               list all projects
  show-project ID             one project: name, owner, reminder period, numbers of checks and channels
  set-reminders ID PERIOD     repeat alerts of down checks; PERIOD is one of ${Object.keys(REMINDERS).join(", ")}
  set-owner ID EMAIL          make the account with EMAIL the project's owner (the previous owner stays as a member)
  rotate-key ID KIND          issue a new key; KIND is one of ${KEY_KINDS.join(", ")}
  delete-project ID           delete a project and everything in it

Options:
  --url URL       the instance (default $EDGECHECKS_URL or http://127.0.0.1:8787)
  --token TOKEN   the admin token (default $ADMIN_TOKEN)
  -h, --help      show this help

Prints the answer as JSON on stdout; errors go to stderr (exit 1; usage errors exit 2).
`;

function usageError(message) {
  process.stderr.write(`admin: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    url: process.env.EDGECHECKS_URL || "http://127.0.0.1:8787",
    token: process.env.ADMIN_TOKEN || "",
    positional: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    const match = /^--(url|token)(?:=(.*))?$/.exec(arg);
    if (match) {
      const value = match[2] ?? argv[++i];
      if (value === undefined || value === "") usageError(`--${match[1]} needs a value`);
      opts[match[1]] = value;
    } else if (arg === "--") {
      opts.positional.push(...argv.slice(i + 1));
      break;
    } else if (arg.startsWith("-") && arg !== "-") {
      usageError(`unknown option ${arg}`);
    } else {
      opts.positional.push(arg);
    }
  }
  return opts;
}

/** Map a verb and its arguments to [method, path, body]. */
function route(verb, args) {
  const need = (n, names) => {
    if (args.length !== n) usageError(`${verb} takes ${names || "no arguments"}`);
  };
  const id = (value) => encodeURIComponent(value);
  switch (verb) {
    case "create-user":
      need(1, "EMAIL");
      return ["POST", "/admin/v1/users", { email: args[0] }];
    case "create-project":
      need(1, "NAME");
      return ["POST", "/admin/v1/projects", { name: args[0] }];
    case "list-projects":
      need(0);
      return ["GET", "/admin/v1/projects"];
    case "show-project":
      need(1, "ID");
      return ["GET", `/admin/v1/projects/${id(args[0])}`];
    case "set-reminders":
      need(2, "ID PERIOD");
      if (!Object.hasOwn(REMINDERS, args[1])) usageError(`PERIOD must be one of ${Object.keys(REMINDERS).join(", ")}`);
      return ["PATCH", `/admin/v1/projects/${id(args[0])}`, { nag_period: REMINDERS[args[1]] }];
    case "set-owner":
      need(2, "ID EMAIL");
      return ["PATCH", `/admin/v1/projects/${id(args[0])}`, { owner: args[1] }];
    case "rotate-key":
      need(2, "ID KIND");
      if (!KEY_KINDS.includes(args[1])) usageError(`KIND must be one of ${KEY_KINDS.join(", ")}`);
      return ["POST", `/admin/v1/projects/${id(args[0])}/keys`, { kind: args[1] }];
    case "delete-project":
      need(1, "ID");
      return ["DELETE", `/admin/v1/projects/${id(args[0])}`];
    case undefined:
      return usageError("no verb given");
    default:
      return usageError(`unknown verb ${verb}`);
  }
}

function fail(message) {
  process.stderr.write(`admin: ${message}\n`);
  process.exit(1);
}

const opts = parseArgs(process.argv.slice(2));
const [verb, ...args] = opts.positional;
const [method, path, body] = route(verb, args);
if (!opts.token) usageError("no admin token: pass --token or set ADMIN_TOKEN");

let base;
try {
  base = new URL(opts.url.endsWith("/") ? opts.url : `${opts.url}/`);
} catch {
  usageError(`--url is not a URL: ${opts.url}`);
}
const url = new URL(path.slice(1), base);
const headers = { Authorization: `Bearer ${opts.token}`, Accept: "application/json" };
if (body !== undefined) headers["Content-Type"] = "application/json";

let res;
try {
  res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
} catch (err) {
  const reason = err instanceof Error ? (err.cause?.message ?? err.message) : String(err);
  fail(`${method} ${url}: ${reason}`);
}

const text = await res.text();
if (!res.ok) fail(`${method} ${url.pathname} → HTTP ${res.status} ${res.statusText}${text ? `\n${text}` : ""}`);
let json;
try {
  json = JSON.parse(text);
} catch {
  // Not the admin API (a proxy page, another service on the port): never pass that off as the answer.
  fail(`${method} ${url.pathname} → HTTP ${res.status}, but the answer is not JSON:\n${text.slice(0, 2000)}`);
}
process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
// The one thing a person running create-user wants, said plainly where it does not spoil the JSON.
if (verb === "create-user" && process.stderr.isTTY) process.stderr.write(`\nOpen this link to sign in (once, within 15 minutes):\n${json.sign_in_link}\n`);
