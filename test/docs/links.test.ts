import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/offline";

/**
 * The front page and the documents under docs/ link each other by relative paths and heading
 * anchors. Moving a section or renaming a heading breaks those links silently on GitHub, so every
 * relative link must name a file that exists and, with a #fragment, a heading (or an explicit
 * anchor) of that file, slugged as GitHub slugs headings.
 */
const DOCS = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** The text outside fenced code blocks and inline code spans, where links and headings live. */
function prose(markdown: string): string[] {
  let fenced = false;
  return markdown.split("\n").map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return "";
    }
    return fenced ? "" : line;
  });
}

/**
 * GitHub's heading anchors (github-slugger): the heading's text without markup, lowercased,
 * every character that is not a letter, mark, number, connector, space or hyphen dropped,
 * spaces made hyphens; a repeated slug gets -1, -2, ...
 */
function githubSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>();
  const counts = new Map<string, number>();
  const add = (slug: string) => {
    const n = counts.get(slug) ?? 0;
    counts.set(slug, n + 1);
    slugs.add(n === 0 ? slug : `${slug}-${n}`);
  };
  for (const line of prose(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const text = heading
        .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
        .replace(/<[^>]+>/g, "")
        .replace(/[`*_]{1,3}([^`*_]+)[`*_]{1,3}/g, "$1");
      add(text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-"));
    }
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) slugs.add(m[1]);
  }
  return slugs;
}

/** Every inline link and image target in a document's prose, with the line it is on. */
function links(markdown: string): { target: string; line: number }[] {
  const found: { target: string; line: number }[] = [];
  prose(markdown).forEach((line, i) => {
    const withoutCode = line.replace(/`[^`]*`/g, "");
    for (const m of withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) found.push({ target: m[1], line: i + 1 });
  });
  return found;
}

const read = (relative: string) => fs.readFileSync(path.join(ROOT, relative), "utf8");

describe("the documents' relative links", () => {
  it("the slug rules are GitHub's (examples from GitHub's rendering)", () => {
    const slugs = githubSlugs(
      "## Adopting what exists: the app repository's `production` environment\n## 3. Supabase: the database role\n## Who is reached, when (escalation)\n## Who is reached, when (escalation)\n```\n## not a heading\n```\n",
    );
    expect([...slugs]).toEqual([
      "adopting-what-exists-the-app-repositorys-production-environment",
      "3-supabase-the-database-role",
      "who-is-reached-when-escalation",
      "who-is-reached-when-escalation-1",
    ]);
  });

  it.each(DOCS)("every relative link of %s names a file that exists and an anchor it has", (doc) => {
    const broken: string[] = [];
    for (const { target, line } of links(read(doc))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: and the like
      const [file, anchor] = target.split("#", 2);
      const resolved = file === "" ? doc : path.posix.normalize(path.posix.join(path.posix.dirname(doc), decodeURIComponent(file)));
      if (resolved.startsWith("..") || !fs.existsSync(path.join(ROOT, resolved))) {
        broken.push(`${doc}:${line}: ${target}: no file ${resolved}`);
        continue;
      }
      if (anchor !== undefined && anchor !== "") {
        if (!resolved.endsWith(".md")) broken.push(`${doc}:${line}: ${target}: an anchor into a file that is not Markdown`);
        else if (!githubSlugs(read(resolved)).has(anchor)) broken.push(`${doc}:${line}: ${target}: ${resolved} has no heading #${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe("the front page", () => {
  const readme = read("README.md");

  it("stays a front page: at most 130 lines", () => {
    expect(readme.split("\n").length, "README.md grew past a front page: move the detail into docs/ and link it").toBeLessThanOrEqual(130);
  });

  it("links every document under docs/, so none is orphaned", () => {
    const linked = new Set(links(readme).map((l) => l.target.split("#")[0]));
    for (const doc of DOCS.filter((d) => d !== "README.md")) expect(linked, `README.md does not link ${doc}`).toContain(doc);
  });

  it("gives the commands CI runs: the plan, the test command .ci/run calls, and the one regenerate command", () => {
    expect(readme).toContain("npm ci && npm run plan");
    const ciCommand = /^npm ci && (npm [a-z ]+)$/m.exec(read(".ci/run"))?.[1];
    expect(ciCommand, ".ci/run runs `npm ci && <command>`").toBeDefined();
    expect(readme).toMatch(new RegExp(`^${ciCommand}$`, "m"));
    expect(readme).toMatch(/^npm run regenerate$/m);
  });
});

describe("the commands the documents name", () => {
  const scripts = Object.keys((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts);

  it.each(DOCS)("every `npm run <script>` in %s is a script of package.json", (doc) => {
    const named = [...read(doc).matchAll(/npm run ([a-z][a-z0-9:-]*)/g)].map((m) => m[1]);
    expect(named.filter((name) => !scripts.includes(name))).toEqual([]);
  });
});
