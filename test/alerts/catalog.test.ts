import { beforeAll, describe, expect, it } from "vitest";
import { alertCatalog } from "../../src/alerts/decorate";
import { catalogMarkdown } from "../../src/catalogMarkdown";
import { runbookItems } from "../../src/config/runbookItems";
import type { Settings } from "../../src/config/load";
import { settingsFor } from "../support/offline";

/** out/<stack>/catalog.md: the on-call engineer's map from runbook to rules. */
let settings: Settings;
let catalog: string;
beforeAll(async () => {
  settings = await settingsFor();
  catalog = catalogMarkdown(settings);
});

const rows = () => catalog.split("\n").filter((l) => l.startsWith("| [") && l.includes("`"));

describe("the catalog", () => {
  it("has a row for every rule, under the runbook item it covers", () => {
    const coverRows = alertCatalog(settings).reduce((n, a) => n + a.covers.length, 0);
    expect(rows().filter((r) => r.split("|").length >= 12)).toHaveLength(coverRows);
    for (const item of Object.values(runbookItems)) expect(catalog, item.says).toContain(item.says.replace(/\|/g, "\\|"));
  });

  it("gives each row a severity, a time to detect, a dashboard panel and the reason for its severity", () => {
    for (const row of rows().filter((r) => r.split("|").length >= 12)) {
      const cells = row.split(" | ");
      expect(cells[3], row).toMatch(/^P[0-3]$/);
      // Measured (or why not), then the worst case and the clocks it adds up.
      expect(cells[6], row).toMatch(
        cells[2].includes("RotationOverdue") ? /^a reminder/ : /^(\d+ (min|h|s)[^;]* measured \(([a-z0-9-]+|\*threshold\*)\)|not measured \(SQL, live in Grafana\)); .+ worst case \(signal \d+ s \+ window \d+ s \+ evaluation \d+ s \+ for \d+ s \+ wait \d+ s/,
      );
      expect(cells[8].startsWith("["), row).toBe(true);
      expect(cells[8], row).toMatch(/^\[ain-[a-z-]+ #\d+\]\((?<url>[^)]+)\)/);
      expect(/\((?<url>[^)]+)\)/.exec(cells[8])?.groups?.url, row).toMatch(new RegExp(`^${settings.grafanaUrl.replace(/\./g, "\\.")}/d/ain-[a-z-]+/[a-z0-9-]+\\?viewPanel=\\d+$`));
    }
  });

  it("names the synthetic check that watches the health check, and the time to detect per severity", () => {
    expect(rows().find((r) => r.includes("`EmailHealthCheckFailing`"))).toContain("`ain-health-check`");
    // The P0s (EdgeFunctionsDown, DatabaseDown, DatabaseUnreachable): measured and bounded within 3 minutes.
    const p0 = catalog.split("\n").find((l) => l.startsWith("| P0 |"));
    expect(p0).toMatch(/^\| P0 \| 3 \| [^|]+ \| [^|]+ \| (\d+ s|[12] min( \d+ s)?|3 min) \| immediate: paged within 3 min \|$/);
    expect(catalog).toContain("Total: 93,600 executions a month, budget 100,000.");
    expect(catalog).not.toContain("Not covered");
  });
});
