import * as fs from "node:fs";
import * as path from "node:path";
import type { Recording, RegisteredResource } from "./engine";

/** The plan as written to out/<stack>/plan.json: sorted, redacted, no timestamps. */
export function planDocument(stack: string, recording: Recording) {
  const resources = [...recording.resources]
    .sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name))
    .map(({ type, name, parent, inputs, importId, ignoreChanges }) => ({ type, name, parent: parent ?? null, inputs, ...(importId ? { importId } : {}), ...(ignoreChanges ? { ignoreChanges } : {}) }));
  const reads = [...recording.reads].sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
  return { stack, resourceCount: resources.length, resources, reads, stackOutputs: recording.stackOutputs };
}

/** A preview-like tree: each resource under its parent, siblings by type then name. */
export function planTree(recording: Recording): string[] {
  const byParent = new Map<string | undefined, RegisteredResource[]>();
  for (const r of recording.resources) {
    const siblings = byParent.get(r.parentUrn) ?? [];
    siblings.push(r);
    byParent.set(r.parentUrn, siblings);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, prefix: string) => {
    const children = (byParent.get(parent) ?? []).sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
    children.forEach((child, i) => {
      const last = i === children.length - 1;
      const branch = parent === undefined ? "" : last ? "└─ " : "├─ ";
      // As a preview marks them: `+` create, `=` import (adopt an existing resource).
      lines.push(` ${child.importId ? "=" : "+"}   ${(prefix + branch + child.type).padEnd(84)} ${child.name}${child.importId ? ` (imports ${child.importId})` : ""}`);
      walk(child.urn, parent === undefined ? "" : prefix + (last ? "   " : "│  "));
    });
  };
  walk(undefined, "");
  // Reads change nothing; a preview lists them with `>`.
  for (const r of [...recording.reads].sort((a, b) => a.name.localeCompare(b.name))) lines.push(` >   ${r.type.padEnd(84)} ${r.name} (reads ${r.id})`);
  return lines;
}

/** Writes a fresh out/<stack>/: the old folder goes first so nothing stale survives. */
export function writeArtifacts(outDir: string, files: Map<string, string>): void {
  fs.rmSync(outDir, { recursive: true, force: true });
  for (const [relative, content] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const target = path.join(outDir, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
}
