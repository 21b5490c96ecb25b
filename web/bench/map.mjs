// The network map's benchmark (BENCHMARKS.md, "The map in the browser"): a generated
// workspace of N organisations and M relations, made through real commands, drawn in
// headless Chromium by the app and, in the same run, by a bare sigma.js page (bare/) that
// draws the same graph with sigma's defaults. It prints, beside each other:
//   - time to the first full frame (navigation start to the first frame with every node),
//   - frame times while panning and zooming with the mouse (the same moves on both pages),
//   - how long a colleague's change takes to reach another screen, beside the server's bare
//     websocket fan-out in the same browser (a raw subscriber on the same workspace): until
//     the map's page has painted the new node (`partnerhub:map-drawn`, User Timing: set when
//     the map has drawn the change into its canvases, the overlay's 2D canvas or sigma.js's
//     full WebGL frame, whichever first; the browser shows it at its next frame, whose start
//     is printed too), and the whole change (the command's two events: the node and its edge
//     painted; both events at the raw subscriber); also when sigma.js's full frame had the
//     change (`partnerhub:map-full-frame`) and the WebGL frames the changes cost,
// and the bar of issue 16: first frame and frame time <= 1.5x the bare page, the change on
// screen p99 <= 2x the fan-out p99. Figures only: nothing here fails on a slow machine.
//
//   node bench/map.mjs <partnerhub binary> [--organisations 2000] [--relations 5000]
//        [--changes 100] [--json] [--samples] [--profile <file.cpuprofile>] [--trace <file.json>]
//        [--app <dir>]
//
// --samples prints every change: when its first and last event reached the raw subscriber
// and the map's page, when the map painted its node and the whole change, when the browser's
// next frame (which shows it) began, when sigma.js's full frame had it, the frames marked on
// the way, and what it met there (the page's long tasks, a layout answer applied). --app DIR
// serves the app's files from a build of one's own (`npx vite build --outDir DIR`) instead of
// those in the binary, to try a change of the app without building the server again. --profile
// takes a CPU profile of the map's page during the changes (harness.mjs `profilePage`),
// writes it to the file and prints the functions with the most time of their own. --trace
// records a Chromium trace (devtools timeline) of the map's page from its opening to the last
// change, writes it to the file (devtools' Performance panel opens it) and names, per change,
// what ran in the long tasks it met (the functions, timers, frames, garbage collections).
// SwiftShader draws WebGL in software here: absolute frame times mean little, ratios do.
// Browser globals: the functions given to page.evaluate run in the page, not in Node.
/* global requestAnimationFrame, localStorage, PerformanceObserver, WebSocket, location */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { build } from 'vite';
import { chromium } from 'playwright-core';
import { http, longTasksOfTrace, profilePage, quantile, round, say, startServer, stopServer } from './harness.mjs';

const here = new URL('.', import.meta.url).pathname;

