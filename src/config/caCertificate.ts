import * as fs from "node:fs";
import * as path from "node:path";
import { X509Certificate } from "node:crypto";

/**
 * Reads the CA certificate for verify-full, relative to the project directory (Pulumi runs the
 * program there), and checks it is one: a PEM CA certificate that has not expired. Grafana would
 * otherwise fail only when the data source first connects.
 */
export function readCaCertificate(file: string): { pem: string } | { problem: string } {
  const full = path.resolve(process.cwd(), file);
  let text: string;
  try {
    text = fs.readFileSync(full, "utf8");
  } catch {
    return { problem: `cannot read ${file} (expected the path, relative to the project directory, of Supabase's CA certificate in PEM)` };
  }
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(text)?.[0];
  if (!pem) return { problem: `${file} holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)` };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return { problem: `${file} is not a readable X.509 certificate` };
  }
  if (!cert.ca) return { problem: `${file} is not a CA certificate (${cert.subject.replace(/\n/g, ", ")}); expected Supabase's root CA` };
  if (new Date(cert.validTo).getTime() < Date.now()) return { problem: `${file} expired on ${cert.validTo}; download the current one from the Supabase Dashboard` };
  return { pem: pem.endsWith("\n") ? pem : `${pem}\n` };
}
