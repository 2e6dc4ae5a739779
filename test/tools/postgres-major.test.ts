import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { postgresBinDir } from "../support/postgres";
import { runCommand, tempDir } from "../support/processes";

/**
 * `npm test` on Debian 12 (PostgreSQL 15) and on Ubuntu 24.04 (16, preinstalled on GitHub's
 * runners): the installer asks for the distribution's `postgresql`, never a fixed major, and the
 * test cluster uses whichever major is there. Layout as Debian's postgresql-common makes it:
 * /usr/lib/postgresql/<major>/bin/initdb.
 */
function fakeRoot(majors: { major: string; initdb: boolean }[]): string {
  const root = tempDir("pg-root");
  for (const { major, initdb } of majors) {
    fs.mkdirSync(path.join(root, major, "bin"), { recursive: true });
    if (initdb) fs.writeFileSync(path.join(root, major, "bin", "initdb"), "#!/bin/sh\n", { mode: 0o755 });
  }
  return root;
}

describe("the PostgreSQL the tests run on", () => {
  it.each([
    ["Debian 12", [{ major: "15", initdb: true }], "15"],
    ["Ubuntu 24.04", [{ major: "16", initdb: true }], "16"],
    ["both installed", [{ major: "15", initdb: true }, { major: "16", initdb: true }], "16"],
    ["a leftover 17 without its server", [{ major: "16", initdb: true }, { major: "17", initdb: false }], "16"],
  ])("%s: initdb comes from %j", (_distro, majors, expected) => {
    const root = fakeRoot(majors);
    expect(postgresBinDir(root)).toBe(path.join(root, expected, "bin"));
  });

  it("is found on this machine, and is a server that prints its major", () => {
    const bin = postgresBinDir();
    const version = runCommand(path.join(bin, "initdb"), ["--version"]);
    expect(version.stdout).toMatch(/initdb \(PostgreSQL\) 1[5-9]\./);
  });

  /** Runs install-tools.sh with apt-get and sudo stubbed, and the tools it looks for absent or present. */
  function installWith(pgRoot: string): string[] {
    const bin = tempDir("stub-bin");
    const log = path.join(bin, "apt.log");
    for (const tool of ["promtool", "prometheus-blackbox-exporter", "amtool"]) fs.writeFileSync(path.join(bin, tool), "#!/bin/sh\n", { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "apt-get"), `#!/bin/sh\necho "$@" >> ${log}\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "sudo"), '#!/bin/sh\nexec "$@"\n', { mode: 0o755 });
    const run = runCommand("bash", ["scripts/install-tools.sh"], { PATH: `${bin}:/usr/bin:/bin`, AIN_POSTGRES_ROOT: pgRoot });
    expect(run.status, run.stderr).toBe(0);
    return fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
  }

  it("installs the distribution's `postgresql` when no server is there, never a fixed major", () => {
    // /usr/bin holds no initdb on Debian: it lives under /usr/lib/postgresql/<major>/bin.
    const calls = installWith(tempDir("no-pg"));
    expect(calls.find((c) => c.startsWith("install"))).toMatch(/ postgresql$/);
    expect(calls.join("\n")).not.toMatch(/postgresql-\d+/);
  });

  it("installs nothing when a server of any major is there", () => {
    expect(installWith(fakeRoot([{ major: "16", initdb: true }]))).toEqual([]);
  });
});
