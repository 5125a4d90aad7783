/**
 * Every code block in README.md runs, so the README cannot rot:
 *  - each ```ts block is written out as a script (its `from "mixed-models"` pointed at src/),
 *    type-checked with the project's compiler options, and executed; it must not throw and must
 *    print something. Blocks are found generically: a new ```ts section needs no change here.
 *  - a block without a language (or ```text) right after a ```ts block is that script's output,
 *    right after a ```sh block the output of its last command: each of its lines must be among
 *    the lines printed;
 *  - each command line of a ```sh block is run from the repository root (`npx mixed-models` as
 *    `node bin/mixed-models.js`) and must succeed — except lines whose command is listed in
 *    COVERED_ELSEWHERE with the test that covers it (installing, the test run itself, a server).
 * Needs dist/ (built by `npm install`/`npm ci`), as the examples it runs are the compiled ones.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test, vi } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const readme = readFileSync(join(root, "README.md"), "utf8");

interface Block {
  lang: string;
  code: string;
  line: number;
}

/** Fenced blocks (```lang … ```), with the README line they start on. */
export function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const re = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (const m of markdown.matchAll(re)) {
    blocks.push({ lang: m[1]!, code: m[2]!, line: markdown.slice(0, m.index).split("\n").length });
  }
  return blocks;
}

/** Commands that a README block shows but this test does not run, and where they are covered. */
const COVERED_ELSEWHERE: [RegExp, string, string | null][] = [
  [/^npm install$/, "CI's own npm ci", null],
  [/^npm install mixed-models$/, "installs the packed tarball in a scratch project", "test/package/pack.test.ts"],
  [/^npm test$/, "this is the test run", null],
  [/^npm run bench\b/, "measures for minutes; the README's table is its output (checked below)", null],
  [/^npm run build:web$/, "builds and drives the page", "test/browser/page.test.ts"],
  [/^npm run diagram$/, "writes the offline diagram page", "test/grammar/diagram-offline.test.ts"],
  [/^node dist\/examples\/web\/serve\.js\b/, "serves the page (runs until stopped)", "test/browser/page.test.ts"],
  // the three ways in to the SQL path name the user's own files and servers; the same commands run
  // on generated Parquet files and a throwaway PostgreSQL cluster in the named test
  [/^mixed-models fit (data\/\*\.parquet|--sql|--engine postgres)/, "fits from Parquet, --sql and PostgreSQL", "test/sql/cli.test.ts"],
];

/** A ts block that opens with `// sketch, run by <test file>` shows code that needs the user's own
 *  data or servers (a warehouse client); the named test runs the same calls on its own. */
const SKETCH = /^\/\/ sketch, run by (\S+)/;

/** A shell command line split into words (double and single quotes, no expansions). */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of line.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

const blocks = codeBlocks(readme);

test("the README has code blocks of known languages", () => {
  expect(blocks.length).toBeGreaterThan(2);
  blocks.forEach((b, i) => {
    expect(["ts", "sh", "", "text"], `README line ${b.line}: a \`\`\`${b.lang} block`).toContain(b.lang);
    if (b.lang === "" || b.lang === "text") expect(["ts", "sh"], `README line ${b.line}: an output block must follow a ts or sh block`).toContain(blocks[i - 1]?.lang);
  });
});

