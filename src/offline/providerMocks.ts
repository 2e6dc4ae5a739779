/**
 * What the mock engine answers for provider state and data-source calls. Resources echo their
 * inputs, as a real create would for the fields this program sets.
 */
export function mockState(_type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  return { ...inputs };
}

export function mockCall(token: string, _inputs: Record<string, unknown>): Record<string, unknown> {
  throw new Error(`the offline engine has no mock for the call ${token}`);
}
