// One modern-ahocorasick search in a worker thread, so that the ahocorasick part can give up on a
// search that would take minutes (its search is quadratic on Node 20) by terminating the worker.
import { parentPort, workerData } from 'node:worker_threads';
import AhoCorasick from 'modern-ahocorasick';

const { aliases, text } = workerData;
const ac = new AhoCorasick(aliases);
const t0 = performance.now();
ac.search(text, { strategy: 'leftmost-longest', wholeWord: true });
parentPort.postMessage(performance.now() - t0);
