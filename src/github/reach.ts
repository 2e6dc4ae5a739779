import type { Settings } from "../config/load";
import { PROJECT } from "../config/schema";
import { credentials, pulumiOidcPolicies, type Credential, type CredentialHome } from "./credentials";
import type { Delivery } from "./delivery";
import { environmentSpecs, type EnvironmentSpec } from "./environments";

/**
 * What a collaborator's branch reaches, derived from the mechanism rather than written beside it.
 *
 * A branch controls everything a run of its code does: `index.ts`, `npm ci`, and the workflow files
 * themselves (a `pull_request` run uses the branch's own `.github/workflows`, and anyone with write
 * access can push a workflow that names any environment). So what a branch can obtain is decided
 * only by what the branch cannot change:
 * - GitHub releases an environment's secrets, and its OIDC subject
 *   `repo:<owner>/<repo>:environment:<name>`, to a job that names the environment once the
 *   environment's protection passes: its deployment branch policy and its required reviewers. The
 *   program registers both (environments.ts -> component.ts); an environment it does not declare is
 *   created unprotected by the first job that names it.
 * - Pulumi Cloud mints a team token for an OIDC token whose claims match one of its policies
 *   (pulumiOidcPolicies, registered by a person from out/<stack>/delivery/pulumi-oidc-policies.json).
 * - Pulumi Cloud decrypts a stack's config and state for any token holding `stack:decrypt` on it.
 */

/** Pulumi Cloud's default stack permission sets (Pulumi Cloud docs, Administration > RBAC > Permission sets). */
export const STACK_PERMISSION_SCOPES = {
  "Stack Read": ["stack:read", "stack:export", "stack:encrypt", "stack:decrypt", "stack_deployment:read", "stack_deployment_settings:read", "stack_access:read", "stack_schedule:read"],
  "Stack Write": [
    "stack:read",
    "stack:export",
    "stack:encrypt",
    "stack:decrypt",
    "stack_deployment:read",
    "stack_deployment_settings:read",
    "stack_access:read",
    "stack_schedule:read",
    "stack:import",
    "stack:cancel_update",
    "stack:write",
    "stack_deployment_settings:write",
    "stack_deployment_settings:encrypt",
    "stack_deployment_cache:read",
  ],
} as const;
export type StackPermission = keyof typeof STACK_PERMISSION_SCOPES;

export type OidcPolicy = ReturnType<typeof pulumiOidcPolicies>[number];

/** Who a credential is released to, weakest first. */
export type Gate =
  /** Any run of any branch of this repository, approved by nobody. */
  | { kind: "any-branch"; why: string }
  /** A run of any branch, once a maintainer other than its author approved that very run. */
  | { kind: "approved-run"; environment: string }
  /** Only a run of main, approved by a maintainer; main moves by reviewed pull requests only. */
  | { kind: "approved-main"; environment: string }
  /** No workflow run: Pulumi Cloud's organization admins only. */
  | { kind: "no-run"; why: string };

const STRENGTH: Record<Gate["kind"], number> = { "any-branch": 0, "approved-run": 1, "approved-main": 2, "no-run": 3 };
const weakest = (gates: Gate[], otherwise: Gate): Gate => gates.reduce<Gate>((a, b) => (STRENGTH[b.kind] < STRENGTH[a.kind] ? b : a), otherwise);

/** The inputs of the derivation: what the program registers and what Pulumi Cloud is told to trust. */
export interface Mechanism {
  /** `<owner>/<repo>` of the repository whose workflows run Pulumi. */
  repository: string;
  /** The environments the program registers on that repository (none when github.enabled is false). */
  environments: EnvironmentSpec[];
  policies: OidcPolicy[];
  /** Pulumi Cloud stacks, `<org>/<project>/<stack>`. */
  stacks: string[];
}

export function mechanism(settings: Settings, delivery: Delivery): Mechanism {
  return {
    repository: `${settings.github.owner ?? "<owner>"}/${settings.github.repository}`,
    environments: settings.github.enabled ? environmentSpecs(settings, delivery).filter((e) => e.repository === settings.github.repository) : [],
    policies: pulumiOidcPolicies(settings, delivery),
    stacks: delivery.stacks.map((s) => `${delivery.pulumiOrganization}/${PROJECT}/${s}`),
  };
}

/** The gate GitHub puts in front of an environment's secrets and OIDC subject. */
export function environmentGate(m: Mechanism, environment: string | undefined): Gate {
  if (environment === undefined) return { kind: "any-branch", why: "a job without an environment" };
  const spec = m.environments.find((e) => e.environment === environment);
  if (!spec) return { kind: "any-branch", why: `environment '${environment}' is not declared by the program, and GitHub creates it unprotected for the first job that names it` };
  if (spec.needsApproval && spec.mainOnly) return { kind: "approved-main", environment };
  if (spec.needsApproval) return { kind: "approved-run", environment };
  if (spec.mainOnly) return { kind: "any-branch", why: `environment '${environment}' takes main only but needs no approval, and a branch protection rule is not the program's` };
  return { kind: "any-branch", why: `environment '${environment}' has neither required reviewers nor a branch policy` };
}

/** The gate in front of a Pulumi Cloud OIDC policy: what subject a run must present to get its token. */
export function policyGate(m: Mechanism, policy: OidcPolicy): Gate {
  // Only an exact environment subject of this repository is tied to an environment's protection;
  // a wildcard, a `ref:` or `pull_request` subject is one any branch's run can present.
  const match = /^repo:([^:*]+):environment:([^:*]+)$/.exec(policy.rules.sub);
  if (!match || match[1] !== m.repository) return { kind: "any-branch", why: `the Pulumi OIDC policy for team ${policy.team} trusts the subject '${policy.rules.sub}'` };
  return environmentGate(m, match[2]);
}

