// Browser tests of the audit view (called from browser.mjs with its server and helpers): the
// owner opens "Revisionsspor" from the map; the time slider set to a 2023 date shows the
// earlier map and portfolio (fewer nodes, organisations and partnerships than today, as the
// demo's story was then); compare mode between mid 2023 and today names the festival's move
// and the ended IT teaching; the CSV audit trail downloads with its Danish header and a row
// per timeline event (the festival's move with its reason and hash, said in Danish); an
// entity's history (the server's sentences in Danish, in English after switching the
// language) and the print-ready page; the chain's verification is shown. axe-core on the page; a
// screenshot in Danish.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// The app's own reader of the audit trail's CSV, so the test reads the file as the print page does.
import { parseCsv } from '../src/audit/csv.mjs';

/** Reads the moment the audit page shows: its day and counts. */
async function moment(page) {
  const shown = page.locator('.audit-moment');
  return {
    day: await shown.getAttribute('data-day'),
    organisations: Number(await shown.getAttribute('data-organisations')),
    nodes: Number(await page.locator('.audit-canvas').getAttribute('data-nodes')),
    partnerships: (await page.locator('[data-testid="audit-grid"] tbody td').allTextContents()).reduce((sum, cell) => sum + Number(cell), 0),
  };
}

/** `2024-06-30` as the Danish UI writes it: `30.06.2024`. */
const danish = (day) => day.split('-').reverse().join('.');

