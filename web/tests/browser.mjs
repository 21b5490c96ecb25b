// Browser tests: what a person does, in Debian's Chromium driven by playwright-core, against
// a REAL partnerhub server with the demo workspaces (started here on a free port with a
// temporary data directory). Two people on the same map see each other's changes live; the
// language switch turns the texts Danish/English; an owner invites a colleague, who creates
// an account through the link and sees the map; log out and password change; axe-core finds no serious or critical
// accessibility violation; the map's search, filters, focus, metric sizes and findings; relation
// editing (link a colleague, move a relation with a reason, a refusal with its reason, end a
// relation from the keyboard); exports (a GEXF export opens in graphology's parser with the
// map's counts); presence on the map (avatars, selections, pointers, a late joiner sees who
// is already there); a node dragged by one is seen moving live by the other and recorded at
// the drop, and moved with the keyboard; the server restarted mid-test (same port, same data
// directory): both reconnect by themselves and catch up, and a change typed while it was down
// arrives once; undo and redo that never overwrite a colleague's later change; importing
// organisations from a CSV file (a preview with the rejection reasons, nothing written until
// confirmed, then everything at once); the workshop board with guests on phones
// (tests/board.mjs); screenshots of the map and the board go to docs/screenshots/.
//
// Usage: node tests/browser.mjs [path to the partnerhub binary]
//   (default: ../target/debug/partnerhub; env CHROMIUM overrides /usr/bin/chromium)
import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import Graph from 'graphology';
import gexf from 'graphology-gexf';
import { boardSteps } from './board.mjs';
import { portfolioSteps } from './portfolio.mjs';
import { assetsSteps } from './assets.mjs';
import { partnershipSteps } from './partnership.mjs';
import { auditSteps } from './audit.mjs';
import { navSteps } from './nav.mjs';
import { boardFacilitationSteps } from './board-facilitation.mjs';

const require = createRequire(import.meta.url);
const root = new URL('../..', import.meta.url).pathname;
const binary = process.argv[2] ?? join(root, 'target', 'debug', 'partnerhub');
const screenshots = join(root, 'docs', 'screenshots');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Starts `partnerhub serve --demo` on `listen` (a free port by default) and resolves with its
 * address and, on an empty data directory, the owner's login.
 */
function startServer(dataDir, listen = '127.0.0.1:0') {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['--data', dataDir, 'serve', '--demo', '--listen', listen], {
      env: { ...process.env, PARTNERHUB_LOG: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let started = false;
    const timer = setTimeout(() => reject(new Error(`the server did not start in 60 s:\n${output}`)), 60_000);
    const read = (chunk) => {
      output += chunk.toString();
      const address = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      const login = /owner login: (\S+) \/ (\S+)/.exec(output);
      const restarted = /the demo is loaded only into an empty store/.test(output);
      if (!started && address && (login || restarted)) {
        started = true;
        clearTimeout(timer);
        resolve({ child, url: address[1], name: login?.[1], password: login?.[2] });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => reject(new Error(`the server exited with ${code}:\n${output}`)));
  });
}

/** Stops the server (SIGTERM: it closes the websockets with 1001) and waits until it exited. */
function stopServer(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function logIn(page, server, name = server.name, password = server.password) {
  await page.goto(server.url + '/');
  await page.getByLabel('Brugernavn').fill(name);
  await page.getByLabel('Adgangskode').fill(password);
  await page.getByRole('button', { name: 'Log ind' }).click();
  await page.getByRole('heading', { name: 'Vælg et arbejdsrum' }).waitFor();
}

async function openMap(page, workspace) {
  await page.getByRole('link', { name: workspace }).click();
  await page.getByRole('heading', { name: 'Netværkskort' }).waitFor();
  // The address names the workspace by its readable slug.
  if (workspace === 'Roskilde Bibliotekerne') assert.match(page.url(), /\/w\/roskilde-bibliotekerne$/);
  await page.locator('[data-state="online"]').waitFor();
  await page.locator('.map-canvas canvas').first().waitFor();
}

/** Every node on the map shows its name: the map's last frame wrote as many names as it
 * shows nodes (`data-labels`, `data-nodes`). */
async function everyNameShown(page) {
  const canvas = page.getByTestId('map-canvas');
  const [nodes, labels] = await Promise.all([canvas.getAttribute('data-nodes'), canvas.getAttribute('data-labels')]);
  assert.equal(labels, nodes, `names shown on the map (${labels}) against its nodes (${nodes})`);
}

async function axeViolations(page) {
  // Evaluated through the devtools protocol: the page's content security policy (rightly)
  // refuses inline scripts.
  await page.evaluate(axeSource);
  const results = await page.evaluate(() => globalThis.axe.run());
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/** The session token and the workspace of a page showing a workspace. */
async function sessionOf(page) {
  const token = await page.evaluate(() => JSON.parse(globalThis.localStorage.getItem('partnerhub.session')).token);
  const workspace = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]);
  return { token, workspace };
}

/** A request to the server from `page`, with its session. */
async function call(page, method, path, body) {
  const { token } = await sessionOf(page);
  return page.evaluate(
    async ([method, path, body, token]) => {
      const response = await globalThis.fetch(path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: response.status, body: await response.json().catch(() => null) };
    },
    [method, path, body, token],
  );
}

/** The recorded place of the node labelled `label`, as the server's network view has it. */
async function placeOf(page, label) {
  const { workspace } = await sessionOf(page);
  const view = await call(page, 'GET', `/api/workspaces/${workspace}/network`);
  return view.body.nodes.find((node) => node.label === label)?.place ?? null;
}

/** The recorded place of `label` once `holds(place)`, waiting for the views to catch up. */
async function placeWhen(page, label, holds) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const place = await placeOf(page, label);
    if (holds(place)) return place;
    await page.waitForTimeout(100);
  }
  throw new Error(`the place of ${label} never became as expected (now ${JSON.stringify(await placeOf(page, label))})`);
}

/** Where the ring of another's selection is drawn on `page` (the first ring), or null. */
function ringAt(page) {
  return page.evaluate(() => {
    const ring = globalThis.document.querySelector('[data-testid="presence-ring"]');
    return ring ? { x: parseFloat(ring.style.left), y: parseFloat(ring.style.top) } : null;
  });
}

