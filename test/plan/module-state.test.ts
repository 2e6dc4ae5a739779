import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/offline";
import { tempDir } from "../support/processes";

/**
 * The tests evaluate src/ once per worker and import index.ts anew for each program run
 * (test/support/offline.ts). That is sound only while no src/ module reads the stack's config, the
 * environment or a file when it is imported: such a value would be the first run's in every later
 * run. Module scope may build constants; anything that reads goes in a function.
 */
const READERS = new Set(["process", "pulumi", "fs", "require", "loadSettings", "readDelivery", "readStackConfig"]);
/** Constants of the SDK, not reads: the unknown-value sentinel. */
const CONSTANTS = new Set(["pulumi.unknown"]);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** Each use of a reader in code that runs when the module is imported: outside functions, methods and types. */
function readsAtImport(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node) || ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isImportDeclaration(node)) return;
    if (ts.isIdentifier(node) && READERS.has(node.text) && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)) {
      const use = node.parent.getText();
      if (!CONSTANTS.has(use)) found.push(`${path.relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${use.split("\n")[0]}`);
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(source, visit);
  return found;
}

describe("the program's modules", () => {
  const files = sourceFiles(path.join(ROOT, "src"));

  it("read config, the environment and files only when called, never when imported", () => {
    expect(files.length).toBeGreaterThan(40);
    expect(files.flatMap(readsAtImport)).toEqual([]);
  });

  it("would be caught reading at import", () => {
    const file = path.join(tempDir("module-state"), "reads.ts");
    fs.writeFileSync(file, ['import * as pulumi from "@pulumi/pulumi";', "const stack = pulumi.getStack();", "export const named = () => `${stack} ${process.env.HOME}`;", "export const later = () => pulumi.getStack();"].join("\n"));
    expect(readsAtImport(file).map((use) => use.replace(/^.*reads\.ts:/, ""))).toEqual(["2 pulumi.getStack"]);
  });
});
