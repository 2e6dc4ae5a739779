import { beforeAll, describe, expect, it } from "vitest";
import { alertCatalog } from "../../src/alerts/catalog";
import { catalogMarkdown } from "../../src/catalog";
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
      expect(cells[6], row).toMatch(cells[2].includes("RotationOverdue") ? /^a reminder/ : /^(\d+ (min|h|s)).*\((measured: [a-z0-9*-]+|for \+ 1 eval)\)$/);
      expect(cells[8], row).toMatch(/\[ain-[a-z-]+ #\d+\]\(https:\/\/ain\.grafana\.net\/d\/ain-[a-z-]+\/[a-z0-9-]+\?viewPanel=\d+\)/);
    }
  });

  it("names the synthetic check that watches the health check, and the time to detect per severity", () => {
    expect(rows().find((r) => r.includes("`EmailHealthCheckFailing`"))).toContain("`ain-health-check`");
    // The P0s as measured: the total outage (EdgeFunctionsDown) and the database down (DatabaseDown).
    expect(catalog).toMatch(/\| P0 \| 2 \| 2 min \| 3 min \|/);
    expect(catalog).toContain("Total: 93,600 executions a month, budget 100,000.");
    expect(catalog).not.toContain("Not covered");
  });
});