const steps = [];
// BROWSER_ONLY=nav,portfolio runs only the steps whose names start with one of those words
// (after the log-in that every area needs), for working on one area; a run without it runs
// every step. Areas lean on what earlier steps left (the board steps on the changed
// password), so a filtered run is for development, never instead of the full run.
const only = (process.env.BROWSER_ONLY ?? '').split(',').map((word) => word.trim()).filter((word) => word !== '');
const ALWAYS = new Set(['two colleagues log in and open the same map']);
async function step(name, body) {
  if (only.length > 0 && !ALWAYS.has(name) && !only.some((word) => name.startsWith(word))) return;
  const started = Date.now();
  try {
    await body();
    steps.push(`ok   ${name} (${Date.now() - started} ms)`);
    console.log(`ok   ${name}`);
  } catch (error) {
    console.log(`FAIL ${name}`);
    throw error;
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'partnerhub-browser-'));
let server;
let browser;
try {
  server = await startServer(join(dataDir, 'data'));
  // launch() gives every run a fresh, temporary profile of its own.
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const viewport = { width: 1280, height: 800 };
  const contextA = await browser.newContext({ viewport });
  const contextB = await browser.newContext({ viewport });
  const anna = await contextA.newPage();
  const bo = await contextB.newPage();
  const problems = [];
  const watch = (page) => {
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('console', (message) => {
      // Refusals the steps provoke (a failed login's 401, a weak password's 400, a wrong
      // current password's 403, a used invite's 410) are expected; anything else logged as an
      // error is a problem (a content security policy violation, a failed script).
      // A reconnect attempt that Chromium refuses while a step has the context offline
      // (ERR_INTERNET_DISCONNECTED) is expected too: the app keeps trying, with backoff.
      // So is a refused connection while a step has restarted the server.
      if (message.type() === 'error' && !/status of (400|401|403|410)|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED/.test(message.text())) problems.push(message.text());
    });
  };
  for (const page of [anna, bo]) watch(page);
  const watchProblems = watch;

  await step('the login page has no serious accessibility violations', async () => {
    await anna.goto(server.url + '/');
    await anna.getByRole('heading', { name: 'Log ind' }).waitFor();
    assert.deepEqual(await axeViolations(anna), []);
  });

  await step('a wrong password is said as a sentence, not parser output', async () => {
    await anna.getByLabel('Brugernavn').fill(server.name);
    await anna.getByLabel('Adgangskode').fill('not the password');
    await anna.getByRole('button', { name: 'Log ind' }).click();
    await anna.getByRole('alert').filter({ hasText: 'Forkert brugernavn eller adgangskode' }).waitFor();
  });

  await step('two colleagues log in and open the same map', async () => {
    await logIn(anna, server);
    await logIn(bo, server);
    await openMap(anna, 'Roskilde Bibliotekerne');
    await openMap(bo, 'Roskilde Bibliotekerne');
  });

  await step('the map has no serious accessibility violations', async () => {
    assert.deepEqual(await axeViolations(anna), []);
  });

  await step('screenshot of the map in Danish', async () => {
    await anna.getByText('Placerer knuder …').waitFor({ state: 'detached', timeout: 15_000 });
    await anna.waitForTimeout(500);
    await everyNameShown(anna);
    await anna.screenshot({ path: join(screenshots, 'map-da.png') });
  });

  // The one navigation between a workspace's pages (tests/nav.mjs).
  await navSteps({ server, anna, step, axeViolations, screenshots });

  await step('search finds a node, selects it and shows its findings; focus and sizes', async () => {
    // Before anyone adds an organisation (with a new random id), so the picture is the same on every run.
    await anna.getByLabel('Find en knude').fill('festival');
    await anna.getByRole('button', { name: 'Roskilde Festival' }).first().click();
    const details = anna.getByTestId('node-details');
    await details.getByRole('heading', { name: 'Roskilde Festival' }).waitFor();
    await details.getByText('Dobbeltkontakt:').waitFor();
    await details.getByText(/taler begge med Roskilde Festival om musik/).waitFor();
    await anna.getByTestId('findings').getByText('Nøglepersonrisiko').first().waitFor();
    await anna.getByLabel('Fokus på naboer').check();
    await anna.getByLabel('Størrelse efter').selectOption('betweenness');
    // Notices of earlier steps would cover the picture.
    while ((await anna.locator('.notice').count()) > 0) await anna.locator('.notice').first().click();
    await anna.waitForTimeout(500);
    await anna.screenshot({ path: join(screenshots, 'map-focus-da.png') });
    await anna.getByLabel('Fokus på naboer').uncheck();
    await anna.getByLabel('Størrelse efter').selectOption('kind');
    assert.deepEqual(await axeViolations(anna), []);
    // The next screenshot shows the map as it opens: no selection, the camera not moved.
    await anna.reload();
    await anna.locator('.map-canvas canvas').first().waitFor();
    await anna.getByText('Placerer knuder …').waitFor({ state: 'detached', timeout: 15_000 });
  });

  await step('the language switch turns the texts English and back to Danish', async () => {
    await anna.getByLabel('Sprog').selectOption('en');
    await anna.getByRole('heading', { name: 'Network map' }).waitFor();
    for (const text of ['Legend', 'Add an organisation', 'Connected', `Logged in as ${server.name}`, 'Civil society', 'Network circle']) {
      await anna.getByText(text, { exact: true }).filter({ visible: true }).first().waitFor();
    }
    assert.equal(await anna.getByText('Signaturforklaring').count(), 0);
    assert.equal(await anna.evaluate(() => document.documentElement.lang), 'en');
    await anna.waitForTimeout(300);
    await everyNameShown(anna);
    await anna.screenshot({ path: join(screenshots, 'map-en.png') });
    // Remembered for this user after a reload.
    await anna.reload();
    await anna.getByRole('heading', { name: 'Network map' }).waitFor();
    await anna.getByLabel('Language').selectOption('da');
    await anna.getByRole('heading', { name: 'Netværkskort' }).waitFor();
    await anna.getByText('Signaturforklaring').waitFor();
  });

  await step('the table view lists the nodes and relations', async () => {
    await bo.getByRole('button', { name: 'Tabel' }).click();
    await bo.getByRole('table').first().waitFor();
    await bo.getByRole('cell', { name: 'Roskilde Festival' }).or(bo.getByRole('button', { name: 'Roskilde Festival' })).first().waitFor();
    assert.deepEqual(await axeViolations(bo), []);
  });

  const newName = `Foreningen for Læsehunde ${Date.now() % 100000}`;
  await step('an organisation added by one colleague appears live for the other', async () => {
    const addForm = anna.locator('form.add-organisation');
    await addForm.getByLabel('Navn').fill(newName);
    await addForm.getByLabel('Sektor').selectOption('civil_society');
    await anna.getByRole('button', { name: 'Tilføj', exact: true }).click();
    await anna.getByText(`${newName} er tilføjet.`).waitFor();
    // Bo did not reload: the websocket told his store, which reloaded the view.
    await bo.getByRole('button', { name: newName }).waitFor({ timeout: 10_000 });
    // And on Anna's own map: select the node from the table and see its details.
    await anna.getByRole('button', { name: 'Tabel' }).click();
    await anna.getByRole('button', { name: newName }).click();
    await anna.getByTestId('node-details').getByText('Civilsamfund').waitFor();
    await anna.getByRole('button', { name: 'Kort' }).click();
    await anna.locator('.map-canvas canvas').first().waitFor();
  });

  await step('overlay: a colleague\'s added organisation is painted at once, then drawn by sigma.js and the overlay emptied', async () => {
    await bo.getByRole('button', { name: 'Kort' }).click();
    await bo.locator('.map-canvas canvas').first().waitFor();
    // Until sigma.js has drawn the map as the page has it.
    const shownNodes = Number(await bo.getByTestId('map-canvas').getAttribute('data-nodes'));
    await bo.waitForFunction(
      (nodes) => globalThis.performance.getEntriesByName('partnerhub:map-full-frame').some((mark) => mark.detail.nodes === nodes),
      shownNodes,
    );
    // What Bo's map shows at each painting it marks: the pixels painted on the overlay's two
    // layers (under sigma.js's nodes: edges; over them: nodes and labels), read in the same task.
    const before = await bo.evaluate((nodes) => {
      globalThis.paintings = [];
      const pixels = () => {
        const painted = {};
        for (const layer of ['edges', 'nodes']) {
          const canvas = globalThis.document.querySelector(`canvas.sigma-partnerhub-change-${layer}`);
          const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          painted[layer] = 0;
          for (let at = 3; at < data.length; at += 4) if (data[at] !== 0) painted[layer] += 1;
        }
        return painted;
      };
      const mark = globalThis.performance.mark.bind(globalThis.performance);
      globalThis.performance.mark = (name, options) => {
        const entry = mark(name, options);
        if (name === 'partnerhub:map-drawn' || name === 'partnerhub:map-full-frame') {
          const canvas = globalThis.document.querySelector('[data-testid="map-canvas"]');
          globalThis.paintings.push({ name, detail: options?.detail ?? null, painted: pixels(), overlayNodes: canvas.dataset.overlayNodes ?? '0' });
        }
        return entry;
      };
      return globalThis.performance.getEntriesByName('partnerhub:map-full-frame').findLast((mark) => mark.detail.nodes === nodes).detail;
    }, shownNodes);
    const summary = await call(anna, 'GET', '/api/workspaces/roskilde-bibliotekerne');
    const register = async (name) => {
      const added = await call(anna, 'POST', `/api/workspaces/${summary.body.workspace_id}/commands`, {
        command: { type: 'RegisterOrganisation', organisation_id: randomUUID(), name, sector: 'civil_society', level: 'network' },
      });
      assert.ok(added.status < 300, `${name} was registered: ${JSON.stringify(added)}`);
    };
    // On a map of fewer than 20 nodes a new organisation starts on the network circle and the
    // layout places it (maybe beyond the map's extent: then sigma.js frames the map anew at
    // once, which the overlay cannot paint). More first, so the next goes beside the library,
    // as on a larger map.
    for (const name of ['Spejderne i Roskilde', 'Læseklubben Ordet', 'Roskilde Kammerkor']) {
      if (before.nodes >= 20) break;
      await register(name);
      await bo.waitForFunction(
        (nodes) => globalThis.performance.getEntriesByName('partnerhub:map-full-frame').some((mark) => mark.detail.nodes === nodes),
        before.nodes + 1,
      );
      Object.assign(before, { nodes: before.nodes + 1, edges: before.edges + 1 });
    }
    await bo.getByText('Placerer knuder …').waitFor({ state: 'detached', timeout: 15_000 });
    await bo.evaluate(() => {
      globalThis.paintings = [];
    });
    await register('Domkirkens Kor');
    const grown = { nodes: before.nodes + 1, edges: before.edges + 1 };
    await bo.waitForFunction(
      (grown) => globalThis.paintings.some((painting) => painting.name === 'partnerhub:map-full-frame' && painting.detail.nodes === grown.nodes),
      grown,
      { timeout: 10_000 },
    );
    const paintings = await bo.evaluate(() => globalThis.paintings);
    const overlay = paintings.findIndex((painting) => painting.name === 'partnerhub:map-drawn' && painting.detail.overlay);
    const full = paintings.findIndex((painting) => painting.name === 'partnerhub:map-full-frame' && painting.detail.nodes === grown.nodes);
    // Painted by the overlay first (the node and its relation to the library), before sigma.js's
    // graph had it; then sigma.js drew it in a full frame, and the overlay was empty again.
    assert.ok(overlay >= 0 && overlay < full, `the overlay painted the change before sigma.js's frame: ${JSON.stringify(paintings)}`);
    assert.deepEqual(paintings[overlay].detail, { ...grown, overlay: { nodes: 1, edges: 1 } });
    assert.equal(paintings[overlay].overlayNodes, '1');
    // Its disc and label over sigma.js's nodes, its relation under them (the overlay's own
    // colours and sizes are the unit tests' part: overlay.test.ts).
    assert.ok(paintings[overlay].painted.nodes > 0 && paintings[overlay].painted.edges > 0, `painted on both layers: ${JSON.stringify(paintings[overlay])}`);
    assert.ok(paintings.slice(0, overlay).every((painting) => painting.detail.nodes === before.nodes), 'no frame had the node before the overlay');
    assert.deepEqual(paintings[full].detail, grown);
    assert.deepEqual(paintings[full].painted, { edges: 0, nodes: 0 });
    assert.equal(paintings[full].overlayNodes, '0');
    // The table shows it too (the page rendered the change after the overlay's painting).
    await bo.getByRole('button', { name: 'Tabel' }).click();
    await bo.getByRole('button', { name: 'Domkirkens Kor' }).waitFor();
  });

  await step('a change made while offline is queued, sent on reconnect, and arrives once', async () => {
    const offlineName = `Offline Forening ${Date.now() % 100000}`;
    await contextA.setOffline(true);
    await anna.locator('.connection:not([data-state="online"])').waitFor({ timeout: 15_000 });
    await anna.getByRole('button', { name: 'Tabel' }).click();
    await anna.locator('form.add-organisation').getByLabel('Navn').fill(offlineName);
    await anna.getByRole('button', { name: 'Tilføj', exact: true }).click();
    await anna.getByText(`${offlineName} tilføjes, når forbindelsen er tilbage.`).waitFor();
    await anna.getByText('1 ændring(er) venter på forbindelsen').waitFor();
    await contextA.setOffline(false);
    await anna.locator('[data-state="online"]').waitFor({ timeout: 20_000 });
    await anna.getByText(`${offlineName} er tilføjet.`).waitFor({ timeout: 10_000 });
    await bo.getByRole('button', { name: offlineName }).waitFor({ timeout: 10_000 });
    await anna.getByRole('button', { name: offlineName }).waitFor({ timeout: 10_000 });
    assert.equal(await anna.getByRole('button', { name: offlineName }).count(), 1);
    assert.equal(await bo.getByRole('button', { name: offlineName }).count(), 1);
    await anna.getByRole('button', { name: 'Kort' }).click();
  });

  await step('filters narrow the map and the table, and are cleared', async () => {
    await anna.getByRole('button', { name: 'Kort' }).click();
    const canvas = anna.getByTestId('map-canvas');
    const all = Number(await canvas.getAttribute('data-nodes'));
    await anna.locator('details.filters > summary').click();
    await anna.locator('select[name="filter-sector"]').selectOption('private');
    const privateOnly = Number(await canvas.getAttribute('data-nodes'));
    assert.ok(privateOnly < all, `${privateOnly} nodes with the filter, ${all} without`);
    await anna.locator('select[name="filter-topic"]').selectOption('iPads');
    await anna.getByText(`${privateOnly} af ${all} knuder vises`).waitFor();
    await anna.getByRole('button', { name: 'Tabel' }).click();
    const table = anna.getByTestId('network-table');
    await table.getByRole('button', { name: 'Eplehuset' }).waitFor();
    assert.equal(await table.getByRole('button', { name: 'Roskilde Festival' }).count(), 0);
    // The findings follow the filter too.
    assert.equal(await anna.getByTestId('findings').getByRole('button', { name: 'Roskilde Festival' }).count(), 0);
    await anna.getByRole('button', { name: 'Kort' }).click();
    await anna.getByRole('button', { name: 'Nulstil filtre' }).click();
    assert.equal(Number(await canvas.getAttribute('data-nodes')), all);
  });

  await step('a GEXF export opens in graphology with the map\'s counts; PNG and SVG pictures', async () => {
    const canvas = anna.getByTestId('map-canvas');
    const [download] = await Promise.all([anna.waitForEvent('download'), anna.getByRole('button', { name: 'GEXF (Gephi, Kumu)' }).click()]);
    const path = await download.path();
    const graph = gexf.parse(Graph, readFileSync(path, 'utf8'));
    assert.equal(graph.order, Number(await canvas.getAttribute('data-nodes')));
    assert.equal(graph.size, Number(await canvas.getAttribute('data-edges')));
    assert.ok(graph.order > 5);
    const exported = async (button) => {
      const [file] = await Promise.all([anna.waitForEvent('download'), anna.getByRole('button', { name: button }).click()]);
      return readFileSync(await file.path());
    };
    const png = await exported('Billede (PNG)');
    assert.equal(png.subarray(0, 4).toString('latin1'), '\x89PNG');
    // KEEP_EXPORTS=<dir> keeps the exported picture to look at.
    if (process.env.KEEP_EXPORTS) writeFileSync(join(process.env.KEEP_EXPORTS, 'map-export.png'), png);
    assert.match((await exported('Vektorbillede (SVG)')).toString('utf8'), /^<svg [^>]*>[\s\S]*<circle [\s\S]*Roskilde Festival/);
    assert.match((await exported('Knuder (CSV)')).toString('utf8'), /^\ufeffid,label,kind,[\s\S]*Fagbevægelsen i Roskilde/);
    assert.match((await exported('GraphML (yEd)')).toString('utf8'), /<graphml [\s\S]*<node id=/);
  });

  await step('a CSV import shows its preview with the rejection reasons and writes nothing until confirmed', async () => {
    const canvas = anna.getByTestId('map-canvas');
    const before = Number(await canvas.getAttribute('data-nodes'));
    const csv = '\ufeffNavn;Sektor;Emner;Niveau\r\n' +
      'Læsehundene i Ølstykke;civilsamfund;højtlæsning;netværk\r\n' +
      'Åens Børnehus;offentlig;"sprog; leg";\r\n' +
      'Roskilde Festival;civilsamfund;importprøve;\r\n' +
      ';offentlig;;\r\n' +
      'Skolebiblioteket;;;\r\n';
    await anna.getByRole('button', { name: 'Importér fra regneark (CSV) …' }).click();
    const dialog = anna.getByRole('dialog');
    await dialog.getByLabel('CSV-fil').setInputFiles({ name: 'organisationer.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    const preview = dialog.getByTestId('import-preview');
    await preview.waitFor();
    await dialog.getByText('2 oprettes, 1 flettes, 0 er der allerede, 2 afvises.').waitFor();
    await preview.getByRole('row', { name: /Læsehundene i Ølstykke.*Oprettes/ }).waitFor();
    await preview.getByRole('row', { name: /Roskilde Festival.*Flettes ind i den eksisterende/ }).waitFor();
    await preview.getByRole('row', { name: /^5 .*Afvises.*Rækken har intet navn\./ }).waitFor();
    await preview.getByRole('row', { name: /Skolebiblioteket.*Afvises.*Rækken har ingen sektor/ }).waitFor();
    assert.deepEqual(await axeViolations(anna), []);
    // Nothing is written by the preview: neither map nor the colleague's table has the rows.
    assert.equal(Number(await canvas.getAttribute('data-nodes')), before);
    assert.equal(await bo.getByRole('button', { name: 'Læsehundene i Ølstykke' }).count(), 0);
    await dialog.getByRole('button', { name: 'Importér 3 organisation(er)' }).click();
    await anna.getByText('3 organisation(er) er importeret.').waitFor();
    await bo.getByRole('button', { name: 'Læsehundene i Ølstykke' }).waitFor({ timeout: 10_000 });
    await bo.getByRole('button', { name: 'Åens Børnehus' }).waitFor({ timeout: 10_000 });
    await anna.locator(`[data-testid="map-canvas"][data-nodes="${before + 2}"]`).waitFor({ timeout: 10_000 });
  });

  await step('relation editing: link a colleague, move a relation, a refusal with its reason', async () => {
    await anna.getByLabel('Find en knude').fill('Rockmuseum');
    await anna.getByRole('button', { name: 'Danmarks Rockmuseum' }).first().click();
    const editor = anna.getByTestId('relation-editor');
    await editor.getByText('Nu: Samarbejde').waitFor();
    await editor.locator('select[name="staff"]').selectOption({ label: 'Karen Dahl' });
    await editor.getByLabel('Emner (adskilt med komma)').fill('udstillinger, musik');
    await editor.getByRole('button', { name: 'Knyt til' }).click();
    await anna.getByText('Karen Dahl er knyttet til Danmarks Rockmuseum.').waitFor();
    await editor.getByText('(udstillinger, musik)').waitFor({ timeout: 10_000 });
    // The same level again: refused, and the reason is said.
    await editor.getByRole('button', { name: 'Flyt på netværkscirklen …' }).click();
    const dialog = anna.getByRole('dialog');
    await dialog.getByLabel('Nyt niveau').selectOption('collaboration');
    await dialog.getByRole('button', { name: 'Gem' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Skriv en begrundelse.' }).waitFor();
    await dialog.getByLabel('Begrundelse').fill('samme niveau');
    await dialog.getByRole('button', { name: 'Gem' }).click();
    await anna.getByText('Ændringen blev afvist: Der er intet at ændre.').waitFor();
    await editor.getByRole('button', { name: 'Flyt på netværkscirklen …' }).click();
    await dialog.getByLabel('Nyt niveau').selectOption('partnership');
    await dialog.getByLabel('Begrundelse').fill('fast samarbejdsaftale om en udstilling');
    await dialog.getByRole('button', { name: 'Gem' }).click();
    await anna.getByText('Danmarks Rockmuseum er flyttet til Partnerskab.').waitFor();
    await editor.getByText('Nu: Partnerskab').waitFor({ timeout: 10_000 });
    // The colleague's table shows the new level live.
    await bo.getByRole('row', { name: /Danmarks Rockmuseum.*Partnerskab/ }).first().waitFor({ timeout: 10_000 });
  });

  await step('ending a relation works from the keyboard alone', async () => {
    const editor = anna.getByTestId('relation-editor');
    await editor.getByRole('button', { name: 'Afslut relationen …' }).focus();
    await anna.keyboard.press('Enter');
    const dialog = anna.getByRole('dialog');
    await dialog.getByLabel('Begrundelse').waitFor();
    await anna.keyboard.type('udstillingen er slut');
    await anna.keyboard.press('Tab'); // to Annuller
    await anna.keyboard.press('Tab'); // to Gem
    await anna.keyboard.press('Enter');
    await anna.getByText('Relationen til Danmarks Rockmuseum er afsluttet.').waitFor();
    await editor.getByText('Nu: Ingen relation endnu').waitFor({ timeout: 10_000 });
    assert.deepEqual(await axeViolations(anna), []);
  });

  await step('undo and redo a relation change; a colleague\'s later change is not overwritten', async () => {
    const editor = anna.getByTestId('relation-editor');
    await anna.getByRole('button', { name: 'Fortryd', exact: true }).click();
    await anna.getByText('Fortrudt: relationen til Danmarks Rockmuseum.').waitFor();
    await editor.getByText('Nu: Partnerskab').waitFor({ timeout: 10_000 });
    await anna.getByRole('button', { name: 'Gentag', exact: true }).click();
    await anna.getByText('Gentaget: relationen til Danmarks Rockmuseum.').waitFor();
    await editor.getByText('Nu: Ingen relation endnu').waitFor({ timeout: 10_000 });
    // Bo places the relation at network; Anna's undo must not take it back.
    const workspaceId = await anna.evaluate(async () => {
      const { token } = JSON.parse(globalThis.localStorage.getItem('partnerhub.session'));
      const summary = await globalThis.fetch('/api/workspaces/roskilde-bibliotekerne', { headers: { authorization: `Bearer ${token}` } });
      return (await summary.json()).workspace_id;
    });
    const organisationId = await bo.evaluate(async ({ workspaceId }) => {
      const { token } = JSON.parse(globalThis.localStorage.getItem('partnerhub.session'));
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const network = await (await globalThis.fetch(`/api/workspaces/${workspaceId}/network`, { headers })).json();
      const museum = network.nodes.find((node) => node.label === 'Danmarks Rockmuseum');
      const command = { type: 'ChangeRelationLevel', organisation_id: museum.id, to: 'network', reason: 'Bo mødte dem igen' };
      const answer = await globalThis.fetch(`/api/workspaces/${workspaceId}/commands`, { method: 'POST', headers, body: JSON.stringify({ command }) });
      if (!answer.ok) throw new Error(await answer.text());
      return museum.id;
    }, { workspaceId });
    assert.ok(organisationId);
    await editor.getByText('Nu: Netværk').waitFor({ timeout: 10_000 });
    await anna.getByRole('button', { name: 'Fortryd', exact: true }).click();
    await anna.getByText('Kan ikke fortryde: relationen til Danmarks Rockmuseum er ændret af en anden siden. Deres ændring er ikke overskrevet.').waitFor();
    await editor.getByText('Nu: Netværk').waitFor();
  });

  await step('a deep link opens the map after a reload', async () => {
    await bo.reload();
    await bo.getByRole('heading', { name: 'Netværkskort' }).waitFor();
  });

  await step('each sees the other on the map: avatar, selection and pointer', async () => {
    await anna.getByRole('button', { name: 'Kort' }).click();
    await bo.getByRole('button', { name: 'Kort' }).click();
    await anna.getByLabel('Find en knude').fill('Roskilde Festival');
    await anna.getByRole('button', { name: 'Roskilde Festival' }).first().click();
    // Anna and Bo share an account here: Bo sees its avatar, saying what Anna selected.
    await bo.locator(`.presence-bar li[data-actor="${server.name}"][title$="har valgt Roskilde Festival"]`).waitFor({ timeout: 10_000 });
    await bo.getByTestId('presence-ring').waitFor({ timeout: 10_000 });
    const box = await anna.getByTestId('map-canvas').boundingBox();
    await anna.mouse.move(box.x + 40, box.y + 40);
    await anna.mouse.move(box.x + 80, box.y + 60, { steps: 4 });
    await bo.getByTestId('presence-pointer').waitFor({ timeout: 10_000 });
    await bo.getByLabel('Find en knude').fill('Eplehuset');
    await bo.getByRole('button', { name: 'Eplehuset' }).first().click();
    await anna.getByTestId('presence-ring').waitFor({ timeout: 10_000 });
    // Anna's pointer rests on her map (a late joiner will see it there).
    await anna.mouse.move(box.x + 60, box.y + 50, { steps: 3 });
    await bo.getByTestId('presence-pointer').waitFor({ timeout: 10_000 });
  });

  const lise = { name: `lise-${Date.now() % 100000}@roskilde`, password: 'en god lang adgangskode' };
  const contextC = await browser.newContext({ viewport });
  const late = await contextC.newPage();
  watchProblems(late);
  await step('a late joiner sees everyone already there, and they see her', async () => {
    const { workspace } = await sessionOf(anna);
    const invite = await call(anna, 'POST', `/api/workspaces/${workspace}/member-invites`, { role: 'editor' });
    assert.equal(invite.status, 201, JSON.stringify(invite.body));
    const accepted = await call(anna, 'POST', '/api/invites/accept', { invite: invite.body.token, name: lise.name, password: lise.password });
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    await logIn(late, server, lise.name, lise.password);
    await openMap(late, 'Roskilde Bibliotekerne');
    // Nobody moved since she came: what she sees is the server's snapshot of who is there.
    const owner = late.locator(`.presence-bar li[data-actor="${server.name}"]`);
    await owner.waitFor({ timeout: 10_000 });
    await late.locator('[data-testid="presence-ring"]').nth(1).waitFor({ timeout: 10_000 });
    await late.getByTestId('presence-pointer').first().waitFor();
    for (const page of [anna, bo]) await page.locator(`.presence-bar li[data-actor="${lise.name}"]`).waitFor({ timeout: 10_000 });
    assert.deepEqual(await axeViolations(late), []);
  });

  await step('a node dragged by one moves live on the other\'s map, and the drop is recorded', async () => {
    assert.equal(await placeOf(anna, 'Roskilde Festival'), null, 'laid out, not placed, before');
    await anna.getByLabel('Find en knude').fill('Roskilde Festival');
    await anna.getByRole('button', { name: 'Roskilde Festival' }).first().click();
    // The camera glides to the selected node (300 ms): then it is in the middle of the map.
    await anna.waitForTimeout(700);
    const box = await anna.getByTestId('map-canvas').boundingBox();
    const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    const before = await ringAt(bo);
    assert.ok(before, 'Bo sees what Anna selected');
    await anna.mouse.move(centre.x, centre.y);
    await anna.mouse.down();
    await anna.mouse.move(centre.x + 60, centre.y + 30, { steps: 6 });
    // While Anna still holds the node, Bo sees her move it, and the node (her selection) moves.
    await bo.getByTestId('presence-pointer').filter({ hasText: 'flytter Roskilde Festival' }).waitFor({ timeout: 10_000 });
    await bo.waitForFunction(
      ([x, y]) => {
        const ring = globalThis.document.querySelector('[data-testid="presence-ring"]');
        return ring && Math.hypot(parseFloat(ring.style.left) - x, parseFloat(ring.style.top) - y) > 5;
      },
      [before.x, before.y],
      { timeout: 10_000 },
    );
    const midway = await ringAt(bo);
    await anna.mouse.move(centre.x + 140, centre.y + 70, { steps: 8 });
    await bo.waitForFunction(
      ([x, y]) => {
        const ring = globalThis.document.querySelector('[data-testid="presence-ring"]');
        return ring && Math.hypot(parseFloat(ring.style.left) - x, parseFloat(ring.style.top) - y) > 5;
      },
      [midway.x, midway.y],
      { timeout: 10_000 },
    );
    // The late joiner sees it too (her camera shows the whole map).
    await late.getByTestId('presence-pointer').filter({ hasText: 'flytter Roskilde Festival' }).waitFor({ timeout: 10_000 });
    await late.screenshot({ path: join(screenshots, 'map-live-drag-da.png') });
    await anna.mouse.up();
    // The drop is an event: the place is in the view, the same for both.
    await bo.waitForFunction(() => !globalThis.document.querySelector('[data-testid="presence-pointer"]')?.textContent.includes('flytter'), null, { timeout: 10_000 });
    const place = await placeWhen(anna, 'Roskilde Festival', (found) => found !== null);
    assert.ok(Number.isInteger(place.x) && Number.isInteger(place.y), `recorded: ${JSON.stringify(place)}`);
    await bo.reload();
    await bo.locator('[data-state="online"]').waitFor();
    await bo.locator('.map-canvas canvas').first().waitFor();
    assert.deepEqual(await placeOf(bo, 'Roskilde Festival'), place, 'after a reload, the recorded drop');
  });

  await step('a drag that ends without a drop puts the node back on the other\'s map', async () => {
    // Lise selects Eplehuset: Bo sees her ring on it, and the ring follows the node.
    const ringOfLise = () =>
      bo.evaluate((actor) => {
        const ring = globalThis.document.querySelector(`[data-actor="${actor}"] [data-testid="presence-ring"]`);
        return ring ? { x: parseFloat(ring.style.left), y: parseFloat(ring.style.top) } : null;
      }, lise.name);
    const recorded = await placeOf(anna, 'Eplehuset');
    await late.getByLabel('Find en knude').fill('Eplehuset');
    await late.getByRole('button', { name: 'Eplehuset' }).first().click();
    await bo.waitForFunction(
      (actor) => globalThis.document.querySelector(`[data-actor="${actor}"] [data-testid="presence-ring"]`),
      lise.name,
      { timeout: 10_000 },
    );
    const start = await ringOfLise();
    // Anna, on a screen of her own, takes Eplehuset and moves it; then that screen is closed
    // with the node still in her hand: no drop is recorded.
    const contextD = await browser.newContext({ viewport });
    const dragger = await contextD.newPage();
    watchProblems(dragger);
    await logIn(dragger, server);
    await openMap(dragger, 'Roskilde Bibliotekerne');
    await dragger.getByLabel('Find en knude').fill('Eplehuset');
    await dragger.getByRole('button', { name: 'Eplehuset' }).first().click();
    await dragger.waitForTimeout(700);
    const box = await dragger.getByTestId('map-canvas').boundingBox();
    const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    await dragger.mouse.move(centre.x, centre.y);
    await dragger.mouse.down();
    await dragger.mouse.move(centre.x + 120, centre.y + 60, { steps: 8 });
    await bo.waitForFunction(
      ([actor, x, y]) => {
        const ring = globalThis.document.querySelector(`[data-actor="${actor}"] [data-testid="presence-ring"]`);
        return ring && Math.hypot(parseFloat(ring.style.left) - x, parseFloat(ring.style.top) - y) > 20;
      },
      [lise.name, start.x, start.y],
      { timeout: 10_000 },
    );
    await contextD.close();
    // Bo's map puts Eplehuset back where it was: the ring is back at its first place.
    await bo.waitForFunction(
      ([actor, x, y]) => {
        const ring = globalThis.document.querySelector(`[data-actor="${actor}"] [data-testid="presence-ring"]`);
        return ring && Math.hypot(parseFloat(ring.style.left) - x, parseFloat(ring.style.top) - y) < 2;
      },
      [lise.name, start.x, start.y],
      { timeout: 10_000 },
    );
    assert.deepEqual(await placeOf(anna, 'Eplehuset'), recorded, 'nothing recorded');
  });

  await step('a node is moved with the keyboard alone, and the place is recorded', async () => {
    const before = await placeOf(anna, 'Roskilde Festival');
    const right = anna.getByRole('button', { name: 'Flyt til højre' });
    await right.focus();
    await anna.keyboard.press('ArrowRight');
    await anna.getByText('Roskilde Festival er flyttet til højre.').first().waitFor();
    const after = await placeWhen(anna, 'Roskilde Festival', (found) => found.x !== before.x);
    assert.ok(after.x > before.x && after.y === before.y, `${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
  });

  await step('on a phone, a node is dragged by touch, and the drop is recorded', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const phone = await context.newPage();
    watch(phone);
    try {
      await logIn(phone, server);
      await openMap(phone, 'Roskilde Bibliotekerne');
      const before = await placeOf(phone, 'Roskilde Festival');
      await phone.getByLabel('Find en knude').fill('Roskilde Festival');
      await phone.getByRole('button', { name: 'Roskilde Festival' }).first().click();
      const canvas = phone.getByTestId('map-canvas');
      await canvas.scrollIntoViewIfNeeded();
      // The camera glides to the selected node (300 ms): then it is in the middle of the map.
      await phone.waitForTimeout(700);
      const box = await canvas.boundingBox();
      const centre = { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
      // A finger (Chromium's touch events through the DevTools protocol: Playwright taps only).
      const touch = await context.newCDPSession(phone);
      const finger = (type, at) => touch.send('Input.dispatchTouchEvent', { type, touchPoints: at ? [{ x: at.x, y: at.y, id: 1 }] : [] });
      await finger('touchStart', centre);
      for (let moved = 1; moved <= 8; moved += 1) {
        await finger('touchMove', { x: centre.x + moved * 8, y: centre.y + moved * 10 });
        await phone.waitForTimeout(30);
      }
      await finger('touchEnd', null);
      const after = await placeWhen(phone, 'Roskilde Festival', (found) => found !== null && (found.x !== before?.x || found.y !== before?.y));
      // Recorded only if the node went with the finger (had the map panned instead, nothing
      // would have been placed).
      assert.ok(Number.isInteger(after.x) && Number.isInteger(after.y), `recorded: ${JSON.stringify(after)}`);
    } finally {
      await context.close();
    }
  });

  await step('the server restarts: both reconnect by themselves, catch up, and a change typed meanwhile arrives once', async () => {
    const listen = new URL(server.url).host;
    const owner = await sessionOf(anna);
    await stopServer(server.child);
    await anna.locator('.connection:not([data-state="online"])').waitFor({ timeout: 15_000 });
    await bo.locator('.connection:not([data-state="online"])').waitFor({ timeout: 15_000 });
    const whileDown = `Genstart Forening ${Date.now() % 100000}`;
    await anna.locator('form.add-organisation').getByLabel('Navn').fill(whileDown);
    await anna.getByRole('button', { name: 'Tilføj', exact: true }).click();
    await anna.getByText(`${whileDown} tilføjes, når forbindelsen er tilbage.`).waitFor();
    server = { ...server, ...(await startServer(join(dataDir, 'data'), listen)), name: server.name, password: server.password };
    // A change made over HTTP as soon as the server is back, likely before the clients are:
    // they catch up on it from where they were.
    const meanwhile = `Efter Genstart ${Date.now() % 100000}`;
    const made = await globalThis.fetch(`${server.url}/api/workspaces/${owner.workspace}/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ command: { type: 'RegisterOrganisation', organisation_id: globalThis.crypto.randomUUID(), name: meanwhile, sector: 'public' } }),
    });
    assert.equal(made.status, 200, await made.text());
    // The queued change is sent as soon as Anna is back; its notice lasts 6 s, so it is
    // looked for before waiting on Bo's reconnection.
    await anna.locator('[data-state="online"]').waitFor({ timeout: 30_000 });
    await anna.getByText(`${whileDown} er tilføjet.`).waitFor({ timeout: 10_000 });
    await bo.locator('[data-state="online"]').waitFor({ timeout: 30_000 });
    for (const page of [anna, bo]) {
      await page.getByRole('button', { name: 'Tabel' }).click();
      const table = page.getByTestId('network-table');
      await table.getByRole('button', { name: whileDown }).waitFor({ timeout: 10_000 });
      await table.getByRole('button', { name: meanwhile }).waitFor({ timeout: 10_000 });
      assert.equal(await table.getByRole('button', { name: whileDown }).count(), 1);
      await page.getByRole('button', { name: 'Kort' }).click();
    }
    // Presence is back too: each said where they are again after reconnecting.
    await anna.locator(`.presence-bar li[data-actor="${lise.name}"]`).waitFor({ timeout: 15_000 });
    await late.locator(`.presence-bar li[data-actor="${server.name}"]`).waitFor({ timeout: 15_000 });
    await late.screenshot({ path: join(screenshots, 'map-presence-da.png') });
    await contextC.close();
  });

  await step('log out (from the account menu) ends the session on the server', async () => {
    const token = await bo.evaluate(() => JSON.parse(globalThis.localStorage.getItem('partnerhub.session')).token);
    await bo.getByText(`Logget ind som ${server.name}`).click();
    await bo.getByRole('button', { name: 'Log ud' }).click();
    await bo.getByRole('heading', { name: 'Log ind' }).waitFor();
    const status = await bo.evaluate(async (bearer) => (await globalThis.fetch('/api/me', { headers: { authorization: `Bearer ${bearer}` } })).status, token);
    assert.equal(status, 401);
  });

  let inviteLink = '';
  await step('an owner invites a colleague as editor from the members page', async () => {
    await anna.getByRole('navigation', { name: 'Arbejdsrummets sider' }).getByRole('link', { name: 'Medlemmer' }).click();
    await anna.getByRole('heading', { name: 'Medlemmer', exact: true }).waitFor();
    await anna.locator('form.invite-form select[name="role"]').selectOption('editor');
    await anna.getByRole('button', { name: 'Lav invitationslink' }).click();
    const field = anna.getByLabel('Invitationslink (vises kun nu)');
    await field.waitFor();
    inviteLink = await field.inputValue();
    assert.match(inviteLink, /\/invite#phm_[0-9a-f]{32}_[0-9a-f]{64}$/);
    await anna.getByText('Åben', { exact: true }).waitFor();
    assert.deepEqual(await axeViolations(anna), []);
  });

  const colleague = `karen-${Date.now() % 100000}@roskilde`;
  await step('the colleague opens the link, creates an account and sees the map', async () => {
    await bo.goto(inviteLink);
    await bo.getByRole('heading', { name: 'Invitation til et arbejdsrum' }).waitFor();
    assert.deepEqual(await axeViolations(bo), []);
    await bo.getByLabel('Brugernavn').fill(colleague);
    await bo.getByLabel('Adgangskode').fill('short');
    await bo.getByRole('button', { name: 'Opret konto og bliv medlem' }).click();
    await bo.getByRole('alert').filter({ hasText: 'mindst 10 tegn' }).waitFor();
    await bo.getByLabel('Adgangskode').fill('en god lang adgangskode');
    await bo.getByRole('button', { name: 'Opret konto og bliv medlem' }).click();
    await bo.getByRole('heading', { name: 'Netværkskort' }).waitFor();
    await bo.locator('[data-state="online"]').waitFor();
    await bo.locator('.map-canvas canvas').first().waitFor();
    await bo.getByText(`Logget ind som ${colleague}`).waitFor();
    // An editor may change the map.
    await bo.getByRole('button', { name: 'Tilføj', exact: true }).waitFor();
  });

  await step('the owner sees the new member, and the link does not work twice', async () => {
    await anna.reload();
    const row = anna.locator(`tr[data-account="${colleague}"]`);
    await row.waitFor();
    assert.equal(await row.getByRole('combobox').inputValue(), 'editor');
    await anna.getByText(`Brugt af ${colleague}`).waitFor();
    await bo.getByText(`Logget ind som ${colleague}`).click();
    await bo.getByRole('button', { name: 'Log ud' }).click();
    await bo.getByRole('heading', { name: 'Log ind' }).waitFor();
    await bo.goto(inviteLink);
    await bo.getByLabel('Brugernavn').fill('mallory@roskilde');
    await bo.getByLabel('Adgangskode').fill('en god lang adgangskode');
    await bo.getByRole('button', { name: 'Opret konto og bliv medlem' }).click();
    await bo.getByRole('alert').filter({ hasText: 'Invitationslinket er allerede brugt' }).waitFor();
  });

  await step('changing the password from the account menu keeps this session', async () => {
    await anna.getByText(`Logget ind som ${server.name}`).click();
    await anna.getByRole('link', { name: 'Skift adgangskode' }).click();
    await anna.getByLabel('Nuværende adgangskode').fill('not the password');
    await anna.getByLabel('Ny adgangskode').fill('et helt nyt kodeord');
    await anna.getByRole('button', { name: 'Skift adgangskode' }).click();
    await anna.getByRole('alert').filter({ hasText: 'Den nuværende adgangskode er forkert' }).waitFor();
    await anna.getByLabel('Nuværende adgangskode').fill(server.password);
    await anna.getByRole('button', { name: 'Skift adgangskode' }).click();
    await anna.getByText('Adgangskoden er skiftet').waitFor();
    await anna.goto(server.url + '/');
    await anna.getByRole('heading', { name: 'Vælg et arbejdsrum' }).waitFor();
  });

  // The workshop board (tests/board.mjs): guests on phones, the facilitator on a large screen.
  await boardSteps({ browser, server, password: 'et helt nyt kodeord', anna, bo, step, axeViolations, screenshots, watch });
  await portfolioSteps({ server, anna, step, axeViolations, screenshots });

  // The assets list and its public page (tests/assets.mjs).
  await assetsSteps({ browser, anna, server, step, axeViolations, screenshots, watch });

  await partnershipSteps({ browser, server, anna, step, axeViolations, screenshots, watch });
  // The audit view (tests/audit.mjs): the slider, compare mode, the CSV trail, verification.
  await auditSteps({ server, anna, step, axeViolations, screenshots });
  await boardFacilitationSteps({ browser, server, anna, step, axeViolations, screenshots, watch, call, logIn });

  assert.deepEqual(problems, [], 'no script errors in the pages');
  console.log(`browser tests passed (${steps.length} steps)`);
} finally {
  await browser?.close();
  // Waited for: a server still writing its store would race the removal of its directory.
  if (server) await stopServer(server.child);
  rmSync(dataDir, { recursive: true, force: true });
}