/** The audit steps; `anna` is the Roskilde owner's page, logged in. */
export async function auditSteps({ server, anna, step, axeViolations, screenshots }) {
  const today = new Date().toISOString().slice(0, 10);
  let now;
  await step('audit: the owner opens the audit trail from the map; it shows today', async () => {
    await anna.goto(server.url + '/');
    await anna.getByRole('link', { name: 'Roskilde Bibliotekerne' }).click();
    await anna.getByRole('navigation', { name: 'Arbejdsrummets sider' }).getByRole('link', { name: 'Revisionsspor' }).click();
    await anna.getByRole('heading', { name: 'Revisionsspor: Roskilde Bibliotekerne' }).waitFor();
    assert.match(anna.url(), /\/w\/roskilde-bibliotekerne\/audit$/);
    await anna.locator(`.audit-moment[data-day="${today}"]`).waitFor();
    await anna.locator('.audit-canvas canvas').first().waitFor();
    now = await moment(anna);
    assert.ok(now.organisations >= 6, JSON.stringify(now));
    assert.ok(now.partnerships >= 2, JSON.stringify(now));
    assert.deepEqual(await axeViolations(anna), []);
  });

  await step('audit: the slider set to a 2023 date shows the earlier map and portfolio', async () => {
    // The day is written as the UI language writes it (not the browser's 06/30/2023).
    const field = anna.getByLabel('Gå til dagen');
    assert.equal(await field.inputValue(), danish(today));
    await field.fill('30.06.2023');
    await anna.locator('.audit-moment[data-day="2023-06-30"]').waitFor();
    await anna.getByRole('heading', { name: 'Som det så ud den 30. juni 2023' }).waitFor();
    const then = await moment(anna);
    assert.equal(then.organisations, 3, JSON.stringify(then));
    assert.ok(then.nodes < now.nodes, `${then.nodes} nodes then, ${now.nodes} now`);
    assert.equal(then.partnerships, 0, JSON.stringify(then));
    assert.ok(then.partnerships < now.partnerships);
    // The range itself: Home goes to the first day of the story, End back to today.
    const slider = anna.locator('#audit-slider');
    await slider.focus();
    await anna.keyboard.press('Home');
    await anna.locator('.audit-moment[data-day="2023-01-09"]').waitFor();
    assert.equal((await moment(anna)).organisations, 0);
    await anna.keyboard.press('End');
    await anna.locator(`.audit-moment[data-day="${today}"]`).waitFor();
    assert.equal(await field.inputValue(), danish(today), 'the field follows the slider');
    // A day that does not exist, and one before the story: said in a sentence; the map stays.
    await field.fill('31.02.2024');
    await field.press('Enter');
    await anna.getByRole('alert').filter({ hasText: '"31.02.2024" er ikke en dato. Skriv dag, måned og år, fx' }).waitFor();
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    await field.fill('01.01.2020');
    await field.press('Enter');
    await anna.getByRole('alert').filter({ hasText: 'Der er ingen historik den 1. januar 2020. Vælg en dag fra 9. januar 2023' }).waitFor();
    await anna.locator(`.audit-moment[data-day="${today}"]`).waitFor();
    assert.deepEqual(await axeViolations(anna), []);
    // The screenshot: the network growing, in the middle of the story.
    await field.fill('30.06.2024');
    await anna.locator('.audit-moment[data-day="2024-06-30"]').waitFor();
    await anna.locator('h1').click();
    await anna.waitForTimeout(1500);
    await anna.screenshot({ path: join(screenshots, 'audit-da.png') });
  });

  await step('audit: compare mode names what moved, ended and how the grid changed', async () => {
    await anna.getByLabel('Fra', { exact: true }).fill('30.06.2023');
    await anna.getByLabel('Til', { exact: true }).fill(danish(today));
    await anna.getByRole('button', { name: 'Sammenlign' }).click();
    const changes = anna.locator('[data-testid="audit-changes"]');
    await changes.waitFor();
    await changes.getByText('Roskilde Festival: Samarbejde → Partnerskab').waitFor();
    await changes.getByText(/IT-undervisning med fagbevægelsen: kursusrækken nåede sit mål/).waitFor();
    await changes.getByText('Organisation: Eplehuset').waitFor();
    // The festival area fills the inspiration room's experience cell: 0 before, 1 after.
    await changes.locator('.audit-grid td.changed').filter({ hasText: '0 → 1' }).first().waitFor();
  });

  await step('audit: the CSV audit trail downloads with the expected header and rows', async () => {
    const [download] = await Promise.all([anna.waitForEvent('download'), anna.locator('.audit-csv-all').click()]);
    assert.equal(download.suggestedFilename(), 'revisionsspor.csv');
    const rows = parseCsv(readFileSync(await download.path(), 'utf8'));
    assert.deepEqual(rows[0], ['position', 'tidspunkt', 'hvem', 'hændelse', 'hændelsestype', 'hvad skete', 'begrundelse', 'hash']);
    const timeline = await anna.evaluate(async () => {
      const { token } = JSON.parse(globalThis.localStorage.getItem('partnerhub.session'));
      const response = await globalThis.fetch('/api/workspaces/roskilde-bibliotekerne/timeline', { headers: { authorization: `Bearer ${token}` } });
      return response.json();
    });
    assert.equal(rows.length - 1, timeline.length);
    const move = rows.find((row) => row[4] === 'RelationLevelChanged' && row[6] === 'festivalområdet aftalt som en årlig ramme');
    assert.ok(move, 'the festival moving to partnership, with its reason');
    assert.equal(move[2], 'mads@roskilde');
    assert.equal(move[3], 'Flyttet i netværkscirklen');
    assert.match(move[5], /^mads@roskilde flyttede Roskilde Festival fra samarbejde til partnerskab/);
    assert.match(move[1], /^2024-05-02T/);
    assert.match(move[7], /^[0-9a-f]{64}$/);
  });

  await step("audit: an entity's history says who, when and why; the print page shows its trail", async () => {
    await anna.locator('select[name="entity"]').selectOption({ label: 'Roskilde Festival' });
    const history = anna.locator('[data-testid="audit-history"]');
    // The server's sentences in the UI's language: Danish, and English after switching.
    await history.getByText(/mads@roskilde flyttede Roskilde Festival fra samarbejde til partnerskab/).waitFor();
    await anna.locator('.top .language select').selectOption('en');
    await history.getByText(/mads@roskilde moved Roskilde Festival from collaboration to partnership/).waitFor();
    await anna.locator('.top .language select').selectOption('da');
    await history.getByText(/mads@roskilde flyttede Roskilde Festival fra samarbejde til partnerskab/).waitFor();
    await anna.getByRole('link', { name: 'Udskriftsvenlig side' }).click();
    await anna.getByRole('heading', { name: 'Revisionsspor: Roskilde Bibliotekerne' }).waitFor();
    const trail = anna.locator('[data-testid="audit-trail"]');
    await trail.locator('th', { hasText: 'hændelsestype' }).waitFor();
    await trail.getByRole('cell', { name: 'festivalområdet aftalt som en årlig ramme', exact: true }).waitFor();
    assert.ok((await trail.locator('tbody tr').count()) >= 5);
    await anna.emulateMedia({ media: 'print' });
    assert.equal(await anna.locator('header.top').isVisible(), false, 'the app bar is not printed');
    await anna.emulateMedia({ media: 'screen' });
    await anna.getByRole('navigation', { name: 'Arbejdsrummets sider' }).getByRole('link', { name: 'Revisionsspor' }).click();
    await anna.getByRole('heading', { name: 'Revisionsspor: Roskilde Bibliotekerne' }).waitFor();
  });

  await step("audit: the log's chain is verified in the app", async () => {
    await anna.getByRole('button', { name: 'Kontrollér loggens kæde' }).click();
    const result = anna.locator('[data-testid="audit-verification"]');
    await result.getByText(/Loggen er hel: \d+ hændelser kontrolleret\. Seneste hash: [0-9a-f]{64}/).waitFor();
  });
}
