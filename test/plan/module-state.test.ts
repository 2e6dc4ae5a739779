import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ROOT, runStackAfresh } from "../support/offline";
import { tempDir } from "../support/processes";

/**
 * The tests evaluate src/ once per worker and import index.ts anew for each program run
 * (test/support/offline.ts). That is sound only while no src/ module reads the stack's config, the
 * environment, the clock or a file when it is imported, nor keeps what it read for the next run:
 * such a value would be the first run's in every later run. Module scope may build constants;
 * anything that reads goes in a function. The static check below names the readers it knows; the
 * run after it catches the rest by what the program registers.
 */

/** Globals that read the process's world. */
const GLOBAL_READERS = new Set(["process", "globalThis", "Date", "require"]);
/** Modules whose every export reads something: Node's file system and process, Pulumi, and our own readers. */
const READING_MODULES = [/^(node:)?(fs|fs\/promises|process|child_process|os)$/, /^@pulumi\/pulumi(\/|$)/, /\/config\/(load|caCertificate)$/, /\/github\/delivery$/, /\/offline\/stackConfig$/, /\/rotation\/clock$/];
/** Constants of the SDK, not reads: the unknown-value sentinel. */
const CONSTANTS = new Set(["pulumi.unknown"]);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** The names a file imports from a reading module, namespaces included. */
function readerImports(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (statement.importClause?.isTypeOnly || !READING_MODULES.some((m) => m.test((statement.moduleSpecifier as ts.StringLiteral).text))) continue;
    const clause = statement.importClause;
    if (clause?.name) names.add(clause.name.text);
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
    if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) if (!element.isTypeOnly) names.add(element.name.text);
  }
  return names;
}

/**
 * Each use of a reader in code that runs when the module is imported: module scope and class
 * static initialisers, not function bodies, methods or types.
 */
function readsAtImport(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const readers = new Set([...GLOBAL_READERS, ...readerImports(source)]);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
    if (ts.isClassLike(node)) {
      for (const member of node.members) {
        const isStatic = ts.canHaveModifiers(member) && ts.getModifiers(member)?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
        if (ts.isClassStaticBlockDeclaration(member)) visit(member.body);
        else if (isStatic && ts.isPropertyDeclaration(member) && member.initializer) visit(member.initializer);
      }
      return;
    }
    if (ts.isFunctionLike(node)) return;
    if (ts.isIdentifier(node) && readers.has(node.text) && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)) {
      const use = node.parent.getText();
      if (!CONSTANTS.has(use)) found.push(`${path.relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${use.split("\n")[0]}`);
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(source, visit);
  return found;
}

describe("the program's modules, read", () => {
  const files = sourceFiles(path.join(ROOT, "src"));

  it("read config, the environment, the clock and files only when called, never when imported", () => {
    expect(files.length).toBeGreaterThan(40);
    expect(files.flatMap(readsAtImport)).toEqual([]);
  });

  it("would be caught reading at import, however the reader is reached", () => {
    const file = path.join(tempDir("module-state"), "reads.ts");
    fs.writeFileSync(
      file,
      [
        'import * as pulumi from "@pulumi/pulumi";',
        'import { readFileSync } from "node:fs";',
        'import { loadSettings } from "../config/load";',
        "const stack = pulumi.getStack();",
        'const text = readFileSync("x");',
        "const started = Date.now();",
        "class Probe { static settings = loadSettings(); method() { return loadSettings(); } }",
        "export const named = () => `${stack} ${text} ${started} ${process.env.HOME} ${Probe.name}`;",
        "export const later = () => pulumi.getStack();",
      ].join("\n"),
    );
    expect(readsAtImport(file).map((use) => use.replace(/^.*reads\.ts:/, ""))).toEqual(["4 pulumi.getStack", "5 readFileSync(\"x\")", "6 Date.now", "7 loadSettings()"]);
  });
});

describe("the program's modules, run", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("register the same on a run after another stack's as on a run of their own", async () => {
    // src/ evaluated under one stack: another clock and rotation period, paging on, other budgets.
    vi.resetModules();
    vi.stubEnv("AIN_MONITORING_NOW", "2026-01-15T08:00:00Z");
    const other = await runStackAfresh({
      set: { rotation: { every: "week" }, paging: { webhook: true }, github: { enabled: false }, runbook: { latencyBudgets: { pdfGenerationSeconds: 15 } } },
      secrets: { pagingWebhookUrl: "https://pager.example/hook" },
    });
    expect(other.error).toBeUndefined();
    vi.stubEnv("AIN_MONITORING_NOW", "2026-11-25T12:00:00Z");
    const reused = await runStackAfresh();
    // The same stack with every module evaluated for it alone.
    vi.resetModules();
    const fresh = await runStackAfresh();
    expect(reused.error).toBeUndefined();
    expect(reused.recording).toEqual(fresh.recording);
    expect(reused.recording).not.toEqual(other.recording);
  });
});
