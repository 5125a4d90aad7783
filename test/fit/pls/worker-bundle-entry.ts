/**
 * Entry of worker-bundle.test.ts: bundled and minified as the npm package is, it factors a crossed
 * model on one and on two threads and prints the worker's task count and whether the bits agree.
 */
import { PlsSystem } from "../../../src/fit/pls/pls-system.js";
import { setThreads, shutdownWorker, workerStats } from "../../../src/fit/pls/worker.js";
import { syntheticModel } from "./synthetic.js";

const model = syntheticModel(11, 4000, [{ levels: 400, p: 1, correlated: true }, { levels: 300, p: 1, correlated: true }]);
setThreads(1);
const one = new PlsSystem(model).setTheta([0.8, 1.4]).updateL();
setThreads(2, { always: true });
// every pass split, the rows pass included (its worker kernels run too); then the same inputs
const two = new PlsSystem(model);
two.restoreInputs(one.saveInputs()).setTheta([0.8, 1.4]).updateL();
console.log(JSON.stringify({ tasks: workerStats().tasks, same: one.logDetL2() === two.logDetL2() && one.pwrss() === two.pwrss() }));
shutdownWorker();
