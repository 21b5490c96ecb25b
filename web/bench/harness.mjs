// What the browser benchmarks share (web/bench/*.mjs): the server binary started on a
// scratch data directory with one account, HTTP calls that wait out the rate limit, the
// quantiles they print, and what a process costs (its resident memory and CPU time, read
// from /proc as bench/src/lib.rs's `resident_bytes_of` does), and a page's CPU profile
// (Chromium's sampling profiler over CDP) with the functions that took the most time.
/* global fetch */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

export const say = (text) => process.stderr.write(`${text}\n`);

/** Starts `binary serve` on `dataDir` with an account `bench`; resolves once it listens,
 * with the child, its URL and the account's password. */
export function startServer(binary, dataDir) {
  const password = `bench-${randomUUID()}`;
  const added = spawnSync(binary, ['--data', dataDir, 'user', 'add', 'bench'], { input: `${password}\n`, env: { ...process.env, PARTNERHUB_LOG: 'warn' } });
  if (added.status !== 0) throw new Error(`user add failed: ${added.stderr}`);
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['--data', dataDir, 'serve', '--listen', '127.0.0.1:0'], {
      env: { ...process.env, PARTNERHUB_LOG: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start in 60 s:\n${output}`)), 60_000);
    const read = (chunk) => {
      output += chunk.toString();
      const address = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (address) {
        clearTimeout(timer);
        resolve({ child, url: address[1], password });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => reject(new Error(`the server exited with ${code}:\n${output}`)));
  });
}

/** Stops the server started by `startServer` and waits for it to exit. */
export async function stopServer(server) {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((done) => server.child.once('exit', done));
  server.child.kill('SIGTERM');
  await exited;
}

/** One API call; a 429 is waited out and tried again; any other failure throws. */
export async function http(server, method, path, token, body) {
  for (;;) {
    const response = await fetch(server.url + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (response.status === 429) {
      await new Promise((done) => setTimeout(done, 200));
      continue;
    }
    const answer = await response.json().catch(() => null);
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  }
}

/** The `q` quantile of `values` by nearest rank: the smallest value with at least q of them at
 * or below it (of 100 values, p99 is the 99th, the second largest; of 30, the largest). */
export const quantile = (values, q) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
};
export const round = (value) => (value === null ? null : Math.round(value * 10) / 10);

/** A process's resident memory now and at its peak, in bytes (VmRSS, VmHWM). */
export function residentBytesOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { now: kib('VmRSS'), peak: kib('VmHWM') };
}

const ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;

/** A process's CPU time so far (user + system), in milliseconds. */
export function cpuMsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command's name (which is in parentheses and may hold spaces).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/** The CPU time so far (ms) of every process descended from `pid` (not `pid` itself), less
 * the trees of `except` (e.g. the server this process started): the browsers this process
 * launched, all their processes. A process that ended meanwhile is no longer counted. */
export function descendantsCpuMs(pid, except = []) {
  const parentOf = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Ended while listed.
    }
  }
  const within = (child, root) => {
    for (let at = child; at > 1; at = parentOf.get(at) ?? 0) if (at === root) return true;
    return false;
  };
  let ms = 0;
  for (const child of parentOf.keys()) {
    if (child === pid || !within(child, pid) || except.some((root) => within(child, root))) continue;
    try {
      ms += cpuMsOf(child);
    } catch {
      // Ended meanwhile.
    }
  }
  return ms;
}

/** The machine's load averages (1, 5, 15 minutes) and its processor count. */
export function machineLoad() {
  const [one, five, fifteen] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  const cores = readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((line) => line.startsWith('processor')).length;
  return { one, five, fifteen, cores };
}

/** Starts Chromium's sampling profiler on `page`; `stop()` writes the profile to `file` (open
 * it in Chromium's devtools) and says the functions with the most time of their own. */
export async function profilePage(page, file, who) {
  const session = await page.context().newCDPSession(page);
  await session.send('Profiler.enable');
  await session.send('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.send('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      say(`${who}'s profile is in ${file}; the most time of their own:`);
      for (const line of selfTimes(profile).slice(0, 20)) say(`  ${line}`);
    },
  };
}

