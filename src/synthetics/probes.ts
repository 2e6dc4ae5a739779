import * as pulumi from "@pulumi/pulumi";

/**
 * Where a run takes the checks' probe ids from.
 *
 * Synthetic Monitoring names its probe locations, but a check takes their numeric ids, and only
 * SM's API maps one to the other. Its access token cannot be scoped: whoever holds it can also
 * change and delete every check. So only the deploy job holds it; a pull request's preview runs a
 * collaborator's code and gets none (README § Credentials).
 * - `synthetic-monitoring`: the deploy job looks the names up (getProbes) and records the ids it
 *   used as the stack output {@link PROBE_IDS_OUTPUT}.
 * - `last-deploy`: a preview reads that output back from its own stack (a StackReference to
 *   itself, which the preview's Stack Read token may read). A name the last deploy did not record
 *   shows as an unknown id in the preview and is looked up by the next deploy.
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
      "The deploy job reads it from the production environment (README § Credentials); set synthetics.enabled: false to deploy without checks.",
  );
}

/** Probe ids for probe names, from SM's own list; an unknown name fails the run with the names that exist. */
export function probeIds(byName: Record<string, number>, wanted: string[]): number[] {
  return wanted.map((p) => {
    const id = byName[p];
    if (id === undefined) throw new Error(`synthetics.probes: no probe named '${p}'; known: ${Object.keys(byName).sort().join(", ")}`);
    return id;
  });
}

/**
 * Probe ids for probe names, from what the last deploy recorded. A name it did not record (a probe
 * added in this pull request, or a stack never deployed) is unknown, as a preview shows any value
 * only the deploy can know.
 */
export function recordedProbeIds(recorded: unknown, wanted: string[]): number[] {
  const byName = isIdMap(recorded) ? recorded : {};
  return wanted.map((p) => byName[p] ?? NOT_YET_KNOWN);
}

/** The recorded ids of the names in use that the last deploy knew. */
export function knownRecordedIds(recorded: unknown, wanted: string[]): Record<string, number> {
  const byName = isIdMap(recorded) ? recorded : {};
  return Object.fromEntries(wanted.filter((p) => byName[p] !== undefined).sort().map((p) => [p, byName[p]] as const));
}

/**
 * Pulumi's unknown value, which the engine shows as a value computed on deploy. The Check's
 * `probes` input is typed as numbers, while Pulumi's SDK types the unknown sentinel apart; the
 * sentinel serialises as the engine's unknown on the wire, whatever its static type.
 */
const NOT_YET_KNOWN = pulumi.unknown as unknown as number;

/** The ids of the probes in use, by name: what the deploy records for the next preview. */
export function usedProbeIds(byName: Record<string, number>, wanted: string[]): Record<string, number> {
  const ids = probeIds(byName, wanted);
  return Object.fromEntries(wanted.map((name, i) => [name, ids[i]] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const isIdMap = (value: unknown): value is Record<string, number> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((v) => Number.isInteger(v));
