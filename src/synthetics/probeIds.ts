import * as pulumi from "@pulumi/pulumi";

/**
 * Where a run takes the checks' probe ids from.
 *
 * Synthetic Monitoring names its probe locations, but a check takes their numeric ids, and only
 * SM's API maps one to the other. Its access token cannot be scoped: whoever holds it can also
 * change and delete every check. So only the deploy job holds it; a pull request's preview runs a
 * collaborator's code and gets none (docs/delivery.md § Credentials).
 * - `synthetic-monitoring`: the deploy job looks the names up in SM's list (getProbes) and exports
 *   that whole list, name to id, as the stack output {@link PROBE_IDS_OUTPUT} (probe ids are not
 *   secret).
 * - `last-deploy`: a preview reads that list back from its own stack (a StackReference to itself,
 *   which the preview's Stack Read token may read), so a misspelled location still fails the pull
 *   request, naming the ones there are. Before any deploy has exported the list, the probe ids
 *   preview as unknown.
 */
export type ProbeIdSource = "synthetic-monitoring" | "last-deploy";

/** The stack output naming the probe ids the last deploy gave the checks. */
export const PROBE_IDS_OUTPUT = "syntheticProbeIds";

/** The variable the Grafana provider reads the Synthetic Monitoring token from. */
export const SM_TOKEN_ENV = "GRAFANA_SM_ACCESS_TOKEN";

/**
 * Decides the source from the job's environment. `previewing` is true for `pulumi preview` and the
 * offline plan, which register nothing; a deploy without the token stops before any check changes.
 */
export function probeIdSource(env: NodeJS.ProcessEnv, previewing: boolean): ProbeIdSource {
  if (env[SM_TOKEN_ENV]) return "synthetic-monitoring";
  if (previewing) return "last-deploy";
  throw new Error(
    `${SM_TOKEN_ENV} is not set: \`pulumi up\` needs it to look up the probe ids of synthetics.probes and to create the checks. ` +
      "The deploy job reads it from the production environment (docs/delivery.md § Credentials); set synthetics.enabled: false to deploy without checks.",
  );
}

/** Probe ids for probe names, from SM's own list; an unknown name fails the run with the names that exist. */
export function probeIds(byName: Record<string, number>, wanted: string[], known = "known"): number[] {
  return wanted.map((p) => {
    const id = byName[p];
    if (id === undefined) throw new Error(`synthetics.probes: no probe named '${p}'; ${known}: ${Object.keys(byName).sort().join(", ")}`);
    return id;
  });
}

/**
 * Probe ids for probe names, from the list the last deploy exported: a name not on it fails the
 * preview as SM's own list would. A stack whose last deploy exported no list (never deployed, or
 * deployed before the list was exported) previews the ids as unknown, as any value only a deploy
 * can know.
 */
export function recordedProbeIds(recorded: unknown, wanted: string[]): number[] {
  if (!isIdMap(recorded)) return wanted.map(() => NOT_YET_KNOWN);
  return probeIds(recorded, wanted, "known at the last deploy");
}

/** The list a preview passes on: the last deploy's, or none yet. */
export function recordedList(recorded: unknown): Record<string, number> {
  return isIdMap(recorded) ? sortedByName(recorded) : {};
}

/**
 * Pulumi's unknown value, which the engine shows as a value computed on deploy. The Check's
 * `probes` input is typed as numbers, while Pulumi's SDK types the unknown sentinel apart; the
 * sentinel serialises as the engine's unknown on the wire, whatever its static type.
 */
const NOT_YET_KNOWN = pulumi.unknown as unknown as number;

/** SM's list as the deploy exports it: sorted by name, so the output never churns on order alone. */
export function sortedByName(byName: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(byName).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const isIdMap = (value: unknown): value is Record<string, number> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((v) => Number.isInteger(v));
