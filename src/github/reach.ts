import type { Settings } from "../config/settings";
import { PROJECT } from "../config/schema";
import { credentials, OIDC_SUBJECT_CLAIM_KEYS, pulumiOidcPolicies, type Credential, type CredentialHome } from "./credentials";
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
 *   created unprotected by the first job that names it. A branch policy is no ref pin: for a
 *   pull request run GitHub checks the pull request's head branch, and a writer can open one whose
 *   head is `main` into a branch that carries its own workflow; so an environment's secrets are at
 *   best "an approved run", whatever its branch policy.
 * - GitHub's OIDC subject holds the claims of the repository's subject template (declared by the
 *   program: repo, context, ref), so a Pulumi policy can pin a token to the ref a run comes from.
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
  | { kind: "approved-run"; environment: string; why?: string }
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
  /** The repository's OIDC subject template as the program declares it; absent: GitHub's default (repo, context). */
  subjectClaimKeys?: readonly string[];
  /**
   * Repository and organization Actions secrets, which any branch's job reads unapproved:
   * `refused`: the program lists them and fails the preview and the deploy while any exists;
   * `kept-none`: the team's rule (docs/assumptions.md), which the program cannot list with its tokens;
   * `unchecked`: nothing stops one being added.
   */
  sharedSecrets: Record<"repository" | "organization", "refused" | "kept-none" | "unchecked">;
}

export function mechanism(settings: Settings, delivery: Delivery): Mechanism {
  return {
    repository: `${settings.github.owner ?? "<owner>"}/${settings.github.repository}`,
    environments: settings.github.enabled ? environmentSpecs(settings, delivery).filter((e) => e.repository === settings.github.repository) : [],
    policies: pulumiOidcPolicies(settings, delivery),
    stacks: delivery.stacks.map((s) => `${delivery.pulumiOrganization}/${PROJECT}/${s}`),
    subjectClaimKeys: settings.github.enabled ? OIDC_SUBJECT_CLAIM_KEYS : undefined,
    // component.ts reads the repository's secret names (getActionsSecrets) and refuses any; the
    // provider has no data source for the organization secrets shared with one repository.
    sharedSecrets: { repository: settings.github.enabled ? "refused" : "unchecked", organization: "kept-none" },
  };
}

/** The gate GitHub puts in front of an environment's secrets and OIDC subject. */
export function environmentGate(m: Mechanism, environment: string | undefined): Gate {
  if (environment === undefined) return { kind: "any-branch", why: "a job without an environment" };
  const spec = m.environments.find((e) => e.environment === environment);
  if (!spec) return { kind: "any-branch", why: `environment '${environment}' is not declared by the program, and GitHub creates it unprotected for the first job that names it` };
  if (spec.needsApproval && spec.mainOnly) return { kind: "approved-run", environment, why: BRANCH_POLICY_IS_NO_PIN };
  if (spec.needsApproval) return { kind: "approved-run", environment };
  if (spec.mainOnly) return { kind: "any-branch", why: `environment '${environment}' takes main only but needs no approval, and a branch protection rule is not the program's` };
  return { kind: "any-branch", why: `environment '${environment}' has neither required reviewers nor a branch policy` };
}

const BRANCH_POLICY_IS_NO_PIN =
  "its main-only branch policy is checked against a pull request's head branch name, so a pull request whose head is main into a branch carrying its own workflow passes it";

/** The subject parts GitHub writes for each claim key of the template (context: only an environment's is tied to a protection). */
const SUBJECT_PART: Record<string, string> = { repo: "repo:([^:*]+)", context: "environment:([^:*]+)", ref: "ref:([^:]+)" };

