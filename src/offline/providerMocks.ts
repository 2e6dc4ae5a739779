/**
 * What the mock engine answers for provider state and data-source calls. Resources echo their
 * inputs, as a real create would for the fields this program sets; computed fields get a
 * recognisable stand-in.
 */
export function mockState(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (type === "grafana:onCall/integration:Integration") return { ...inputs, link: `https://oncall.offline.invalid/integrations/v1/grafana_alerting/${String(inputs.name ?? "")}/` };
  return { ...inputs };
}

export function mockCall(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (token === "grafana:onCall/getUser:getUser") {
    const username = String(inputs.username);
    return { id: `irm-user-${username}`, username, email: `${username}@offline.invalid`, role: "user" };
  }
  throw new Error(`the offline engine has no mock for the call ${token}`);
}
