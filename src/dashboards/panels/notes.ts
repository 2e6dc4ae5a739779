import * as text from "@grafana/grafana-foundation-sdk/text";
import type { Placed } from "../layout";

/** Markdown panels: the runbook's checklists and policies, with links to where each is checked. */
export function note(title: string, markdown: string, width = 8, height = 8): Placed {
  return { panel: new text.PanelBuilder().title(title).mode(text.TextMode.Markdown).content(markdown), width, height };
}