function options(argv) {
  const wanted = { binary: argv[0], organisations: 2000, relations: 5000, changes: 100, json: false, samples: false, profile: null, trace: null, app: null };
  for (let index = 1; index < argv.length; index += 1) {
    const flag = argv[index];
    if (flag === '--json') wanted.json = true;
    else if (flag === '--app') {
      wanted.app = argv[index + 1];
      if (!wanted.app) throw new Error('--app takes a directory (a build of the app)');
      index += 1;
    }
    else if (flag === '--samples') wanted.samples = true;
    else if (flag === '--profile' || flag === '--trace') {
      wanted[flag.slice(2)] = argv[index + 1];
      if (!argv[index + 1]) throw new Error(`${flag} takes a file name`);
      index += 1;
    }
    else if (['--organisations', '--relations', '--changes'].includes(flag)) {
      const value = Number(argv[index + 1]);
      if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} takes a whole number above 0`);
      wanted[flag.slice(2)] = value;
      index += 1;
    } else throw new Error(`unknown option ${flag}`);
  }
  if (!wanted.binary) {
    throw new Error('usage: node bench/map.mjs <partnerhub binary> [--organisations N] [--relations M] [--changes K] [--json] [--samples] [--profile FILE]');
  }
  if (wanted.relations < wanted.organisations) throw new Error('--relations counts each organisation\'s relation with the library: at least --organisations');
  return wanted;
}

/** The bare page, built by Vite into a scratch directory: its files by path. */
async function bareFiles(scratch) {
  const outDir = join(scratch, 'bare');
  await build({ root: join(here, 'bare'), base: '/__bench/', configFile: false, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const files = new Map();
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set('/' + relative(outDir, path), readFileSync(path));
    }
  };
  walk(outDir);
  return files;
}

/** Runs `commands` through the HTTP API with several API tokens, each under its rate limit. */
async function runCommands(server, workspace, tokens, commands) {
  const perToken = 40;
  let next = 0;
  await Promise.all(
    tokens.map(async (token) => {
      while (next < commands.length) {
        const command = commands[next];
        next += 1;
        const started = performance.now();
        await http(server, 'POST', `/api/workspaces/${workspace}/commands`, token, { command });
        const rest = 1000 / perToken - (performance.now() - started);
        if (rest > 0) await new Promise((done) => setTimeout(done, rest));
      }
    }),
  );
}

const SECTORS = ['public', 'private', 'civil_society'];
const LEVELS = ['network', 'collaboration', 'partnership'];
const ROOMS = ['inspiration', 'learning', 'meeting', 'performative'];
const AGE_GROUPS = ['toddlers', 'children', 'teenagers', 'young_adults', 'adults', 'seniors'];
const KINDS = ['Forening', 'Skole', 'Museum', 'Virksomhed', 'Kommune', 'Festival'];
const TEAMS = ['Børn', 'Unge', 'Voksne', 'Formidling', 'Ledelse'];

/** The generated workspace: colleagues, organisations (each on the network circle), contacts. */
async function generate(server, token, wanted) {
  const created = await http(server, 'POST', '/api/workspaces', token, { name: 'Benchmark Bibliotek' });
  const workspace = created.workspace_id;
  const tokens = [];
  for (let index = 0; index < 4; index += 1) {
    tokens.push((await http(server, 'POST', `/api/workspaces/${workspace}/tokens`, token, { label: `bench ${index}`, role: 'editor' })).token);
  }
  const staffCount = Math.max(5, Math.round(wanted.organisations / 33));
  const staff = Array.from({ length: staffCount }, () => randomUUID());
  const organisations = Array.from({ length: wanted.organisations }, () => randomUUID());
  const commands = staff.map((staffId, index) => ({ type: 'AddStaffMember', staff_id: staffId, name: `Kollega ${index + 1}`, team: TEAMS[index % TEAMS.length] }));
  for (let start = 0; start < organisations.length; start += 500) {
    commands.push({
      type: 'ImportOrganisations',
      rows: organisations.slice(start, start + 500).map((organisationId, offset) => {
        const index = start + offset;
        return {
          organisation_id: organisationId,
          name: `${KINDS[index % KINDS.length]} ${index + 1}`,
          sector: SECTORS[index % SECTORS.length],
          level: LEVELS[index % LEVELS.length],
          rooms: [ROOMS[index % ROOMS.length]],
          age_groups: [AGE_GROUPS[index % AGE_GROUPS.length]],
        };
      }),
    });
  }
  const started = performance.now();
  await runCommands(server, workspace, tokens, commands);
  // The relations beyond each organisation's own: colleagues holding contacts, no pair twice
  // (sent once the colleagues and organisations exist).
  const holdings = [];
  const contacts = wanted.relations - wanted.organisations;
  if (contacts > organisations.length * staff.length) throw new Error('more relations than colleague-organisation pairs');
  for (let index = 0; index < contacts; index += 1) {
    const round = Math.floor(index / organisations.length);
    const organisation = index % organisations.length;
    holdings.push({ type: 'AssignContactHolder', organisation_id: organisations[organisation], staff_id: staff[(organisation + round) % staff.length], topics: [] });
  }
  await runCommands(server, workspace, tokens, holdings);
  say(`generated ${wanted.organisations} organisations and ${wanted.relations} relations with ${commands.length + holdings.length} commands in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { workspace, tokens };
}

/** Waits for the mark `name` with all `nodes` drawn; its time from navigation start. */
async function firstFullFrame(page, name, nodes) {
  try {
    const handle = await page.waitForFunction(
      ([name, nodes]) => performance.getEntriesByName(name).find((mark) => mark.detail?.nodes === nodes)?.startTime,
      [name, nodes],
      { timeout: 20_000, polling: 50 },
    );
    return await handle.jsonValue();
  } catch (error) {
    const marks = await page.evaluate((name) => performance.getEntriesByName(name).map((mark) => mark.detail), name);
    throw new Error(`no frame with all ${nodes} nodes on ${page.url()} (frames marked: ${JSON.stringify(marks.slice(-5))}): ${error.message}`);
  }
}

/** The same mouse pans and wheel zooms on any page; the frame intervals meanwhile (ms). */
async function panAndZoom(page) {
  await page.evaluate(() => {
    globalThis.frameTimes = [];
    let last = performance.now();
    const tick = (now) => {
      globalThis.frameTimes.push(now - last);
      last = now;
      if (!globalThis.stopFrames) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const { width, height } = page.viewportSize();
  const centre = { x: width / 2, y: height / 2 };
  for (let pass = 0; pass < 3; pass += 1) {
    await page.mouse.move(centre.x, centre.y);
    await page.mouse.down();
    await page.mouse.move(centre.x + 200, centre.y + 120, { steps: 30 });
    await page.mouse.move(centre.x - 150, centre.y - 80, { steps: 30 });
    await page.mouse.up();
    for (let step = 0; step < 8; step += 1) {
      await page.mouse.wheel(0, pass % 2 === 0 ? -120 : 120);
      await page.waitForTimeout(30);
    }
  }
  return page.evaluate(() => {
    globalThis.stopFrames = true;
    return globalThis.frameTimes.slice(1);
  });
}

async function main() {
  const wanted = options(process.argv.slice(2));
  const scratch = mkdtempSync(join(tmpdir(), 'partnerhub-map-bench-'));
  let server = null;
  let browser = null;
  try {
    const bare = await bareFiles(scratch);
    server = await startServer(wanted.binary, join(scratch, 'data'));
    const login = await http(server, 'POST', '/api/login', null, { name: 'bench', password: server.password });
    const generated = await generate(server, login.token, wanted);
    const network = await http(server, 'GET', `/api/workspaces/${generated.workspace}/network`, login.token);
    const nodes = network.nodes.length;

    browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--enable-unsafe-swiftshader'] });
    const session = JSON.stringify({ token: login.token, account: 'bench', expiresAt: login.expires_at ?? null });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript((stored) => localStorage.setItem('partnerhub.session', stored), session);
    // The bare page, answered from here on the server's origin (same origin: the session and
    // the API as the app has them).
    await context.route(`${server.url}/__bench/**`, (route) => {
      const path = new URL(route.request().url()).pathname.replace('/__bench', '');
      const body = bare.get(path === '/' ? '/index.html' : path);
      if (body === undefined) return route.fulfill({ status: 404, body: 'not found' });
      const type = path.endsWith('.js') ? 'text/javascript' : path.endsWith('.css') ? 'text/css' : 'text/html';
      return route.fulfill({ status: 200, contentType: type, body });
    });

    // --app: the app's files from a build of one's own instead of the ones in the binary
    // (to try a change of the app without building the server again). The page itself stays
    // the server's (Chromium opens no websocket from a page Playwright fulfilled): its
    // scripts and styles, named by the binary's build, are answered by the same-named
    // files of the other build (`index-<hash>.js` by its `index-*.js`).
    if (wanted.app) {
      const assets = readdirSync(join(wanted.app, 'assets')).filter((name) => /\.(js|css)$/.test(name));
      const stem = (name) => name.replace(/-[\w-]{8}\.(js|css)$/, '.$1');
      await context.route(`${server.url}/assets/**`, (route) => {
        const name = new URL(route.request().url()).pathname.slice('/assets/'.length);
        const file = assets.includes(name) ? name : assets.find((candidate) => stem(candidate) === stem(name));
        if (file === undefined) return route.fulfill({ status: 404, body: 'not found' });
        return route.fulfill({ status: 200, contentType: file.endsWith('.css') ? 'text/css' : 'text/javascript', body: readFileSync(join(wanted.app, 'assets', file)) });
      });
      say(`the app's scripts and styles from ${wanted.app}`);
    }
    // Rounds alternate between the app and the bare page, so both share the machine's state.
    const firstFrame = { app: [], bare: [] };
    const frames = { app: [], bare: [] };
    for (let roundIndex = 0; roundIndex < 3; roundIndex += 1) {
      for (const which of ['app', 'bare']) {
        const page = await context.newPage();
        page.on('pageerror', (error) => say(`${which} page: ${error.message}`));
        if (which === 'app') {
          await page.goto(`${server.url}/w/${generated.workspace}`);
          firstFrame.app.push(await firstFullFrame(page, 'partnerhub:map-drawn', nodes));
        } else {
          await page.goto(`${server.url}/__bench/?workspace=${generated.workspace}`);
          firstFrame.bare.push(await firstFullFrame(page, 'bare:drawn', nodes));
        }
        await page.waitForTimeout(500);
        frames[which].push(...(await panAndZoom(page)));
        await page.close();
      }
      say(`round ${roundIndex + 1}: first frame app ${round(firstFrame.app.at(-1))} ms, bare ${round(firstFrame.bare.at(-1))} ms`);
    }

    // A colleague's change: the app's map on one screen, a raw subscriber on another; the
    // change is an organisation registered over HTTP (acknowledged once durable).
    const screen = await context.newPage();
    // Counts the animation frames in which the page drew with WebGL (sigma.js draws the whole
    // map in each), so the run says how many frames the changes cost beside their number.
    await screen.addInitScript(() => {
      globalThis.webglFrames = { frames: 0, counting: false };
      let drewThisFrame = false;
      for (const proto of [globalThis.WebGL2RenderingContext?.prototype, globalThis.WebGLRenderingContext?.prototype]) {
        if (!proto) continue;
        for (const name of ['drawArrays', 'drawElements', 'drawArraysInstanced', 'drawElementsInstanced']) {
          const original = proto[name];
          if (typeof original !== 'function') continue;
          proto[name] = function (...args) {
            if (globalThis.webglFrames.counting && !drewThisFrame) {
              drewThisFrame = true;
              globalThis.webglFrames.frames += 1;
              requestAnimationFrame(() => {
                drewThisFrame = false;
              });
            }
            return original.apply(this, args);
          };
        }
      }
    });
    // When each of the workspace's events reached the map's page (its websocket, before the
    // app's own handler), and the long tasks of its main thread: what a change met on its way.
    await screen.addInitScript(() => {
      globalThis.arrivals = [];
      globalThis.longTasks = [];
      const Native = globalThis.WebSocket;
      globalThis.WebSocket = class extends Native {
        constructor(...args) {
          super(...args);
          this.addEventListener('message', (message) => {
            if (typeof message.data !== 'string' || !message.data.startsWith('{"')) return;
            const frame = JSON.parse(message.data);
            if (frame.type === 'event') globalThis.arrivals.push({ at: performance.timeOrigin + performance.now(), type: frame.event_type, command: frame.command_id, organisation: frame.payload?.organisation_id ?? null });
          });
        }
      };
      new PerformanceObserver((list) => {
        for (const task of list.getEntries()) globalThis.longTasks.push({ from: performance.timeOrigin + task.startTime, to: performance.timeOrigin + task.startTime + task.duration });
      }).observe({ type: 'longtask' });
      // When the browser began the frame after each painting the map marked: the frame that
      // shows it (its animation frame callbacks run before it is drawn and handed on).
      globalThis.nextFrames = [];
      const mark = performance.mark.bind(performance);
      performance.mark = (name, options) => {
        const entry = mark(name, options);
        if (name === 'partnerhub:map-drawn') {
          const drawn = performance.timeOrigin + entry.startTime;
          requestAnimationFrame(() => globalThis.nextFrames.push({ drawn, frame: performance.timeOrigin + performance.now() }));
        }
        return entry;
      };
    });
    if (wanted.trace) {
      await browser.startTracing(screen, {
        categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'v8.execute', 'disabled-by-default-v8.gc'],
      });
    }
    await screen.goto(`${server.url}/w/${generated.workspace}`);
    await firstFullFrame(screen, 'partnerhub:map-drawn', nodes);
    // The edges the first full frame drew: each change adds one (its relation to the library).
    const edgesDrawn = await screen.evaluate((nodes) => performance.getEntriesByName('partnerhub:map-drawn').findLast((mark) => mark.detail?.nodes === nodes)?.detail?.edges ?? 0, nodes);
    await screen.locator('[data-state="online"]').waitFor();
    // The map opens with a layout of the nodes nobody placed, computed in a worker and drawn
    // when it answers (ForceAtlas2, a few seconds at this size): a full frame that moves every
    // node, part of opening the map like the first frame. The changes are measured on the
    // settled map: they wait for that answer's frame, whose time is reported apart (a change
    // that met it would wait for it: at 2,000 organisations one long task of 100-350 ms).
    const layout = await screen
      .waitForFunction(() => performance.getEntriesByName('partnerhub:map-layout')[0] ?? null, null, { timeout: 120_000, polling: 50 })
      .then((handle) => handle.evaluate((measure) => ({ answeredAfterOpen: measure.startTime, frame: measure.duration })))
      .catch(() => null);
    // On the screen: the map marks each painting of a change with the nodes and edges it then
    // shows, right after painting it (the overlay's, or sigma.js's full frame), and each full
    // frame of sigma.js apart; an app without the overlay marks its full frames only as drawn.
    // The app's other work is marked too (`partnerhub:map-layout`: a layout answer applied),
    // so each change can say what it met.
    const fullFrames = await screen.evaluate(() => performance.getEntriesByName('partnerhub:map-full-frame').length > 0);
    await screen.evaluate(() => {
      globalThis.drawnAt = [];
      globalThis.fullAt = [];
      globalThis.otherWork = [];
      new PerformanceObserver((list) => {
        for (const mark of list.getEntries()) {
          const entry = { nodes: mark.detail?.nodes ?? 0, edges: mark.detail?.edges ?? 0, at: performance.timeOrigin + mark.startTime };
          if (mark.name === 'partnerhub:map-drawn') globalThis.drawnAt.push(entry);
          else if (mark.name === 'partnerhub:map-full-frame') globalThis.fullAt.push(entry);
          else if (mark.name.startsWith('partnerhub:')) globalThis.otherWork.push({ name: mark.name.slice('partnerhub:'.length), from: performance.timeOrigin + mark.startTime, to: performance.timeOrigin + mark.startTime + mark.duration });
        }
      }).observe({ entryTypes: ['mark', 'measure'] });
    });
    // The raw subscriber in a window of its own: a page behind another tab of its window is
    // hidden, and Chromium slows a hidden page's timers to about one a second.
    const rawContext = await browser.newContext();
    const raw = await rawContext.newPage();
    // A page the server itself answers: Chromium opens no websocket from a page Playwright
    // fulfilled (it closes at once with 1006).
    await raw.goto(`${server.url}/healthz`);
    await raw.evaluate(
      ([token, workspace]) =>
        new Promise((ready, fail) => {
          globalThis.receivedAt = [];
          const seen = [];
          const socket = new WebSocket(`ws://${location.host}/ws`);
          const timer = setTimeout(() => fail(new Error(`the raw subscriber was not subscribed in 20 s; frames: ${seen.join(' | ')}`)), 20_000);
          socket.onopen = () => socket.send(JSON.stringify({ type: 'hello', token }));
          socket.onclose = (event) => seen.push(`closed ${event.code} ${event.reason}`);
          socket.onmessage = (message) => {
            const frame = JSON.parse(message.data);
            if (seen.length < 5) seen.push(message.data.slice(0, 200));
            if (frame.type === 'welcome') socket.send(JSON.stringify({ type: 'subscribe', workspace_id: workspace }));
            if (frame.type === 'subscribed') {
              clearTimeout(timer);
              ready();
            }
            if (frame.type === 'event') globalThis.receivedAt.push({ at: performance.timeOrigin + performance.now(), type: frame.event_type, command: frame.command_id, organisation: frame.payload?.organisation_id ?? null });
          };
        }),
      [login.token, generated.workspace],
    );
    await screen.bringToFront();
    const profiler = wanted.profile ? await profilePage(screen, wanted.profile, 'the map') : null;
    await screen.evaluate(() => {
      globalThis.webglFrames.counting = true;
    });
    // Each change is one command of two events (`OrganisationRegistered`, then
    // `RelationLevelChanged` for its level): it is on the screen when the map has painted its
    // node and its edge, and through the fan-out when the raw subscriber has both events. The
    // next change waits for sigma.js's full frame with this one, so no change meets the last
    // one's frame.
    const sentAt = [];
    const organisationIds = [];
    for (let index = 0; index < wanted.changes; index += 1) {
      const organisationId = randomUUID();
      organisationIds.push(organisationId);
      sentAt.push(performance.timeOrigin + performance.now());
      await http(server, 'POST', `/api/workspaces/${generated.workspace}/commands`, generated.tokens[0], {
        command: { type: 'RegisterOrganisation', organisation_id: organisationId, name: `Ny partner ${index + 1}`, sector: 'civil_society', level: 'network' },
      });
      await screen.waitForFunction(
        ([nodes, edges, full]) => (full ? globalThis.fullAt : globalThis.drawnAt).some((entry) => entry.nodes >= nodes && entry.edges >= edges),
        [nodes + index + 1, edgesDrawn + index + 1, fullFrames],
        { timeout: 60_000, polling: 20 },
      );
      await raw.waitForFunction((id) => globalThis.receivedAt.filter((event) => event.organisation === id).length >= 2, organisationId, { timeout: 60_000, polling: 20 });
      await new Promise((done) => setTimeout(done, 200));
    }
    await profiler?.stop();
    let tracedTasks = null;
    if (wanted.trace) {
      // The mark ties the trace's clock to the page's.
      const anchorAt = await screen.evaluate(() => performance.timeOrigin + performance.mark('bench:trace-anchor').startTime);
      const trace = await browser.stopTracing();
      writeFileSync(wanted.trace, trace);
      tracedTasks = longTasksOfTrace(JSON.parse(trace.toString()), 'bench:trace-anchor', anchorAt);
      say(`the map page's trace is in ${wanted.trace} (${tracedTasks.length} long tasks)`);
    }
    const drawnFrames = await screen.evaluate(() => globalThis.webglFrames.frames);
    say(`the map drew ${drawnFrames} WebGL frames during the ${wanted.changes} changes (${round(drawnFrames / wanted.changes)} a change)`);
    const { drawnAt, fullAt, nextFrames, arrivals, longTasks, otherWork } = await screen.evaluate(() => ({
      drawnAt: globalThis.drawnAt,
      fullAt: globalThis.fullAt,
      nextFrames: globalThis.nextFrames,
      arrivals: globalThis.arrivals,
      longTasks: globalThis.longTasks,
      otherWork: globalThis.otherWork,
    }));
    const receivedAt = await raw.evaluate(() => globalThis.receivedAt);
    const changes = sentAt.map((sent, index) => {
      const id = organisationIds[index];
      const rawEvents = receivedAt.filter((event) => event.organisation === id);
      const mapEvents = arrivals.filter((event) => event.organisation === id);
      const node = drawnAt.find((entry) => entry.nodes >= nodes + index + 1);
      const whole = drawnAt.find((entry) => entry.nodes >= nodes + index + 1 && entry.edges >= edgesDrawn + index + 1);
      const full = (fullFrames ? fullAt : drawnAt).find((entry) => entry.nodes >= nodes + index + 1 && entry.edges >= edgesDrawn + index + 1);
      // The frame begun after the whole change was painted (the mark's own time matches).
      const shown = nextFrames.find((entry) => Math.abs(entry.drawn - whole.at) < 0.01);
      const frames = drawnAt.filter((entry) => entry.at > sent && entry.at <= whole.at).length;
      const named = (task) => (task.parts?.length ? ` (${task.parts.slice(0, 3).map((part) => `${part.name} ${round(part.ms)} ms`).join(', ')})` : '');
      const met = [
        ...(tracedTasks ?? longTasks).filter((task) => task.to > sent && task.from < whole.at).map((task) => `long task ${round(task.to - task.from)} ms${named(task)}`),
        ...otherWork.filter((work) => work.to > sent && work.from < whole.at).map((work) => `${work.name} ${round(work.to - work.from)} ms`),
      ];
      return {
        node: node.at - sent,
        whole: whole.at - sent,
        nextFrame: shown ? shown.frame - sent : NaN,
        full: full.at - sent,
        fanoutFirst: rawEvents[0].at - sent,
        fanoutWhole: rawEvents.at(-1).at - sent,
        pageFirst: mapEvents[0] ? mapEvents[0].at - sent : NaN,
        pageLast: mapEvents.at(-1) ? mapEvents.at(-1).at - sent : NaN,
        frames,
        met,
      };
    });
    const onScreen = changes.map((change) => change.node);
    const fanout = changes.map((change) => change.fanoutFirst);
    const wholeOnScreen = changes.map((change) => change.whole);
    const wholeFanout = changes.map((change) => change.fanoutWhole);
    const nextFrame = changes.map((change) => change.nextFrame).filter((ms) => Number.isFinite(ms));
    const fullFrame = changes.map((change) => change.full);
    if (wanted.samples) {
      say('change: ms after the command was sent until: the raw subscriber had its first event, its last; the map page had its first, its last; the map painted the node, node and edge (paintings marked); the next frame began; sigma.js\'s full frame had it; what the change met');
      say('change  raw first  raw last  page first  page last   node  whole  next frame   full  marks  met');
      for (const [index, change] of changes.entries()) {
        const cells = [change.fanoutFirst, change.fanoutWhole, change.pageFirst, change.pageLast, change.node, change.whole, change.nextFrame, change.full].map((ms) => String(round(ms)));
        say(`${String(index + 1).padStart(6)}  ${cells.map((cell, at) => cell.padStart([9, 8, 10, 9, 6, 6, 10, 6][at])).join('  ')}  ${String(change.frames).padStart(5)}  ${change.met.join(', ')}`);
      }
    }

    const result = {
      scenario: 'map',
      organisations: wanted.organisations,
      relations: wanted.relations,
      nodes,
      edges: network.edges.length,
      first_frame_ms: { app: round(quantile(firstFrame.app, 0.5)), bare: round(quantile(firstFrame.bare, 0.5)) },
      frame_ms_p50: { app: round(quantile(frames.app, 0.5)), bare: round(quantile(frames.bare, 0.5)) },
      frame_ms_p95: { app: round(quantile(frames.app, 0.95)), bare: round(quantile(frames.bare, 0.95)) },
      change_ms: { on_screen_p50: round(quantile(onScreen, 0.5)), on_screen_p99: round(quantile(onScreen, 0.99)), fanout_p50: round(quantile(fanout, 0.5)), fanout_p99: round(quantile(fanout, 0.99)) },
      whole_change_ms: {
        on_screen_p50: round(quantile(wholeOnScreen, 0.5)),
        on_screen_p99: round(quantile(wholeOnScreen, 0.99)),
        fanout_p50: round(quantile(wholeFanout, 0.5)),
        fanout_p99: round(quantile(wholeFanout, 0.99)),
      },
      next_frame_ms: { p50: round(quantile(nextFrame, 0.5)), p99: round(quantile(nextFrame, 0.99)) },
      full_frame_ms: { p50: round(quantile(fullFrame, 0.5)), p99: round(quantile(fullFrame, 0.99)) },
      webgl_frames_per_change: round(drawnFrames / wanted.changes),
      layout_ms: layout === null ? null : { answered_after_open: round(layout.answeredAfterOpen), frame: round(layout.frame) },
    };
    result.ratios = {
      first_frame: round(result.first_frame_ms.app / result.first_frame_ms.bare),
      frame_p95: round(result.frame_ms_p95.app / result.frame_ms_p95.bare),
      change_p99_to_fanout_p99: round(result.change_ms.on_screen_p99 / result.change_ms.fanout_p99),
      whole_change_p99_to_fanout_p99: round(result.whole_change_ms.on_screen_p99 / result.whole_change_ms.fanout_p99),
    };
    if (wanted.json) {
      console.log(JSON.stringify(result));
    } else {
      console.log(`map: ${nodes} nodes, ${result.edges} edges (${wanted.organisations} organisations, ${wanted.relations} relations)`);
      console.log(`                           app      bare sigma   ratio (bar)`);
      console.log(`first full frame (ms)  ${String(result.first_frame_ms.app).padStart(8)} ${String(result.first_frame_ms.bare).padStart(12)}   ${result.ratios.first_frame} (<= 1.5)`);
      console.log(`frame p50 (ms)         ${String(result.frame_ms_p50.app).padStart(8)} ${String(result.frame_ms_p50.bare).padStart(12)}`);
      console.log(`frame p95 (ms)         ${String(result.frame_ms_p95.app).padStart(8)} ${String(result.frame_ms_p95.bare).padStart(12)}   ${result.ratios.frame_p95} (<= 1.5)`);
      console.log(`                        on screen   ws fan-out`);
      console.log(`change p50 (ms)        ${String(result.change_ms.on_screen_p50).padStart(8)} ${String(result.change_ms.fanout_p50).padStart(12)}`);
      console.log(`change p99 (ms)        ${String(result.change_ms.on_screen_p99).padStart(8)} ${String(result.change_ms.fanout_p99).padStart(12)}   ${result.ratios.change_p99_to_fanout_p99} (<= 2)`);
      console.log(`the whole command (the node and its edge on screen; both events at the raw subscriber):`);
      console.log(`change p50 (ms)        ${String(result.whole_change_ms.on_screen_p50).padStart(8)} ${String(result.whole_change_ms.fanout_p50).padStart(12)}`);
      console.log(`change p99 (ms)        ${String(result.whole_change_ms.on_screen_p99).padStart(8)} ${String(result.whole_change_ms.fanout_p99).padStart(12)}   ${result.ratios.whole_change_p99_to_fanout_p99} (<= 2)`);
      console.log(`the whole command: the browser's next frame began (p50 / p99, ms)   ${result.next_frame_ms.p50} / ${result.next_frame_ms.p99}`);
      console.log(`the whole command in sigma.js's full frame (p50 / p99, ms)          ${result.full_frame_ms.p50} / ${result.full_frame_ms.p99}`);
      console.log(`WebGL frames a change  ${String(result.webgl_frames_per_change).padStart(8)}`);
      console.log(
        result.layout_ms === null
          ? 'the opening layout: no answer drawn within 120 s (the changes did not wait for it)'
          : `the opening layout (before the changes): answered ${result.layout_ms.answered_after_open} ms after the page opened, its frame ${result.layout_ms.frame} ms`,
      );
    }
  } finally {
    await browser?.close();
    await stopServer(server);
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  say(`map benchmark failed: ${error.message}`);
  process.exit(1);
});