/** The gate in front of a Pulumi Cloud OIDC policy: what subject a run must present to get its token. */
export function policyGate(m: Mechanism, policy: OidcPolicy): Gate {
  // Only an exact environment subject of this repository, in the form the repository's template
  // gives, is tied to an environment's protection; a wildcard, a `pull_request` subject, or a form
  // the template does not produce is one any branch's run can present (or that nothing presents).
  const keys = m.subjectClaimKeys ?? ["repo", "context"];
  const leak: Gate = { kind: "any-branch", why: `the Pulumi OIDC policy for team ${policy.team} trusts the subject '${policy.rules.sub}'` };
  if (!keys.every((k) => k in SUBJECT_PART) || keys[0] !== "repo" || keys[1] !== "context") return leak;
  const match = new RegExp(`^${keys.map((k) => SUBJECT_PART[k]).join(":")}$`).exec(policy.rules.sub);
  if (!match || match[1] !== m.repository) return leak;
  const gate = environmentGate(m, match[2]);
  if (gate.kind === "any-branch" || gate.kind === "no-run") return gate;
  const ref = keys.includes("ref") ? match[1 + keys.indexOf("ref")] : undefined;
  // Pinned to main's ref: a pull request run's ref is refs/pull/<n>/merge, a dispatched branch's
  // refs/heads/<branch>; only a push to main, the schedule or a dispatch of main present it.
  if (ref === "refs/heads/main") return { kind: "approved-main", environment: gate.environment };
  return { kind: "approved-run", environment: gate.environment, why: ref === undefined ? "the Pulumi policy does not pin the ref" : `the Pulumi policy takes the ref '${ref}'` };
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
    case "shared-secret":
      return sharedSecretGate(m, home.scope);
  }
}

/** A repository or organization secret has no gate at all: the only defence is that none exists. */
export function sharedSecretGate(m: Mechanism, scope: "repository" | "organization"): Gate {
  switch (m.sharedSecrets[scope]) {
    case "refused":
      return { kind: "no-run", why: `there are none: the preview and the deploy fail while the repository has one (the program lists their names)` };
    case "kept-none":
      return { kind: "no-run", why: `there are none, by the team's rule (docs/assumptions.md): the program cannot list them with its tokens` };
    case "unchecked":
      return { kind: "any-branch", why: `a ${scope} secret reaches every job of every branch, and nothing refuses one` };
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
      return `nothing until a maintainer other than its author approves that run (\`${gate.environment}\` environment: required reviewers${gate.why ? `; ${gate.why}` : ""}); then ${power}`;
    case "approved-main":
      return `nothing: only a run of main that a maintainer approved (\`${gate.environment}\` environment: required reviewers; the Pulumi policy's subject pins the ref refs/heads/main)`;
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

/**
 * Whether a step restores an Actions cache: a cache is written by whichever job of the same ref
 * scope saves it first, approved or not, so a job that holds a credential and restores one runs
 * files an unreviewed job chose (setup-node's `cache` input, actions/cache and its restore action).
 */
export function restoresCache(step: { uses?: string; with?: Record<string, unknown> }): boolean {
  const action = step.uses?.split("@")[0] ?? "";
  if (action === "actions/cache" || action === "actions/cache/restore") return true;
  return /^actions\/setup-/.test(action) && step.with?.cache !== undefined && step.with.cache !== "" && step.with.cache !== false;
}

/** What an unreviewed branch obtains: must stay empty. */
export function unreviewedReach(list: Reach[]): Reach[] {
  return list.filter((c) => c.gate.kind === "any-branch");
}

/** The credentials as a Markdown table, for out/<stack>/delivery/credentials.md and docs/delivery.md. */
export function credentialsTable(list: Reach[]): string {
  const where = (h: CredentialHome) => {
    if (h.kind === "oidc") return `OIDC, \`${h.environment}\` environment -> Pulumi team \`${h.pulumiTeam}\` (${h.stackPermission})`;
    if (h.kind === "stack-config") return `stack config \`${h.key}\` (encrypted)`;
    if (h.kind === "stack-state") return `Pulumi Cloud, stack \`${h.stack}\`'s state (encrypted)`;
    if (h.kind === "shared-secret") return `GitHub ${h.scope} Actions secrets`;
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
