/**
 * The web page's script (bundled and minified into dist/web/app.js by `npm run build:web`):
 * load a CSV or a bundled data set, pick lmer/glmer and the family, type a formula that is checked
 * as you type (the caret and hint under the input, column-name suggestions for the word being
 * typed), fit, and read lme4's summary, the coefficient table with p-values, the caterpillar and residual
 * plots, and download the fit as JSON. Everything runs in the page.
 */
import { checkFormula, coefficients, glmer, lmer, parseCsv, plotSvg, type DataTable, type FamilyName, type MixedModel } from "../../src/index.js";

interface Dataset {
  file: string;
  formula: string;
  family: FamilyName | null;
}

/** The bundled data sets (test/fixtures/data/) with a model lme4's documentation fits to each. */
const DATASETS: Record<string, Dataset> = {
  sleepstudy: { file: "sleepstudy.csv", formula: "Reaction ~ Days + (Days | Subject)", family: null },
  cbpp: { file: "cbpp.csv", formula: "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", family: "binomial" },
  Penicillin: { file: "Penicillin.csv", formula: "diameter ~ 1 + (1 | plate) + (1 | sample)", family: null },
  Dyestuff: { file: "Dyestuff.csv", formula: "Yield ~ 1 + (1 | Batch)", family: null },
  grouseticks: { file: "grouseticks.csv", formula: "TICKS ~ YEAR + (1 | BROOD) + (1 | INDEX) + (1 | LOCATION)", family: "poisson" },
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

interface PageState {
  name: string;
  data: DataTable | null;
  model: MixedModel | null;
}

const state: PageState = { name: "data", data: null, model: null };

function setData(name: string, text: string): void {
  try {
    state.data = parseCsv(text);
    state.name = name;
    $("data-info").textContent = `${name}: ${state.data.n} rows; columns ${state.data.names.join(", ")}`;
  } catch (e) {
    state.data = null;
    $("data-info").textContent = `cannot read ${name}: ${(e as Error).message}`;
  }
  checkLive();
}

async function loadBundled(key: string): Promise<void> {
  const d = DATASETS[key];
  if (!d) return;
  ($("formula") as HTMLInputElement).value = d.formula;
  ($("fn") as HTMLSelectElement).value = d.family ? "glmer" : "lmer";
  if (d.family) ($("family") as HTMLSelectElement).value = d.family;
  syncFamily();
  const res = await fetch(`../../test/fixtures/data/${d.file}`);
  setData(key, await res.text());
}

function syncFamily(): void {
  const glmm = ($("fn") as HTMLSelectElement).value === "glmer";
  ($("family") as HTMLSelectElement).disabled = !glmm;
  ($("ddf") as HTMLSelectElement).disabled = glmm;
}

/** The identifier the caret is in, and the columns that start with it. */
function suggestions(text: string, caret: number, columns: readonly string[]): string[] {
  const before = text.slice(0, caret);
  const word = /[A-Za-z.][A-Za-z0-9._]*$/.exec(before)?.[0] ?? "";
  if (word === "") return [];
  return columns.filter((c) => c.toLowerCase().startsWith(word.toLowerCase()) && c !== word);
}

/** Check the formula as it is typed: every error with its caret line and hint, or "ok". */
function checkLive(): void {
  const input = $("formula") as HTMLInputElement;
  const text = input.value;
  const columns = state.data?.names;
  const result = checkFormula(text, columns);
  const box = $("check");
  box.className = result.ok ? "ok" : "error";
  box.textContent = result.ok ? "✓ formula ok" : result.errors.map((e) => e.render()).join("\n\n");
  const hints = columns ? suggestions(text, input.selectionStart ?? text.length, columns) : [];
  const list = $("suggest");
  list.replaceChildren(
    ...hints.map((c) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = c;
      b.onclick = () => insertColumn(c);
      return b;
    }),
  );
  $("columns").textContent = columns ? `columns: ${columns.join("  ")}` : "";
}

function insertColumn(column: string): void {
  const input = $("formula") as HTMLInputElement;
  const caret = input.selectionStart ?? input.value.length;
  const before = input.value.slice(0, caret).replace(/[A-Za-z.][A-Za-z0-9._]*$/, "");
  input.value = before + column + input.value.slice(caret);
  input.focus();
  input.setSelectionRange(before.length + column.length, before.length + column.length);
  checkLive();
}

