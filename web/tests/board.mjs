// Browser tests of the workshop board (called from browser.mjs with its server, browser and
// helpers): a facilitator on a large screen creates a board and a guest link; two guests on
// phone-sized contexts (360 x 740) join with only a name; a note written privately is a
// placeholder for the other guest; a note typed offline is sent on reconnect; the countdown
// shows the same time left in two contexts although one browser's clock is 7 minutes fast;
// the reveal; a phone says which zone one is on and where the other guest is (in Danish and
// English; nothing of it in the anonymous vote); moving a note by dragging and with the menu (its room tag follows); dot voting
// within the budget (an over-budget dot is refused with a sentence), tallies invisible until
// the vote closes and then correct; promoting a note makes an organisation that the map in
// another context shows; the summary and its CSV; a withdrawn link ends the guests' access
// and says so; a board opened by the workspace's slug address sends and follows live. axe-core on every board page; screenshots on a phone and on a large screen.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const LEARNING_INNOVATION = 'room:learning|goal:innovation';
const LEARNING_ENGAGEMENT = 'room:learning|goal:engagement';
const MEETING_ENGAGEMENT = 'room:meeting|goal:engagement';

/** The board steps; `anna` is the workspace owner's page, logged in; `bo` a page of another
 * context (logged out), `password` the owner's password now. */
