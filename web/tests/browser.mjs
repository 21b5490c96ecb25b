// Browser tests: what a person does, in Debian's Chromium driven by playwright-core, against
// a REAL partnerhub server with the demo workspaces (started here on a free port with a
// temporary data directory). Two people on the same map see each other's changes live; the
// language switch turns the texts Danish/English; an owner invites a colleague, who creates
// an account through the link and sees the map; log out and password change; axe-core finds no serious or critical
// accessibility violation; the map's search, filters, focus, metric sizes and findings; relation
// editing (link a colleague, move a relation with a reason, a refusal with its reason, end a
// relation from the keyboard); exports (a GEXF export opens in graphology's parser with the
// map's counts); the workshop board with guests on phones (tests/board.mjs); screenshots of
// the map and the board go to docs/screenshots/.
//
// Usage: node tests/browser.mjs [path to the partnerhub binary]
//   (default: ../target/debug/partnerhub; env CHROMIUM overrides /usr/bin/chromium)
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

const require = createRequire(import.meta.url);
const root = new URL('../..', import.meta.url).pathname;
const binary = process.argv[2] ?? join(root, 'target', 'debug', 'partnerhub');
const screenshots = join(root, 'docs', 'screenshots');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Starts `partnerhub serve --demo` and resolves with its address and the owner's login. */
function startServer(dataDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['--data', dataDir, 'serve', '--demo', '--listen', '127.0.0.1:0'], {
      env: { ...process.env, PARTNERHUB_LOG: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start in 60 s:\n${output}`)), 60_000);
    const read = (chunk) => {
      output += chunk.toString();
      const address = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      const login = /owner login: (\S+) \/ (\S+)/.exec(output);
      if (address && login) {
        clearTimeout(timer);
        resolve({ child, url: address[1], name: login[1], password: login[2] });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => reject(new Error(`the server exited with ${code}:\n${output}`)));
  });
}

async function logIn(page, server) {
  await page.goto(server.url + '/');
  await page.getByLabel('Brugernavn').fill(server.name);
  await page.getByLabel('Adgangskode').fill(server.password);
  await page.getByRole('button', { name: 'Log ind' }).click();
  await page.getByRole('heading', { name: 'Vælg et arbejdsområde' }).waitFor();
}

async function openMap(page, workspace) {
  await page.getByRole('link', { name: workspace }).click();
  await page.getByRole('heading', { name: 'Netværkskort' }).waitFor();
  await page.locator('[data-state="online"]').waitFor();
  await page.locator('.map-canvas canvas').first().waitFor();
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

const steps = [];
async function step(name, body) {
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
      if (message.type() === 'error' && !/status of (400|401|403|410)|ERR_INTERNET_DISCONNECTED/.test(message.text())) problems.push(message.text());
    });
  };
  for (const page of [anna, bo]) watch(page);

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
    await anna.screenshot({ path: join(screenshots, 'map-da.png') });
  });

  await step('search finds a node, selects it and shows its findings; focus and sizes', async () => {
    // Before anyone adds an organisation (with a new random id), so the picture is the same on every run.
    await anna.getByLabel('Find en knude').fill('festival');
    await anna.getByRole('button', { name: 'Roskilde Festival' }).first().click();
    const details = anna.getByTestId('node-details');
    await details.getByRole('heading', { name: 'Roskilde Festival' }).waitFor();
    await details.getByText('Dobbeltkontakt:').waitFor();
    await details.getByText(/taler begge med Roskilde Festival om music/).waitFor();
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

  await step('a deep link opens the map after a reload', async () => {
    await bo.reload();
    await bo.getByRole('heading', { name: 'Netværkskort' }).waitFor();
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
    await anna.getByRole('link', { name: 'Medlemmer' }).click();
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
    await bo.getByRole('heading', { name: 'Invitation til et arbejdsområde' }).waitFor();
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
    await anna.getByRole('heading', { name: 'Vælg et arbejdsområde' }).waitFor();
  });

  // The workshop board (tests/board.mjs): guests on phones, the facilitator on a large screen.
  await boardSteps({ browser, server, password: 'et helt nyt kodeord', anna, bo, step, axeViolations, screenshots, watch });

  assert.deepEqual(problems, [], 'no script errors in the pages');
  console.log(`browser tests passed (${steps.length} steps)`);
} finally {
  await browser?.close();
  server?.child.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
