#!/usr/bin/env node
// `npm run admin -- <verb> ...`: call the admin API of a running edgechecks instance.
// Prints the JSON response (pretty) on stdout; on a non-2xx answer prints the body
// on stderr and exits 1.

const KEY_KINDS = ["api_key", "api_key_readonly", "ping_key"];

const USAGE = `Usage: npm run admin -- [--url URL] [--token TOKEN] <verb> [args]

Verbs:
  create-project NAME     create a project (prints its id and keys)
  list-projects           list all projects
  delete-project ID       delete a project and everything in it
  rotate-key ID KIND      issue a new key; KIND is one of ${KEY_KINDS.join(", ")}

Options:
  --url URL       the instance (default $EDGECHECKS_URL or http://127.0.0.1:8787)
  --token TOKEN   the admin token (default $ADMIN_TOKEN)
  -h, --help      show this help
`;

function usageError(message) {
  console.error(`admin: ${message}\n\n${USAGE}`);
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
    case "create-project":
      need(1, "NAME");
      return ["POST", "/admin/v1/projects", { name: args[0] }];
    case "list-projects":
      need(0);
      return ["GET", "/admin/v1/projects"];
    case "delete-project":
      need(1, "ID");
      return ["DELETE", `/admin/v1/projects/${id(args[0])}`];
    case "rotate-key":
      need(2, "ID KIND");
      if (!KEY_KINDS.includes(args[1])) usageError(`KIND must be one of ${KEY_KINDS.join(", ")}`);
      return ["POST", `/admin/v1/projects/${id(args[0])}/keys`, { kind: args[1] }];
    case undefined:
      usageError("no verb given");
    default:
      usageError(`unknown verb ${verb}`);
  }
}

const opts = parseArgs(process.argv.slice(2));
const [verb, ...args] = opts.positional;
const [method, path, body] = route(verb, args);
if (!opts.token) usageError("no admin token: pass --token or set ADMIN_TOKEN");

const url = new URL(path, opts.url.endsWith("/") ? opts.url : `${opts.url}/`);
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
  console.error(`admin: ${method} ${url}: ${reason}`);
  process.exit(1);
}

const text = await res.text();
if (!res.ok) {
  console.error(`admin: ${method} ${url.pathname} → HTTP ${res.status} ${res.statusText}`);
  if (text) console.error(text);
  process.exit(1);
}
if (text === "") {
  // e.g. 204 No Content after a delete.
  console.log(JSON.stringify({ ok: true, status: res.status }, null, 2));
} else {
  try {
    console.log(JSON.stringify(JSON.parse(text), null, 2));
  } catch {
    console.log(text);
  }
}