describe("the ts blocks type-check and run", () => {
  const dir = join(root, "test/examples/.readme");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const entry = relative(dir, join(root, "src/index.js")).replace(/\\/g, "/");
  const scripts = blocks.flatMap((b, i) => {
    if (b.lang !== "ts") return [];
    const sketch = SKETCH.exec(b.code);
    if (sketch) {
      test(`README line ${b.line}: a sketch, run by ${sketch[1]}`, () => expect(statSync(join(root, sketch[1]!)).isFile()).toBe(true));
      return [];
    }
    const file = join(dir, `readme-line-${b.line}.ts`);
    writeFileSync(file, b.code.replace(/from "mixed-models"/g, `from "${entry}"`) + "\nexport {};\n");
    const next = blocks[i + 1];
    const output = next && (next.lang === "" || next.lang === "text") ? next.code : null;
    return [{ ...b, file, output }];
  });

  test("type check", () => {
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: "../../../tsconfig.json", compilerOptions: { noEmit: true, rootDir: "../../.." }, include: ["*.ts"] }));
    const r = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
  });

  for (const s of scripts) {
    test(`README line ${s.line}`, async () => {
      const printed: string[] = [];
      const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(" ")));
      const cwd = process.cwd();
      process.chdir(root);
      try {
        await import(s.file);
      } finally {
        process.chdir(cwd);
        log.mockRestore();
      }
      expect(printed.length).toBeGreaterThan(0);
      if (s.output !== null) {
        const lines = new Set(printed.join("\n").split("\n").map((l) => l.trimEnd()));
        for (const line of s.output.split("\n").filter((l) => l.trim() !== "")) expect(lines, `README output line: ${line}`).toContain(line.trimEnd());
      }
      if (/\.summary\(\)/.test(s.code)) expect(printed.join("\n")).toMatch(/Linear mixed model fit by/);
      if (/formatAnova\(/.test(s.code)) expect(printed.join("\n")).toMatch(/Pr\(>Chisq\)/);
    });
  }
});

describe("the sh blocks' command lines run", () => {
  const isOutput = (b: Block | undefined) => b !== undefined && (b.lang === "" || b.lang === "text");
  /** Each command line, with the output block that follows its sh block when it is the block's last. */
  const commands = blocks.flatMap((b, i) => {
    if (b.lang !== "sh") return [];
    const ls = b.code.split("\n").map((l) => l.replace(/\s+#.*$/, "").trim()).filter((l) => l !== "");
    return ls.map((line, k) => ({ line, output: k === ls.length - 1 && isOutput(blocks[i + 1]) ? blocks[i + 1]!.code : null }));
  });
  const lines = commands.map((c) => c.line);
  const out = join(root, "test/examples/.readme-sh");
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test("the lines not run here are covered by the named tests", () => {
    for (const line of lines) {
      const covered = COVERED_ELSEWHERE.find(([re]) => re.test(line));
      if (covered?.[2]) expect(statSync(join(root, covered[2])).isFile(), `${line}: ${covered[2]}`).toBe(true);
    }
  });
  for (const { line, output } of commands) {
    if (COVERED_ELSEWHERE.some(([re]) => re.test(line))) continue;
    test.concurrent(line, async () => {
      const argv = words(line);
      let cmd: string[];
      if (argv[0] === "npx" && argv[1] === "mixed-models") cmd = [process.execPath, join(root, "bin/mixed-models.js"), ...argv.slice(2)];
      else if (argv[0] === "node") cmd = [process.execPath, ...argv.slice(1)];
      else throw new Error(`README: no rule to run '${line}'; run it here or list it in COVERED_ELSEWHERE`);
      // Files the command writes (--out x) go to a scratch folder, not the repository root.
      const outIndex = cmd.indexOf("--out");
      if (outIndex > 0) {
        mkdirSync(out, { recursive: true });
        cmd[outIndex + 1] = join(out, cmd[outIndex + 1]!);
      }
      const { status, text } = await new Promise<{ status: number | null; text: string }>((resolve) => {
        const child = spawn(cmd[0]!, cmd.slice(1), { cwd: root });
        let text = "";
        child.stdout.on("data", (d) => (text += d));
        child.stderr.on("data", (d) => (text += d));
        child.on("close", (status) => resolve({ status, text }));
      });
      // A `check` line may show a formula error on purpose: then it must be the caret and a hint.
      if (argv[2] === "check" && status === 1) expect(text).toMatch(/\^+\nerror: .*\n(.*\n)*hint: /);
      else expect(status, text).toBe(0);
      if (output !== null) {
        const printed = new Set(text.split("\n").map((l) => l.trimEnd()));
        for (const l of output.split("\n").filter((x) => x.trim() !== "")) expect(printed, `README output line: ${l}`).toContain(l.trimEnd());
      }
    });
  }
});

test("the benchmark table is the one bench/results.json makes", async () => {
  const { benchTable, START, END } = await import("../../bench/readme-table.js");
  const results = JSON.parse(readFileSync(join(root, "bench/results.json"), "utf8"));
  const between = readme.slice(readme.indexOf(START) + START.length, readme.indexOf(END)).trim();
  expect(between).toBe(benchTable(results));
});