/** A CPU profile's functions by the time spent in them alone, most first, as lines. */
export function selfTimes(profile) {
  const interval = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const byFunction = new Map();
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + (node.hitCount ?? 0) * interval);
  }
  const total = [...byFunction.values()].reduce((sum, ms) => sum + ms, 0);
  return [...byFunction.entries()]
    .sort((first, second) => second[1] - first[1])
    .map(([name, ms]) => `${Math.round(ms)} ms (${((100 * ms) / total).toFixed(1)}%) ${name}`);
}

/** What ran in each long task (over `longerThanMs`) of the page's main thread in a Chromium
 * trace (`browser.startTracing` with the devtools.timeline categories): the page is the
 * renderer that recorded the User Timing mark `anchor`, whose time on the page's clock
 * (`performance.timeOrigin + startTime`) is `anchorAt`, so each task is given on that clock.
 * Each task: when it began and ended, and its largest parts (a script's function and place,
 * a timer, an animation frame, an event, a garbage collection, style, layout, painting). */
export function longTasksOfTrace(trace, anchor, anchorAt, longerThanMs = 50) {
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  const mark = events.find((event) => event.name === anchor && event.cat?.includes('blink.user_timing'));
  if (!mark) return [];
  const main = events.find((event) => event.ph === 'M' && event.name === 'thread_name' && event.pid === mark.pid && event.args?.name === 'CrRendererMain');
  const tid = main?.tid ?? mark.tid;
  const onPage = (event) => event.pid === mark.pid && event.tid === tid && event.ph === 'X' && typeof event.dur === 'number';
  const offset = anchorAt - mark.ts / 1000;
  const named = new Set(['FunctionCall', 'TimerFire', 'FireAnimationFrame', 'EventDispatch', 'FireIdleCallback', 'HandlePostMessage', 'RunMicrotasks', 'MajorGC', 'MinorGC', 'V8.GC_SCAVENGER', 'V8.GC_MARK_COMPACTOR', 'UpdateLayoutTree', 'Layout', 'Paint', 'PrePaint', 'Layerize', 'ParseHTML', 'EvaluateScript', 'v8.compile', 'v8.compileModule', 'v8.produceModuleCache', 'CompileCode', 'XHRReadyStateChange']);
  const thread = events.filter(onPage).sort((first, second) => first.ts - second.ts);
  const tasks = thread.filter((event) => event.name === 'RunTask' && event.dur / 1000 > longerThanMs);
  return tasks.map((task) => {
    const end = task.ts + task.dur;
    const parts = [];
    let coveredTo = -Infinity;
    for (const event of thread) {
      if (event.ts < task.ts || event.ts + event.dur > end || event === task || !named.has(event.name)) continue;
      if (event.ts < coveredTo) continue; // inside a part already named
      coveredTo = event.ts + event.dur;
      // A timer, frame or event is named by the largest script function it ran (file, line
      // and column: a built bundle's functions are mostly anonymous).
      const inner = event.name === 'FunctionCall' ? event : thread.filter((other) => other.name === 'FunctionCall' && other.ts >= event.ts && other.ts + other.dur <= event.ts + event.dur).sort((first, second) => second.dur - first.dur)[0];
      const data = inner?.args?.data ?? {};
      const where = inner ? ` ${data.functionName || '(anonymous)'} ${String(data.url ?? '').split('/').pop()}:${data.lineNumber ?? 0}:${data.columnNumber ?? 0}` : '';
      const what = event.args?.data?.type ? ` ${event.args.data.type}` : '';
      parts.push({ name: `${event.name}${what}${where}`, ms: event.dur / 1000 });
    }
    parts.sort((first, second) => second.ms - first.ms);
    return { from: task.ts / 1000 + offset, to: end / 1000 + offset, ms: task.dur / 1000, parts };
  });
}
