/**
 * A throwaway PostgreSQL cluster for the tests: initdb into a temporary directory, started on a
 * free port on 127.0.0.1 (as the `postgres` user when running as root, which PostgreSQL refuses),
 * stopped and deleted afterwards. Null when no PostgreSQL server is installed (Debian's
 * `postgresql`; .ci/run installs it) — the caller then fails the test saying so.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PgCluster {
  url: string;
  stop(): void;
}

export function postgresBin(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], "bin") : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export async function startPgCluster(): Promise<PgCluster | null> {
  const bin = postgresBin();
  if (!bin) return null;
  const dir = mkdtempSync(join(tmpdir(), "mixed-models-pg-"));
  chmodSync(dir, 0o777);
  const data = join(dir, "data");
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const run = (args: string[]) => {
    const cmd = asRoot ? ["runuser", "-u", "postgres", "--", ...args] : args;
    execFileSync(cmd[0], cmd.slice(1), { stdio: "pipe" });
  };
  run([join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"]);
  run([
    join(bin, "pg_ctl"), "-D", data, "-l", join(dir, "log"), "-w", "-o",
    `-p ${port} -h 127.0.0.1 -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`, "start",
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      const cmd = asRoot ? ["runuser", "-u", "postgres", "--", join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "stop"] : [join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "stop"];
      spawnSync(cmd[0], cmd.slice(1), { stdio: "pipe" });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
