import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { alertCatalog } from "../../src/alerts/decorate";
import { uncoveredRunbookItems } from "../../src/catalogMarkdown";
import { secretKeyNames } from "../../src/config/schema";
import { offlineSettings } from "../../src/offline/settings";
import { existingStacks, SECRET_PLACEHOLDER_PREFIX } from "../../src/offline/stackConfig";
import { PROJECT_DIR_ENV } from "../../src/projectDir";
import { PROJECT, ROOT } from "../support/offline";
import { runPlan, tempDir } from "../support/processes";

/**
 * The team's own stack files, at the top of the repository, are their data: the suite tests the
 * program on its own stacks (test/stacks), and holds each of the team's only to what must be true
 * whatever its values. It plans, as `npm run plan` would (the plan refuses a config over a quota,
 * a P0 slower than the runbook's target, or a copy of prod), every runbook item is caught, and no
 * secret sits in the file in plain text or leaves the plan.
 */
const teamStacks = existingStacks(ROOT);

describe.each(teamStacks)("the team's stack %s", (stack) => {
  it("plans cleanly with the real plan command, reading the team's project", () => {
    const out = path.join(tempDir(`team-${stack}`), stack);
    const plan = runPlan(["--stack", stack, "--out", out], { [PROJECT_DIR_ENV]: ROOT });
    expect(plan.status, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/Resources: \d+ to create/);
    // What the plan wrote and printed holds no secret: each stands in as a placeholder offline.
    const written = [plan.stdout, plan.stderr, ...fs.readdirSync(out, { recursive: true, encoding: "utf8" }).map((f) => path.join(out, f)).filter((f) => fs.statSync(f).isFile()).map((f) => fs.readFileSync(f, "utf8"))].join("\n");
    expect(written).not.toContain(SECRET_PLACEHOLDER_PREFIX);
  });

  it("catches every runbook item", () => {
    expect(uncoveredRunbookItems(alertCatalog(offlineSettings(ROOT, stack)))).toEqual([]);
  });

  it("holds every secret key encrypted (`pulumi config set --secret`), never in plain text", () => {
    const file = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
    for (const key of secretKeyNames) {
      const value = file.config?.[`${PROJECT}:${key}`];
      if (value === undefined) continue;
      expect(value, `${PROJECT}:${key} in Pulumi.${stack}.yaml`).toMatchObject({ secure: expect.any(String) });
    }
  });
});

it("has at least the prod stack to hold to the policies", () => {
  expect(teamStacks).toContain("prod");
});
