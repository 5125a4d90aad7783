/**
 * The tasks the helper thread (worker.ts) runs, and its script: every kernel it may call, sent as
 * its own source. One list, so a kernel added to a task cannot be forgotten in the script.
 */
import { helperPanelUpdate, helperRankOne, packInterleaved, packRows, rankOneColumns, updateTrailing, updateTrailingSimd } from "../../linalg/cholesky.js";
import { instantiateKernel } from "../../linalg/simd-kernel.js";
import { accumulateRows, accumulateScalar, accumulateTwoScalar, fixedBlock, scalarRows } from "./cross-products.js";
import { rowsTask } from "./cross-products-threads.js";
import { columnsTask, panelTask } from "./update-l-threads.js";
import { formTrailing, subtractSchurComplement, subtractSchurComplementDense } from "./update-l.js";
import { registerWorkerScript, worker, type WorkerHandle } from "./worker.js";

/** Task codes (ctl[TASK]). */
export const TASK_ROWS = 1;
export const TASK_COLUMNS = 2;
export const TASK_PANEL = 3;
/** Does nothing: times a bare hand-off (bench/insteval-eval.ts). */
export const TASK_PING = 4;

/** Runs in the worker: the task's context by kind, the task by code (kernels through `k`). */
function runTask(contexts: Map<string, unknown>, task: number, ctl: Int32Array, k: Record<string, (...a: never[]) => void>): void {
  if (task === 1) k.rowsTask(contexts.get("rows") as never, ctl as never, k as never);
  else if (task === 2) k.columnsTask(contexts.get("factor") as never, ctl as never, k as never);
  else if (task === 3) k.panelTask(contexts.get("factor") as never, ctl as never, k as never);
  else if (task !== 4) throw new Error(`unknown task ${task}`);
}

let registered = false;

/** The worker, its script registered first; null when none can run here. */
export function taskWorker(): WorkerHandle | null {
  if (!registered) {
    registered = true;
    const kernels = {
      rowsTask, columnsTask, panelTask, accumulateRows, scalarRows, formTrailing, subtractSchurComplement,
      subtractSchurComplementDense, helperPanelUpdate, helperRankOne, instantiateKernel,
    };
    registerWorkerScript({
      functions: [accumulateScalar, accumulateTwoScalar, fixedBlock, packInterleaved, packRows, rankOneColumns, updateTrailing, updateTrailingSimd],
      main: runTask,
      kernels: kernels as unknown as Record<string, (...args: never[]) => unknown>,
    });
  }
  return worker();
}
