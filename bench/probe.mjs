import process from 'node:process';
import { clearInterval, setInterval } from 'node:timers';
import v8 from 'node:v8';

/**
 * Measures what the current process spends between start and stop: CPU time, bytes allocated
 * on the V8 heap, garbage collections, and (when sampling) the peak of its memory. Runs inside
 * the app process. Allocation is exact for the JS heap: the growth of the used heap plus what
 * every GC in between freed. Buffer contents live outside the heap and show in `peak` instead.
 */
export class Probe {
  #cpu;
  #heapStart;
  #profiler = new v8.GCProfiler();
  #sampler;
  #peak;
  #before;

  constructor({ sampleEveryMs } = {}) {
    // A clean baseline: garbage left by earlier phases must not be billed to this one.
    globalThis.gc();
    this.#before = process.memoryUsage();
    this.#peak = { ...this.#before };
    if (sampleEveryMs) this.#sampler = setInterval(() => this.#sample(), sampleEveryMs);
    this.#heapStart = v8.getHeapStatistics().used_heap_size;
    this.#profiler.start();
    this.#cpu = process.cpuUsage();
  }

  stop() {
    const cpu = process.cpuUsage(this.#cpu);
    const { statistics } = this.#profiler.stop();
    const heapEnd = v8.getHeapStatistics().used_heap_size;
    clearInterval(this.#sampler);
    this.#sample();
    let freed = 0;
    let pauseUs = 0;
    for (const gc of statistics) {
      freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
      pauseUs += gc.cost;
    }
    return {
      cpuUs: cpu.user + cpu.system,
      allocatedBytes: heapEnd - this.#heapStart + freed,
      gcCount: statistics.length,
      gcPauseMs: pauseUs / 1000,
      before: this.#before,
      after: process.memoryUsage(),
      peak: this.#peak,
    };
  }

  #sample() {
    const now = process.memoryUsage();
    for (const key of Object.keys(this.#peak))
      this.#peak[key] = Math.max(this.#peak[key], now[key]);
  }
}