export async function boardSteps({ browser, server, password, anna, bo, step, axeViolations, screenshots, watch }) {
  const zone = (page, key) => page.locator(`section.zone[data-zone="${key}"]`);
  const note = (page, text) => page.locator('li.note').filter({ hasText: text });
  const phone = async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    watch(page);
    return { context, page };
  };

  let link = '';
  const boardTitle = `Kortlægning ${Date.now() % 100000}`;
  await step('board: the facilitator creates a library-model board and a link for guests', async () => {
    await anna.goto(server.url + '/');
    await anna.getByRole('link', { name: 'Roskilde Bibliotekerne' }).click();
    await anna.getByRole('navigation', { name: 'Arbejdsrummets sider' }).getByRole('link', { name: 'Workshoptavler' }).click();
    await anna.getByRole('heading', { name: 'Workshoptavler' }).waitFor();
    assert.deepEqual(await axeViolations(anna), []);
    await anna.getByLabel('Titel').fill(boardTitle);
    await anna.getByLabel('Skabelon').selectOption('rooms_by_goals');
    await anna.getByLabel('Prikker pr. deltager').fill('2');
    await anna.getByRole('button', { name: 'Opret tavle' }).click();
    await anna.getByRole('heading', { name: boardTitle }).waitFor();
    await anna.getByTestId('board-phase').filter({ hasText: 'Fase: Skriv privat' }).waitFor();
    await anna.getByTestId('board-anonymity').filter({ hasText: 'Anonymt nu' }).waitFor();
    assert.equal(await anna.locator('section.zone').count(), 16);
    await anna.getByRole('button', { name: 'Lav link til gæster' }).click();
    link = await anna.getByLabel('Link til gæster (vises kun nu)').inputValue();
    assert.match(link, /\/join#phg?_/);
  });

  const mette = await phone();
  const ole = await phone();
  // Mette's browser clock runs 7 minutes fast: her countdown must still agree with the others'.
  await mette.context.clock.install();
  await mette.context.clock.setSystemTime(Date.now() + 7 * 60_000);

  await step('board: a guest on a phone opens the link, gives only a name and is on the board', async () => {
    await mette.page.goto(link);
    await mette.page.getByRole('heading', { name: 'Invitation til en workshop' }).waitFor();
    assert.deepEqual(await axeViolations(mette.page), []);
    await mette.page.getByLabel('Dit navn').fill('Mette');
    await mette.page.getByRole('button', { name: 'Deltag' }).click();
    await mette.page.getByRole('heading', { name: boardTitle }).waitFor();
    await mette.page.getByText('Du deltager som Mette').waitFor();
    await mette.page.locator('[data-state="online"]').waitFor();
    await ole.page.goto(link);
    await ole.page.getByLabel('Dit navn').fill('Ole');
    await ole.page.getByRole('button', { name: 'Deltag' }).click();
    await ole.page.getByText('Du deltager som Ole').waitFor();
    await ole.page.locator('[data-state="online"]').waitFor();
    // One column on the phone, nothing wider than the screen.
    assert.ok(await mette.page.evaluate(() => document.documentElement.scrollWidth <= 360));
  });

  await step('board: a note written privately is only a placeholder for the other guest', async () => {
    await mette.page.locator('form.add-note select[name="zone"]').selectOption({ label: 'Læringsrum · Innovation' });
    await mette.page.getByLabel('Ny seddel i Læringsrum · Innovation').fill('Læsehunde for børn');
    await mette.page.getByRole('button', { name: 'Sæt op' }).click();
    await note(mette.page, 'Læsehunde for børn').waitFor();
    assert.equal(await note(mette.page, 'Læsehunde for børn').getAttribute('data-tags'), 'room:learning goal:innovation');
    await zone(ole.page, LEARNING_INNOVATION).and(ole.page.locator('[data-hidden="1"]')).waitFor();
    await zone(ole.page, LEARNING_INNOVATION).getByText('1 privat seddel fra en anden').waitFor();
    await zone(anna, LEARNING_INNOVATION).and(anna.locator('[data-hidden="1"]')).waitFor();
    assert.equal(await ole.page.getByText('Læsehunde').count(), 0);
    assert.equal(await anna.getByText('Læsehunde').count(), 0);
    assert.deepEqual(await axeViolations(ole.page), []);
  });

  await step('board: a note typed while the phone is offline is kept and sent on reconnect', async () => {
    await ole.context.setOffline(true);
    await ole.page.locator('.connection:not([data-state="online"])').waitFor({ timeout: 15_000 });
    await ole.page.locator('form.add-note select[name="zone"]').selectOption({ label: 'Læringsrum · Engagement' });
    await ole.page.getByLabel('Ny seddel i Læringsrum · Engagement').fill('Podcast med gymnasiet');
    await ole.page.getByRole('button', { name: 'Sæt op' }).click();
    await ole.page.getByText('Sedlen er gemt og sendes, når forbindelsen er tilbage.').waitFor();
    await ole.context.setOffline(false);
    await ole.page.locator('[data-state="online"]').waitFor({ timeout: 20_000 });
    await note(ole.page, 'Podcast med gymnasiet').waitFor({ timeout: 10_000 });
    await zone(mette.page, LEARNING_ENGAGEMENT).and(mette.page.locator('[data-hidden="1"]')).waitFor();
    assert.equal(await note(ole.page, 'Podcast med gymnasiet').count(), 1);
  });

  await step('board: the countdown shows the same time left in two contexts (one clock 7 minutes fast)', async () => {
    await anna.getByLabel('Nedtælling i minutter').fill('10');
    await anna.getByRole('button', { name: 'Start nedtælling' }).click();
    const seconds = async (page) => {
      const timer = page.getByRole('timer');
      await timer.waitFor();
      return Number(await timer.getAttribute('data-seconds'));
    };
    await mette.page.getByRole('timer').waitFor();
    const [facilitator, guest] = [await seconds(anna), await seconds(mette.page)];
    assert.ok(facilitator > 570 && facilitator <= 602, `the facilitator sees ${facilitator} s left`);
    assert.ok(Math.abs(facilitator - guest) <= 2, `the facilitator sees ${facilitator} s left, the guest ${guest} s`);
  });

  await step('board: the facilitator reveals; everyone reads every note', async () => {
    await anna.getByRole('button', { name: 'Videre til: Vis alle sedler' }).click();
    for (const page of [mette.page, ole.page]) {
      await page.getByTestId('board-phase').filter({ hasText: 'Fase: Vis alle sedler' }).waitFor();
      await page.getByTestId('board-anonymity').filter({ hasText: 'Navne vises' }).waitFor();
    }
    await note(ole.page, 'Læsehunde for børn').waitFor();
    await note(mette.page, 'Podcast med gymnasiet').waitFor();
    await note(anna, 'Læsehunde for børn').waitFor();
    assert.equal(await anna.locator('section.zone[data-hidden="1"]').count(), 0);
  });

  await step('board: a phone says which zone one is on, and where the others are', async () => {
    // At the top of the board one is on its first zone, at its end on its last.
    const FIRST = 'room:inspiration|goal:experience';
    const LAST = 'room:performative|goal:innovation';
    const scrollTo = (page, where) => page.evaluate((where) => globalThis.scrollTo(0, where === 'end' ? document.documentElement.scrollHeight : 0), where);
    await scrollTo(mette.page, 'end');
    await mette.page.getByTestId('my-zone').filter({ hasText: 'Du er ved Performativt rum · Innovation' }).waitFor();
    await scrollTo(ole.page, 'top');
    await ole.page.getByTestId('my-zone').filter({ hasText: 'Du er ved Inspirationsrum · Erkendelse/erfaring' }).waitFor();
    // Each sees the other's zone: beside the avatar, and on the zone itself.
    await mette.page.getByTestId('board-presence').getByText('Ole ved Inspirationsrum · Erkendelse/erfaring').waitFor({ timeout: 10_000 });
    await zone(mette.page, FIRST).getByTestId('zone-people').filter({ hasText: 'Her er også: Ole' }).waitFor();
    await ole.page.getByTestId('board-presence').getByText('Mette ved Performativt rum · Innovation').waitFor({ timeout: 10_000 });
    await zone(ole.page, LAST).getByTestId('zone-people').filter({ hasText: 'Her er også: Mette' }).waitFor();
    assert.equal(await zone(ole.page, FIRST).getByTestId('zone-people').count(), 0, 'only the others are listed');
    // Scrolling moves one's zone, for the others too.
    await scrollTo(mette.page, 'top');
    await mette.page.getByTestId('my-zone').filter({ hasText: 'Du er ved Inspirationsrum · Erkendelse/erfaring' }).waitFor();
    await zone(ole.page, FIRST).getByTestId('zone-people').filter({ hasText: 'Her er også: Mette' }).waitFor({ timeout: 10_000 });
    // In English.
    await ole.page.getByLabel('Sprog').selectOption('en');
    await ole.page.getByTestId('my-zone').filter({ hasText: 'You are at Inspiration space · Experience' }).waitFor();
    await zone(ole.page, FIRST).getByTestId('zone-people').filter({ hasText: 'Also here: Mette' }).waitFor();
    await ole.page.getByLabel('Language').selectOption('da');
    // A large screen shows pointers instead.
    assert.equal(await anna.getByTestId('my-zone').count(), 0);
    assert.deepEqual(await axeViolations(mette.page), []);
  });

  await step('board: the facilitator locks the board: everyone sees it, and nobody adds or moves notes until it is unlocked', async () => {
    await anna.getByRole('button', { name: 'Lås tavlen', exact: true }).click();
    await ole.page.getByText('Tavlen er låst', { exact: true }).waitFor();
    // The add form and the notes' menus are gone while locked (the cards' controls are drawn
    // a few zones per frame, so wait for the last of them rather than read at once).
    await ole.page.waitForFunction(() => document.querySelectorAll('form.add-note, li.note details.note-menu').length === 0, null, { timeout: 10_000 });
    await anna.getByRole('button', { name: 'Lås tavlen op' }).click();
    await ole.page.getByText('Tavlen er låst', { exact: true }).waitFor({ state: 'detached' });
    await ole.page.locator('form.add-note').waitFor();
    // In English on the phone, and back.
    await ole.page.getByLabel('Sprog').selectOption('en');
    await ole.page.getByTestId('board-phase').filter({ hasText: 'Phase: Reveal' }).waitFor();
    await ole.page.getByTestId('board-anonymity').filter({ hasText: 'Names shown' }).waitFor();
    await ole.page.getByLabel('Language').selectOption('da');
    await ole.page.getByTestId('board-phase').filter({ hasText: 'Fase: Vis alle sedler' }).waitFor();
  });

  await step('board: a note is dragged to another zone, and moved with the menu; its tags follow', async () => {
    await note(anna, 'Podcast med gymnasiet').dragTo(zone(anna, MEETING_ENGAGEMENT));
    await zone(mette.page, MEETING_ENGAGEMENT).locator('li.note').filter({ hasText: 'Podcast med gymnasiet' }).waitFor({ timeout: 10_000 });
    assert.equal(await note(mette.page, 'Podcast med gymnasiet').getAttribute('data-tags'), 'room:meeting goal:engagement');
    // Without dragging: the note's menu, on the phone.
    const card = note(mette.page, 'Læsehunde for børn');
    await card.locator('summary').click();
    await card.getByLabel('Flyt sedlen til').selectOption({ label: 'Læringsrum · Engagement' });
    await card.getByRole('button', { name: 'Flyt', exact: true }).click();
    // Each page shows the move when it draws its next frame: wait for it on every page that is read.
    for (const page of [ole.page, anna]) {
      await zone(page, LEARNING_ENGAGEMENT).locator('li.note').filter({ hasText: 'Læsehunde for børn' }).waitFor({ timeout: 10_000 });
    }
    assert.equal(await note(anna, 'Læsehunde for børn').getAttribute('data-tags'), 'room:learning goal:engagement');
  });

  await step('board: dot voting within the budget; an over-budget dot is refused with a sentence', async () => {
    await anna.getByRole('button', { name: 'Videre til: Gruppér' }).click();
    await anna.getByTestId('board-phase').filter({ hasText: 'Fase: Gruppér' }).waitFor();
    await anna.getByRole('button', { name: 'Videre til: Afstemning' }).click();
    for (const page of [mette.page, ole.page]) {
      await page.getByTestId('dots-left').filter({ hasText: '2 af 2 prikker tilbage' }).waitFor();
      await page.getByTestId('board-anonymity').filter({ hasText: 'Anonymt nu' }).waitFor();
    }
    const vote = async (page, text, left) => {
      await note(page, text).getByRole('button', { name: 'Giv en prik' }).click();
      await page.getByTestId('dots-left').filter({ hasText: `${left} af 2 prikker tilbage` }).waitFor();
    };
    await vote(mette.page, 'Læsehunde for børn', 1);
    await vote(mette.page, 'Læsehunde for børn', 0);
    await note(mette.page, 'Læsehunde for børn').getByText('Dine prikker her: 2').waitFor();
    await note(mette.page, 'Podcast med gymnasiet').getByRole('button', { name: 'Giv en prik' }).click();
    await mette.page.getByText('Du har brugt alle dine prikker.', { exact: false }).waitFor();
    await vote(ole.page, 'Læsehunde for børn', 1);
    await vote(ole.page, 'Podcast med gymnasiet', 0);
    // Retracting gives a dot back; casting it again spends it.
    await note(ole.page, 'Podcast med gymnasiet').getByRole('button', { name: 'Tag en prik tilbage' }).click();
    await ole.page.getByTestId('dots-left').filter({ hasText: '1 af 2 prikker tilbage' }).waitFor();
    await vote(ole.page, 'Podcast med gymnasiet', 0);
    // The vote is anonymous: a phone no longer says where the others are.
    assert.equal(await mette.page.getByTestId('zone-people').count(), 0);
    assert.equal(await mette.page.locator('.presence-zone').count(), 0);
    // Nobody sees a tally while the vote is open, the facilitator included.
    for (const page of [anna, mette.page, ole.page]) {
      assert.equal(await page.getByText(/i alt$/).count(), 0);
    }
    assert.deepEqual(await axeViolations(mette.page), []);
    while ((await mette.page.locator('.notice').count()) > 0) await mette.page.locator('.notice').first().click();
    await zone(mette.page, LEARNING_ENGAGEMENT).scrollIntoViewIfNeeded();
    await mette.page.evaluate(() => globalThis.scrollBy(0, -200));
    await mette.page.screenshot({ path: join(screenshots, 'board-phone-da.png') });
  });

  await step('board: the vote closes and everyone sees the correct totals', async () => {
    await anna.getByRole('button', { name: 'Videre til: Drøftelse' }).click();
    for (const page of [anna, mette.page, ole.page]) {
      await note(page, 'Læsehunde for børn').getByText('3 prikker i alt').waitFor();
      await note(page, 'Podcast med gymnasiet').getByText('1 prik i alt').waitFor();
    }
    while ((await anna.locator('.notice').count()) > 0) await anna.locator('.notice').first().click();
    await anna.screenshot({ path: join(screenshots, 'board-large-da.png') });
    assert.deepEqual(await axeViolations(anna), []);
  });

  await step('board: a promoted note becomes an organisation that the map in another context shows', async () => {
    await note(anna, 'Læsehunde for børn').getByRole('button', { name: 'Gør til data …' }).click();
    const form = anna.locator('form.promote-form');
    await form.getByLabel('Bliver til').selectOption('organisation');
    await form.getByLabel('Navn').fill('Læsehunde Roskilde');
    await form.getByLabel('Sektor').selectOption('civil_society');
    await form.getByRole('button', { name: 'Gør til data' }).click();
    await note(anna, 'Læsehunde for børn').getByText('Gjort til en organisation på netværkskortet').waitFor();
    await note(mette.page, 'Læsehunde for børn').getByText('Gjort til en organisation på netværkskortet').waitFor();
    await bo.goto(server.url + '/');
    await bo.getByLabel('Brugernavn').fill(server.name);
    await bo.getByLabel('Adgangskode').fill(password);
    await bo.getByRole('button', { name: 'Log ind' }).click();
    await bo.getByRole('link', { name: 'Roskilde Bibliotekerne' }).click();
    await bo.getByRole('heading', { name: 'Netværkskort' }).waitFor();
    await bo.getByRole('button', { name: 'Tabel' }).click();
    await bo.getByRole('button', { name: 'Læsehunde Roskilde' }).first().click();
    const details = bo.getByTestId('node-details');
    await details.getByRole('heading', { name: 'Læsehunde Roskilde' }).waitFor();
    // The zone's room came along.
    await details.getByText('Læringsrum').waitFor();
  });

  await step('board: the summary lists the result and what was promoted, and downloads as CSV', async () => {
    await anna.getByRole('link', { name: 'Opsummering' }).click();
    await anna.getByRole('heading', { name: `Opsummering: ${boardTitle}` }).waitFor();
    await anna.getByTestId('vote-result').getByText('Læsehunde for børn — 3 prikker i alt').waitFor();
    await anna.getByTestId('promoted').getByText('Læsehunde for børn').waitFor();
    assert.deepEqual(await axeViolations(anna), []);
    const [download] = await Promise.all([anna.waitForEvent('download'), anna.getByRole('button', { name: 'Hent som CSV' }).click()]);
    const text = readFileSync(await download.path(), 'utf8');
    assert.match(text, /^\ufeffFelt,Seddel,Skrevet af,Prikker,Gjort til\r\n/);
    assert.match(text, /Læringsrum · Engagement,Læsehunde for børn,Anonym,3,Gjort til en organisation/);
    // On paper: the notes, not the app's controls.
    await anna.emulateMedia({ media: 'print' });
    assert.equal(await anna.getByRole('button', { name: 'Udskriv' }).isVisible(), false);
    assert.equal(await anna.locator('header.top').isVisible(), false);
    await anna.getByRole('cell', { name: 'Læsehunde for børn' }).waitFor();
    await anna.screenshot({ path: join(screenshots, 'board-summary-print-da.png'), fullPage: true });
    await anna.emulateMedia({ media: 'screen' });
    await anna.getByRole('link', { name: 'Tilbage til tavlen' }).click();
    await anna.getByRole('heading', { name: boardTitle }).waitFor();
  });

  await step('board: a withdrawn link ends the guests\u2019 access and says so', async () => {
    await anna.getByRole('button', { name: 'Træk linket tilbage' }).click();
    await anna.getByText('Linket er trukket tilbage').waitFor();
    await mette.page.getByText('Din adgang til tavlen er slut').waitFor({ timeout: 15_000 });
    const late = await phone();
    await late.page.goto(link);
    await late.page.getByLabel('Dit navn').fill('Sent');
    await late.page.getByRole('button', { name: 'Deltag' }).click();
    await late.page.getByRole('alert').filter({ hasText: 'Invitationen er trukket tilbage af den, der leder workshoppen' }).waitFor();
    await late.context.close();
  });

  await step('board: on a free board a note can open a field of its own', async () => {
    await anna.getByRole('link', { name: 'Alle tavler' }).click();
    await anna.getByLabel('Titel').fill(`Frit ${boardTitle}`);
    await anna.getByLabel('Skabelon').selectOption('free');
    await anna.getByRole('button', { name: 'Opret tavle' }).click();
    await anna.getByRole('heading', { name: `Frit ${boardTitle}` }).waitFor();
    assert.equal(await anna.locator('section.zone').count(), 3);
    await anna.locator('form.add-note textarea').fill('Lokalhistorisk forening');
    await anna.getByLabel('Eller et nyt felt').fill('Foreninger');
    await anna.getByRole('button', { name: 'Sæt op' }).click();
    await zone(anna, 'zone:Foreninger').locator('li.note').filter({ hasText: 'Lokalhistorisk forening' }).waitFor();
    assert.equal(await zone(anna, 'zone:Foreninger').getByRole('heading', { name: 'Felt Foreninger' }).count(), 1);
  });

  await step('board: a board opened by the workspace\u2019s slug address sends and follows live', async () => {
    // The app's own links name the workspace by its id; a link someone types or shares may
    // name it by its slug. Both pages are the owner's: one by slug, one by id.
    const byId = new URL(anna.url());
    const [, , workspaceId, , boardId] = byId.pathname.split('/');
    const bySlug = await anna.context().newPage();
    watch(bySlug);
    await bySlug.goto(`${server.url}/w/roskilde-bibliotekerne/boards/${boardId}`);
    await bySlug.getByRole('heading', { name: `Frit ${boardTitle}` }).waitFor();
    await bySlug.locator('[data-state="online"]').waitFor();
    await bySlug.locator('form.add-note textarea').fill('Skrevet via slug');
    await bySlug.getByLabel('Eller et nyt felt').fill('Slug');
    await bySlug.getByRole('button', { name: 'Sæt op' }).click();
    // The page by id sees it live, so the command went out under the right workspace...
    assert.match(byId.pathname, new RegExp(`^/w/${workspaceId}/boards/`));
    await zone(anna, 'zone:Slug').locator('li.note').filter({ hasText: 'Skrevet via slug' }).waitFor();
    // ...and the page by slug follows the board: a note from the other page appears there.
    await anna.locator('form.add-note textarea').fill('Skrevet via id');
    await anna.getByLabel('Eller et nyt felt').fill('Id');
    await anna.getByRole('button', { name: 'Sæt op' }).click();
    await zone(bySlug, 'zone:Id').locator('li.note').filter({ hasText: 'Skrevet via id' }).waitFor();
    await bySlug.close();
  });

  await step('board: a board that does not exist is said in words, in Danish', async () => {
    // Not watched: the page's 404 is the point of this step.
    const missing = await anna.context().newPage();
    await missing.goto(`${server.url}/w/roskilde-bibliotekerne/boards/00000000-0000-4000-8000-000000000000`);
    const alert = missing.locator('main.board-page [role="alert"]');
    await alert.waitFor();
    assert.equal(await alert.innerText(), 'Det findes ikke.');
    await missing.close();
  });

  await mette.context.close();
  await ole.context.close();
}
