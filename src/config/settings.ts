import type * as pulumi from "@pulumi/pulumi";
import type { Identity } from "./identity";
import type { PlainSettings, SecretKey } from "./schema";

/**
 * The shape of the validated settings, and nothing else: every part of the program reads these
 * types, so they live apart from the code that validates (validate.ts) and loads (load.ts) them,
 * which itself reads alerts and budgets. Importing a type from there would close an import cycle.
 */

/** Settings after validation, with the defaults that derive from other keys filled in. */
export interface PlainValidated extends Omit<PlainSettings, "functionsBaseUrl" | "postgresHost" | "postgresUser" | "alertGuideUrl" | "folderUid" | "smUrl"> {
  /** The Synthetic Monitoring API: smUrl, else derived from grafanaCloud.region; undefined only while synthetics are off and neither is set. */
  smUrl: string | undefined;
  /** postgresUser, else grafana_readonly (with `.<ref>` through Supabase's pooler). */
  postgresUser: string;
  folderUid: string;
  stack: string;
  /** Uids and names of every Grafana object, scoped by stack (see identity.ts). */
  identity: Identity;
  /** This stack is notificationPolicyOwner: it owns the org's notification policy tree. */
  ownsNotificationPolicy: boolean;
  /** The PEM text of postgresCaCertFile, read and checked; undefined when postgresSslMode opts out. */
  postgresCaCertificate?: string;
  functionsBaseUrl: string;
  /** Undefined when neither alertGuideUrl nor github.owner is set: alerts then link the runbook itself. */
  alertGuideUrl: string | undefined;
  postgresHost: string;
}

/** The validated settings: every plain value resolved, every secret still a Pulumi secret. */
export interface Settings extends PlainValidated {
  stack: string;
  secrets: Record<SecretKey, pulumi.Output<string> | undefined>;
}

