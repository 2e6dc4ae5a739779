import { describe, expect, it } from "vitest";

/**
 * No import cycles anywhere in the program, its scripts or its tests, type-only imports included:
 * data flows one way, config -> model -> renderers -> resources (docs/how-it-works.md), and a cycle
 * is where that stops being true (an alert catalog that builds dashboards that read the catalog).
 * The check is dependency-cruiser's `circular` rule, the same one `npx depcruise` applies.
 */
async function cycles(paths: string[], exclude?: string): Promise<string[]> {
  // dependency-cruiser is ESM only; this project compiles to CommonJS, so it is imported at run time.
  const { cruise } = await import("dependency-cruiser");
  const result = await cruise(paths, {
    validate: true,
    ruleSet: { forbidden: [{ name: "no-circular", severity: "error", from: {}, to: { circular: true } }] },
    // Type-only imports are dependencies too: a type that lives above its users drags its module's imports along.
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    ...(exclude ? { exclude: { path: exclude } } : {}),
  });
  if (typeof result.output === "string") throw new Error(`dependency-cruiser gave text, not a result: ${result.output.slice(0, 200)}`);
  return result.output.summary.violations.map((v) => [v.from, ...(v.cycle ?? []).map((c) => c.name)].join(" -> "));
}

describe("import cycles", () => {
  it("there are none in index.ts, src/, scripts/ or test/", { timeout: 60_000 }, async () => {
    const found = await cycles(["index.ts", "src", "scripts", "test"], "^test/fixtures/");
    expect(found, `import cycles (break each: move the shared type or constant below both, or pass the built value in):\n${found.join("\n")}`).toEqual([]);
  });

  it("a cycle is found and named, type-only imports included (test/fixtures/import-cycle)", { timeout: 60_000 }, async () => {
    const found = await cycles(["test/fixtures/import-cycle"]);
    expect(found).toContain("test/fixtures/import-cycle/a.ts -> test/fixtures/import-cycle/b.ts -> test/fixtures/import-cycle/a.ts");
  });
});
