// A throwaway certificate authority and a leaf certificate for 127.0.0.1/localhost, made with the
// openssl CLI for the SMTP TLS tests. workerd only trusts extra CAs that miniflare reads from
// NODE_EXTRA_CA_CERTS when the miniflare module loads, so vitest.config.ts calls this before it
// imports @cloudflare/vitest-plugin. If openssl is missing or fails, the reason is kept in
// TLS_ERROR_ENV and the TLS tests fail with it (never skip: a green run must have tested TLS).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface TestCertificates {
  dir: string;
  caCert: string;
  leafKey: string;
  leafCert: string;
}

/** Where globalSetup (same process) finds the files. */
export const TLS_DIR_ENV = "EDGECHECKS_TEST_SMTP_TLS_DIR";
/** Why there are no certificates (globalSetup hands it to the TLS tests). */
export const TLS_ERROR_ENV = "EDGECHECKS_TEST_SMTP_TLS_ERROR";

/** Throws an Error saying what to install when openssl is missing or fails. */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(path.join(tmpdir(), "edgechecks-smtp-tls-"));
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  try {
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
      "-subj", "/CN=edgechecks test CA", "-keyout", f("ca.key"), "-out", f("ca.pem"),
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
      "-subj", "/CN=localhost", "-keyout", f("leaf.key"), "-out", f("leaf.csr"));
    writeFileSync(f("leaf.ext"), [
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature",
      "extendedKeyUsage=serverAuth",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "",
    ].join("\n"));
    openssl("x509", "-req", "-in", f("leaf.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca.key"), "-CAcreateserial",
      "-days", "2", "-extfile", f("leaf.ext"), "-out", f("leaf.pem"));
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    const reason = e.code === "ENOENT" ? "openssl is not installed" : `openssl failed: ${e.stderr?.toString().trim() || e.message}`;
    throw new Error(`${reason}; the SMTP TLS tests need it to make their certificates (apt-get install openssl; .ci/run installs it)`);
  }
  return { dir, caCert: f("ca.pem"), leafKey: f("leaf.key"), leafCert: f("leaf.pem") };
}

/** Makes the certificates and points NODE_EXTRA_CA_CERTS at a bundle with the test CA (plus any CAs already set). */
export function trustTestCertificates(): void {
  // The config may be evaluated more than once per process; miniflare keeps the first CA it read.
  const done = process.env[TLS_DIR_ENV];
  if (done !== undefined && existsSync(path.join(done, "leaf.pem"))) return;
  let certs: TestCertificates;
  try {
    certs = makeTestCertificates();
  } catch (err) {
    process.env[TLS_ERROR_ENV] = (err as Error).message;
    return;
  }
  delete process.env[TLS_ERROR_ENV];
  const existing = process.env.NODE_EXTRA_CA_CERTS;
  const bundle = path.join(certs.dir, "extra-ca.pem");
  const previous = existing !== undefined && existsSync(existing) ? readFileSync(existing, "utf8") : "";
  writeFileSync(bundle, `${previous}\n${readFileSync(certs.caCert, "utf8")}`);
  process.env.NODE_EXTRA_CA_CERTS = bundle;
  process.env[TLS_DIR_ENV] = certs.dir;
  process.on("exit", () => rmSync(certs.dir, { recursive: true, force: true }));
}
