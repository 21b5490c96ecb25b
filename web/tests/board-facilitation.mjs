// Browser tests of the workshop board's facilitation (called from browser.mjs with its
// server, browser and helpers): on large screens, an editor (Karen) and a viewer (Vera) join
// the owner's (Anna's) library-model board; Karen sees who is here and Anna's pointer in its
// zone; "bring everyone here" makes Karen's view jump to the zone in the middle of Anna's
// screen; the vote opens with a cap per note, and a dot over the cap is refused with a
// sentence; the viewer sees no control to change anything; handing the facilitation to Karen
// shows her the tools live and takes them from Anna. axe-core on the pages; a screenshot of
// the board with presence and the tools.
import assert from 'node:assert/strict';
import { join } from 'node:path';

// A wide but short window: the board's last row of zones is below the fold at the top.
const LARGE = { viewport: { width: 1280, height: 440 } };

/** The facilitation steps; `anna` is the workspace owner's page, logged in. `call` runs an
 * API request with a page's session, `logIn` logs a page in. */
export async function boardFacilitationSteps({ browser, server, anna, step, axeViolations, screenshots, watch, call, logIn }) {
  const note = (page, text) => page.locator('li.note').filter({ hasText: text });
  const stamp = Date.now() % 100000;
  const karen = { name: `karen-${stamp}@roskilde`, password: 'en god lang adgangskode' };
  const vera = { name: `vera-${stamp}@roskilde`, password: 'en god lang adgangskode' };
  const boardTitle = `Facilitering ${stamp}`;
  const open = async () => {
    const context = await browser.newContext(LARGE);
    const page = await context.newPage();
    watch(page);
    return { context, page };
  };
  const k = await open();
  const v = await open();
  let boardPath = '';

  await step('board facilitation: an editor and a viewer join the board; who is here and the pointer show', async () => {
    // From wherever the steps before left the owner: the demo workspace's boards, by its id
    // as the map's link to them has it (the websocket takes a workspace's id, not its slug).
    const demo = await call(anna, 'GET', '/api/workspaces/roskilde-bibliotekerne');
    await anna.goto(`${server.url}/w/${demo.body.workspace_id}/boards`);
    await anna.getByLabel('Titel').fill(boardTitle);
    await anna.getByLabel('Skabelon').selectOption('rooms_by_goals');
    assert.equal(await anna.getByLabel('Prikker pr. deltager').inputValue(), '5', 'five dots each by default');
    await anna.getByRole('button', { name: 'Opret tavle' }).click();
    await anna.getByRole('heading', { name: boardTitle }).waitFor();
    boardPath = new URL(anna.url()).pathname;
    const workspace = decodeURIComponent(boardPath.split('/')[2]);
    for (const [person, role] of [[karen, 'editor'], [vera, 'viewer']]) {
      const invite = await call(anna, 'POST', `/api/workspaces/${workspace}/member-invites`, { role });
      assert.equal(invite.status, 201, JSON.stringify(invite.body));
      const accepted = await call(anna, 'POST', '/api/invites/accept', { invite: invite.body.token, name: person.name, password: person.password });
      assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    }
    await anna.locator('form.add-note select[name="zone"]').selectOption({ label: 'Læringsrum · Innovation' });
    await anna.locator('form.add-note textarea').fill('Makerspace med festivalen');
    await anna.getByRole('button', { name: 'Sæt op' }).click();
    await note(anna, 'Makerspace med festivalen').waitFor();
    await anna.getByRole('button', { name: 'Videre til: Vis alle sedler' }).click();
    await anna.getByTestId('board-phase').filter({ hasText: 'Fase: Vis alle sedler' }).waitFor();
    for (const [page, person] of [[k.page, karen], [v.page, vera]]) {
      await logIn(page, server, person.name, person.password);
      await page.goto(server.url + boardPath);
      await page.getByRole('heading', { name: boardTitle }).waitFor();
      await page.locator('[data-state="online"]').waitFor();
    }
    // Who is here: each sees the others by name.
    await k.page.getByTestId('board-presence').locator(`li[data-actor="${server.name}"]`).waitFor({ timeout: 10_000 });
    await anna.getByTestId('board-presence').locator(`li[data-actor="${karen.name}"]`).waitFor({ timeout: 10_000 });
    // Anna's pointer in a zone is drawn in the same zone on Karen's screen.
    const target = anna.locator('section.zone[data-zone="room:meeting|goal:experience"]');
    const box = await target.boundingBox();
    await anna.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
    await k.page
      .locator(`section.zone[data-zone="room:meeting|goal:experience"] [data-testid="board-cursor"][data-actor="${server.name}"]`)
      .waitFor({ timeout: 10_000 });
    assert.deepEqual(await axeViolations(k.page), []);
  });

  await step('board facilitation: "bring everyone here" jumps the other context to the facilitator\'s zone', async () => {
    // Anna looks at the last row; Karen is at the top of the board.
    await anna.locator('section.zone').last().evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await k.page.evaluate(() => globalThis.scrollTo(0, 0));
    const key = await anna.evaluate(
      () => document.elementFromPoint(globalThis.innerWidth / 2, globalThis.innerHeight / 2)?.closest('.zone')?.getAttribute('data-zone') ?? null,
    );
    assert.ok(key, 'a zone is in the middle of the facilitator\'s screen');
    const inView = (page) =>
      page.locator(`section.zone[data-zone="${key}"]`).evaluate((element) => {
        const box = element.getBoundingClientRect();
        return box.top >= 0 && box.top < globalThis.innerHeight;
      });
    assert.equal(await inView(k.page), false, 'the zone is below the fold on Karen\'s screen');
    // Clicked without scrolling Anna's view (a real click would scroll to the button).
    await anna.getByTestId('bring-everyone').evaluate((button) => button.click());
    await k.page.locator(`section.zone.zone-summoned[data-zone="${key}"]`).waitFor({ timeout: 10_000 });
    assert.equal(await inView(k.page), true, 'Karen\'s view jumped to the zone');
    await k.page.getByText('Workshoplederen har samlet alle ved', { exact: false }).first().waitFor();
  });

  await step('board facilitation: the vote opens with a cap per note; a dot over the cap is refused with a sentence', async () => {
    await anna.getByRole('button', { name: 'Videre til: Gruppér' }).click();
    await anna.getByTestId('board-phase').filter({ hasText: 'Fase: Gruppér' }).waitFor();
    await anna.getByRole('button', { name: 'Spring afstemningen over: videre til Drøftelse' }).waitFor();
    await anna.getByLabel('Prikker pr. deltager').fill('3');
    await anna.getByLabel('Højst pr. seddel').fill('1');
    await anna.getByRole('button', { name: 'Videre til: Afstemning' }).click();
    await k.page.getByTestId('note-cap').filter({ hasText: 'højst 1 pr. seddel' }).waitFor();
    await k.page.getByTestId('dots-left').filter({ hasText: '3 af 3 prikker tilbage' }).waitFor();
    const card = note(k.page, 'Makerspace med festivalen');
    await card.getByRole('button', { name: 'Giv en prik' }).click();
    await k.page.getByTestId('dots-left').filter({ hasText: '2 af 3 prikker tilbage' }).waitFor();
    await card.getByRole('button', { name: 'Giv en prik' }).click();
    await k.page.getByText('Du har sat så mange prikker på denne seddel, som afstemningen tillader.', { exact: false }).waitFor();
    await k.page.getByTestId('dots-left').filter({ hasText: '2 af 3 prikker tilbage' }).waitFor();
  });

  await step('board facilitation: a viewer sees the board without any control to change it', async () => {
    await v.page.getByTestId('read-only').filter({ hasText: 'Du kan se med' }).waitFor();
    await note(v.page, 'Makerspace med festivalen').waitFor();
    assert.equal(await v.page.getByRole('button', { name: 'Giv en prik' }).count(), 0);
    assert.equal(await v.page.locator('form.add-note').count(), 0);
    assert.equal(await v.page.locator('li.note details.note-menu').count(), 0);
    assert.equal(await v.page.getByRole('heading', { name: 'Workshopleder' }).count(), 0);
    assert.deepEqual(await axeViolations(v.page), []);
  });

  await step('board facilitation: handing the facilitation on shows the tools in the other context', async () => {
    assert.equal(await k.page.getByRole('heading', { name: 'Workshopleder' }).count(), 0);
    await anna.getByLabel('Giv rollen som workshopleder til').fill(karen.name);
    await anna.getByRole('button', { name: 'Giv videre' }).click();
    await k.page.getByRole('heading', { name: 'Workshopleder' }).waitFor({ timeout: 10_000 });
    await anna.getByRole('heading', { name: 'Workshopleder' }).waitFor({ state: 'detached' });
    await k.page.getByRole('button', { name: 'Videre til: Drøftelse' }).click();
    await anna.getByTestId('board-phase').filter({ hasText: 'Fase: Drøftelse' }).waitFor();
    await note(anna, 'Makerspace med festivalen').getByText('1 prik i alt').waitFor();
    while ((await k.page.locator('.notice').count()) > 0) await k.page.locator('.notice').first().click();
    await k.page.setViewportSize({ width: 1280, height: 800 });
    await k.page.evaluate(() => globalThis.scrollTo(0, 0));
    // Anna points at her note's zone: Karen sees her pointer there in the screenshot.
    const zoneOfNote = anna.locator('section.zone[data-zone="room:learning|goal:innovation"]');
    await zoneOfNote.scrollIntoViewIfNeeded();
    const box = await zoneOfNote.boundingBox();
    await anna.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.6, { steps: 3 });
    await k.page.locator('section.zone[data-zone="room:learning|goal:innovation"] [data-testid="board-cursor"]').waitFor({ timeout: 10_000 });
    await k.page.screenshot({ path: join(screenshots, 'board-facilitation-da.png') });
    assert.deepEqual(await axeViolations(k.page), []);
  });

  await k.context.close();
  await v.context.close();
}
