/**
 * What the mock engine answers for provider state and data-source calls. Resources echo their
 * inputs, as a real create would for the fields this program sets; computed fields get a
 * recognisable stand-in.
 */
import { dashboardUrl } from "../grafana/urls";

/** The probe locations a Grafana Cloud stack lists, by name, as getProbes returns them. */
export const OFFLINE_PROBES: Record<string, number> = { Frankfurt: 3, London: 4, Ohio: 1, Oregon: 2, Singapore: 5, Sydney: 6 };

/**
 * What the stack's last deploy exported, as a preview's StackReference to its own stack reads it
 * (Pulumi Cloud answers with the outputs of the last completed update): Synthetic Monitoring's
 * probe list (src/synthetics/probeIds.ts). Tests may stand in another record.
 */
export const OFFLINE_LAST_DEPLOY_OUTPUTS: Record<string, unknown> = { syntheticProbeIds: OFFLINE_PROBES };

/** Synthetic Monitoring ids are numbers; derive one from the name so plans stay deterministic. */
const numericId = (name: string) => String([...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_000, 7));
/** The id the offline engine gives a Grafana team looked up by name (getTeam), for tests that check who a permission names. */
export const offlineTeamId = (name: string): string => String(Number(numericId(name)));

/** Each Grafana provider's URL by its id, so a dashboard can be given the URL its provider would read back. */
const grafanaUrlByProviderId = new Map<string, string>();

/** `provider` is the engine's reference, `<provider urn>::<provider id>`. */
export function mockResource(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  provider?: string,
  lastDeployOutputs: Record<string, unknown> = OFFLINE_LAST_DEPLOY_OUTPUTS,
): { id: string; state: Record<string, unknown> } {
  const id = type === "grafana:syntheticMonitoring/check:Check" ? numericId(name) : `${name}-id`;
  if (type === "pulumi:providers:grafana" && typeof inputs.url === "string") grafanaUrlByProviderId.set(id, inputs.url);
  if (type === "pulumi:pulumi:StackReference") return { id, state: { ...inputs, outputs: lastDeployOutputs, secretOutputNames: [] } };
  return { id, state: mockState(type, inputs, provider ? grafanaUrlByProviderId.get(provider.split("::").pop() ?? "") : undefined) };
}

function mockState(type: string, inputs: Record<string, unknown>, grafanaUrl: string | undefined): Record<string, unknown> {
  // The provider reads uid and title from config_json and sets url = <grafana url>/d/<uid>/<slug>.
  if (type === "grafana:oss/dashboard:Dashboard" && typeof inputs.configJson === "string") {
    const model = JSON.parse(inputs.configJson) as { uid: string; title: string };
    return { ...inputs, uid: model.uid, url: grafanaUrl ? dashboardUrl(grafanaUrl, model.uid, model.title) : undefined };
  }
  // A stand-in that changes exactly when the keepers do, as a replaced secret would.
  if (type === "random:index/randomPassword:RandomPassword") return { ...inputs, result: `offline-generated-${numericId(JSON.stringify(inputs.keepers ?? {}))}` };
  // Grafana takes a dashboard's uid from its JSON and returns it as the `uid` output.
  if (type === "grafana:oss/dashboard:Dashboard") return { ...inputs, uid: (JSON.parse(String(inputs.configJson ?? "{}")) as { uid?: string }).uid };
  if (type === "grafana:oss/serviceAccountRotatingToken:ServiceAccountRotatingToken") return { ...inputs, key: `offline-generated-glsa-${numericId(JSON.stringify(inputs))}`, name: `${String(inputs.namePrefix)}-offline` };
  if (type === "grafana:onCall/integration:Integration") return { ...inputs, link: `https://oncall.offline.invalid/integrations/v1/grafana_alerting/${String(inputs.name ?? "")}/` };
  return { ...inputs };
}

export function mockCall(token: string, inputs: Record<string, unknown>, repositorySecrets: string[] = []): Record<string, unknown> {
  if (token === "grafana:onCall/getUser:getUser") {
    const username = String(inputs.username);
    return { id: `irm-user-${username}`, username, email: `${username}@offline.invalid`, role: "user" };
  }
  if (token === "grafana:oss/getTeam:getTeam") return { id: `team-${String(inputs.name)}`, teamId: Number(numericId(String(inputs.name))), name: inputs.name, admins: [], members: [], email: "" };
  if (token === "github:index/getUser:getUser") return { id: numericId(String(inputs.username)), login: inputs.username };
  if (token === "github:index/getTeam:getTeam") return { id: numericId(String(inputs.slug)), slug: inputs.slug };
  // terraform-provider-github's github_actions_secrets: the repository's secrets, names and dates only.
  if (token === "github:index/getActionsSecrets:getActionsSecrets") {
    return { id: String(inputs.name), name: inputs.name, fullName: `offline/${String(inputs.name)}`, secrets: repositorySecrets.map((name) => ({ name, createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z" })) };
  }
  if (token === "grafana:syntheticMonitoring/getProbes:getProbes") return { probes: OFFLINE_PROBES, filterDeprecated: true };
  throw new Error(`the offline engine has no mock for the call ${token}`);
}