function fit(): void {
  const out = $("summary");
  if (!state.data) {
    out.textContent = "Load a CSV file or pick a bundled data set first.";
    return;
  }
  const formula = ($("formula") as HTMLInputElement).value;
  const family = ($("family") as HTMLSelectElement).value as FamilyName;
  const useGlmer = ($("fn") as HTMLSelectElement).value === "glmer";
  try {
    const t0 = performance.now();
    state.model = useGlmer ? glmer(formula, state.data, { family, dataName: state.name }) : lmer(formula, state.data, { dataName: state.name });
    out.className = "";
    out.textContent = state.model.summary();
    $("status").textContent = `fitted in ${((performance.now() - t0) / 1000).toFixed(2)} s`;
    showCoefficients(state.model);
    showPlots(state.model);
    ($("download") as HTMLButtonElement).disabled = false;
  } catch (e) {
    state.model = null;
    out.className = "error";
    const err = e as Error & { errors?: { render(): string }[]; formulaError?: { errors: { render(): string }[] } };
    const list = err.errors ?? err.formulaError?.errors;
    out.textContent = list ? list.map((x) => x.render()).join("\n\n") : `error: ${err.message}`;
    $("coef").replaceChildren();
    $("plots").replaceChildren();
    ($("download") as HTMLButtonElement).disabled = true;
  }
}

/**
 * The coefficient table with tests, from coefficients(m, { ddf }): for lmer, lmerTest's
 * Satterthwaite (or Kenward–Roger) df and Pr(>|t|); for glmer, lme4's z tests. "none" shows
 * lme4's own lmer table (estimate, SE, t value, no p-value).
 */
function showCoefficients(m: MixedModel): void {
  const linear = !m.isGLMM;
  const ddf = ($("ddf") as HTMLSelectElement).value;
  const table = document.createElement("table");
  const tr = (cells: string[], tag: "th" | "td") => {
    const r = document.createElement("tr");
    for (const c of cells) {
      const cell = document.createElement(tag);
      cell.textContent = c;
      r.append(cell);
    }
    return r;
  };
  if (linear && ddf === "none") {
    table.append(tr(["", "Estimate", "Std. Error", "t value"], "th"));
    for (const [name, b] of Object.entries(m.fixef)) table.append(tr([name, b.toPrecision(5), m.stderr[name]!.toPrecision(4), (b / m.stderr[name]!).toFixed(3)], "td"));
  } else {
    const rows = coefficients(m, linear ? { ddf } : {});
    table.append(tr(linear ? ["", "Estimate", "Std. Error", "df", "t value", "Pr(>|t|)"] : ["", "Estimate", "Std. Error", "z value", "Pr(>|z|)"], "th"));
    for (const r of rows) {
      const cells = [r.term, r.estimate.toPrecision(5), r.stderr.toPrecision(4), ...(linear ? [r.df.toFixed(2)] : []), r.statistic.toFixed(3), formatP(r.p)];
      table.append(tr(cells, "td"));
    }
  }
  $("coef").replaceChildren(table);
}

/** As R's format.pval with 3 significant digits: below 2e-16 it prints "< 2e-16". */
function formatP(p: number): string {
  return p < 2.2e-16 ? "< 2e-16" : p < 1e-4 ? p.toExponential(2).replace(/e([-+])(\d)$/, "e$10$2") : p.toPrecision(3);
}

function showPlots(m: MixedModel): void {
  const plots = $("plots");
  plots.replaceChildren();
  for (const kind of ["caterpillar", "residuals", "qq", "effects"] as const) {
    const figure = document.createElement("figure");
    figure.id = `plot-${kind}`;
    figure.innerHTML = plotSvg(m, kind);
    plots.append(figure);
  }
}

function download(): void {
  if (!state.model) return;
  const blob = new Blob([JSON.stringify(state.model.toJSON(), null, 2)], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `${state.name}-fit.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function start(): void {
  $("file").addEventListener("change", async (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f) setData(f.name.replace(/\.[^.]*$/, ""), await f.text());
  });
  $("dataset").addEventListener("change", (e) => void loadBundled((e.target as HTMLSelectElement).value));
  $("fn").addEventListener("change", syncFamily);
  const input = $("formula");
  for (const ev of ["input", "keyup", "click"]) input.addEventListener(ev, checkLive);
  input.addEventListener("keydown", (e) => {
    if ((e as KeyboardEvent).key === "Enter") fit();
  });
  $("fit").addEventListener("click", fit);
  $("download").addEventListener("click", download);
  $("ddf").addEventListener("change", () => state.model && showCoefficients(state.model));
  syncFamily();
  checkLive();
  const preset = new URLSearchParams(location.search).get("data");
  if (preset && DATASETS[preset]) {
    ($("dataset") as HTMLSelectElement).value = preset;
    void loadBundled(preset);
  }
}

start();