/** Who can decrypt a stack's config and state: every policy whose permission set holds stack:decrypt on it. */
export function decryptGate(m: Mechanism, stack: string): Gate {
  const holders = m.policies.filter((p) => p.stacks.includes(stack) && (STACK_PERMISSION_SCOPES[p.stackPermission] as readonly string[]).includes("stack:decrypt"));
  return weakest(
    holders.map((p) => policyGate(m, p)),
    { kind: "no-run", why: "no OIDC policy gives stack:decrypt on it" },
  );
}

export function credentialGate(m: Mechanism, home: CredentialHome, stack: string): Gate {
  switch (home.kind) {
    case "oidc": {
      const policies = m.policies.filter((p) => p.team === home.pulumiTeam);
      return weakest(
        policies.map((p) => policyGate(m, p)),
        { kind: "no-run", why: `no OIDC policy names team ${home.pulumiTeam}` },
      );
    }
    case "environment-secret":
      return environmentGate(m, home.environment);
    case "stack-config":
      return decryptGate(m, stack);
    case "stack-state":
      return decryptGate(m, m.stacks.find((s) => s.endsWith(`/${home.stack}`)) ?? stack);
  }
}

/** The table's last column: what a collaborator's branch gets, and through which gate. */
export function describeGate(gate: Gate, c: Pick<Credential, "home" | "canDo">): string {
  const decrypts = c.home.kind === "stack-config" || c.home.kind === "stack-state";
  const power = decrypts ? "decrypt it (the preview's Stack Read includes stack:decrypt)" : c.canDo;
  switch (gate.kind) {
    case "any-branch":
      return `EVERYTHING, unreviewed: ${gate.why}`;
    case "approved-run":
      return `nothing until a maintainer other than its author approves that run (\`${gate.environment}\` environment: required reviewers); then ${power}`;
    case "approved-main":
      return `nothing: only a run of main that a maintainer approved (\`${gate.environment}\` environment: main only, required reviewers)`;
    case "no-run":
      return `nothing: ${gate.why}`;
  }
}

export interface Reach extends Credential {
  gate: Gate;
  fromABranch: string;
}

/** Every credential with the gate in front of it, as the mechanism says. */
export function reach(settings: Settings, delivery: Delivery, m: Mechanism = mechanism(settings, delivery)): Reach[] {
  const stack = `${delivery.pulumiOrganization}/${PROJECT}/${settings.stack}`;
  return credentials(settings, delivery).map((c) => {
    const gate = credentialGate(m, c.home, stack);
    return { ...c, gate, fromABranch: describeGate(gate, c) };
  });
}

/** What an unreviewed branch obtains: must stay empty. */
export function unreviewedReach(list: Reach[]): Reach[] {
  return list.filter((c) => c.gate.kind === "any-branch");
}

/** The credentials as a Markdown table, for out/<stack>/delivery/credentials.md and the README. */
export function credentialsTable(list: Reach[]): string {
  const where = (h: CredentialHome) => {
    if (h.kind === "oidc") return `OIDC, \`${h.environment}\` environment -> Pulumi team \`${h.pulumiTeam}\` (${h.stackPermission})`;
    if (h.kind === "stack-config") return `stack config \`${h.key}\` (encrypted)`;
    if (h.kind === "stack-state") return `Pulumi Cloud, stack \`${h.stack}\`'s state (encrypted)`;
    return `\`${h.environment}\` environment secret \`${h.secretName}\`, set by ${h.setBy === "program" ? "the program" : "a person"}`;
  };
  const used = (c: Reach) =>
    c.usedBy.length > 0 ? c.usedBy.map((u) => `${u.workflow} \`${u.job}\` "${u.step}" as \`${u.as}\``).join("<br>") : c.home.kind === "stack-config" || c.home.kind === "stack-state" ? "`pulumi preview` and `pulumi up`" : "outside these workflows";
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  return (
    [
      "| credential | where it lives | used by | can do | from a collaborator's branch |",
      "|---|---|---|---|---|",
      ...list.map((c) => `| ${cell(c.what)} | ${cell(where(c.home))} | ${cell(used(c))} | ${cell(c.canDo)} | ${cell(c.fromABranch)} |`),
    ].join("\n") + "\n"
  );
}

/** A value marked secret in what the program registers: it lands, encrypted, in the stack's state. */
export interface StateSecret {
  type: string;
  name: string;
  path: string;
}

/**
 * The secrets a stack's state will hold, from a run of the program: every resource input marked
 * secret and every secret stack output. (Outputs a provider marks secret, such as a generated
 * password's `result`, are there too; each of this program's reaches the state again as an input.)
 */
export function stateSecrets(resources: { type: string; name: string; secretPaths: string[] }[], stackOutputs: Record<string, unknown>, redacted: string): StateSecret[] {
  return [
    ...resources.flatMap((r) => r.secretPaths.map((p) => ({ type: r.type, name: r.name, path: p }))),
    ...Object.entries(stackOutputs)
      .filter(([, v]) => v === redacted)
      .map(([k]) => ({ type: "pulumi:pulumi:Stack", name: "(stack output)", path: k })),
  ].sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || a.path.localeCompare(b.path));
}
