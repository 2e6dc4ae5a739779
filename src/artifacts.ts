import type { Settings } from "./config/load";

/**
 * Every file the plan writes besides plan.json, keyed by its path under out/<stack>/. Pure: the
 * same settings give the same bytes. Built from plain settings only, so no secret can reach them.
 */
export function renderArtifacts(_settings: Settings): Map<string, string> {
  return new Map();
}
