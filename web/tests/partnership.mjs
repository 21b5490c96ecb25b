// Browser tests of the partnership file (called from browser.mjs with its server, browser and
// helpers): the owner proposes a partnership from the list and writes its purpose section; a
// colleague (an editor, invited by link) in another context opens the same file; both edit
// different sections from the same version and both are saved; both edit the same section,
// and the second sees the current text and their own side by side and keeps theirs; the diff
// of versions 1 and 3 shows the changed words; the screening form shows the questions in
// words and is saved with its score, and screened again the earlier one stays viewable; a
// phase move is refused with its reason; a viewer reads the file without edit controls.
// The demo's full file shows every part. axe-core on the list and the file; the screenshots
// docs/screenshots/partnership-da.png and partnership-conflict-da.png.
import assert from 'node:assert/strict';
import { join } from 'node:path';

/** The partnership steps; `anna` is the workspace owner's page, logged in. */
export async function partnershipSteps({ browser, server, anna, step, axeViolations, screenshots, watch }) {
  const section = (page, name) => page.locator(`li.section[data-section="${name}"]`);
  const title = 'Bibliotekets telt på Roskilde Festival';
  let fileUrl = '';

  await step('partnership: the owner proposes a partnership from the list and opens its file', async () => {
    await anna.goto(server.url + '/w/roskilde-bibliotekerne');
    await anna.getByRole('navigation', { name: 'Arbejdsrummets sider' }).getByRole('link', { name: 'Partnerskaber' }).click();
    await anna.getByRole('heading', { name: 'Partnerskaber', exact: true }).waitFor();
    assert.deepEqual(await axeViolations(anna), []);
    await anna.locator('form.new-partnership input[name="title"]').fill(title);
    await anna.locator('form.new-partnership textarea[name="purpose"]').fill('Læsning, musik og ro midt på festivalen, for unge og voksne');
    await anna.getByRole('button', { name: 'Opret partnerskab' }).click();
    await anna.getByRole('heading', { name: title }).waitFor();
    await anna.getByText('Partnerskabet er i fase 1: Idé.').waitFor();
    fileUrl = anna.url();
    assert.match(fileUrl, /\/w\/roskilde-bibliotekerne\/partnerships\/[0-9a-f-]{36}$/);
  });

  await step('partnership: the owner names the partner and the form; the partner’s contact persons show', async () => {
    await anna.getByRole('button', { name: 'Ret oplysninger' }).click();
    const form = anna.locator('form.details-editor');
    await form.getByRole('checkbox', { name: 'Roskilde Festival' }).check();
    await form.getByRole('checkbox', { name: 'Møderum' }).check();
    await form.getByRole('radio', { name: 'Aktivitet med fast varighed' }).check();
    await form.locator('input[name="starts_on"]').fill('2027-06-26');
    await form.locator('input[name="ends_on"]').fill('2027-07-03');
    assert.deepEqual(await axeViolations(anna), []);
    await form.getByRole('button', { name: 'Gem oplysningerne' }).click();
    await anna.getByText('Oplysningerne er gemt.').waitFor();
    const partners = anna.locator('section.partners');
    await partners.getByRole('heading', { name: /Roskilde Festival/ }).waitFor();
    await partners.locator('.contacts li').first().waitFor();
    await anna.locator('.file-head .tag').filter({ hasText: 'Møderum' }).waitFor();
    await anna.locator('.file-head').getByText(/Aktivitet med fast varighed: 26\. juni 2027/).waitFor();
  });

  await step('partnership: the owner writes the purpose section: version 1', async () => {
    await writeSection(anna, 'purpose', 'Læsning på festivalen');
    await anna.locator('#agreement-title').filter({ hasText: 'Version 1' }).waitFor();
    await section(anna, 'purpose').getByText('Læsning på festivalen').waitFor();
  });

  // A colleague, an editor invited by link, in a context of their own.
  const summary = await callAs(anna, 'GET', '/api/workspaces/roskilde-bibliotekerne');
  const invite = await callAs(anna, 'POST', `/api/workspaces/${summary.body.workspace_id}/member-invites`, { role: 'editor' });
  assert.equal(invite.status, 201, JSON.stringify(invite.body));
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const bo = await context.newPage();
  watch(bo);
  const colleague = `bo-${Date.now() % 100000}@roskilde`;
  await step('partnership: a colleague joins by invite and opens the same file, live', async () => {
    await bo.goto(server.url + invite.body.link);
    await bo.getByLabel('Brugernavn').fill(colleague);
    await bo.getByLabel('Adgangskode').fill('en god lang adgangskode');
    await bo.getByRole('button', { name: 'Opret konto og bliv medlem' }).click();
    await bo.getByRole('heading', { name: 'Netværkskort' }).waitFor();
    await bo.goto(fileUrl);
    await bo.getByRole('heading', { name: title }).waitFor();
    await bo.locator('[data-state="online"]').waitFor();
    await section(bo, 'purpose').getByText('Læsning på festivalen').waitFor();
  });

  await step('partnership: two colleagues edit different sections from version 1: both are saved', async () => {
    await startEditing(anna, 'purpose');
    await startEditing(bo, 'exit');
    await fillAndSave(anna, 'purpose', 'Læsning og musik på sommerfestivalen');
    await anna.locator('#agreement-title').filter({ hasText: 'Version 2' }).waitFor();
    await fillAndSave(bo, 'exit', 'En måneds varsel');
    await bo.locator('#agreement-title').filter({ hasText: 'Version 3' }).waitFor();
    await bo.getByText('Afsnittet Sådan afsluttes partnerskabet er gemt.').waitFor();
    // Each sees the other's section, live.
    await section(anna, 'exit').getByText('En måneds varsel').waitFor();
    await section(bo, 'purpose').getByText('Læsning og musik på sommerfestivalen').waitFor();
    assert.equal(await bo.locator('.conflict').count(), 0);
  });

  await step('partnership: two edit the same section: the second sees both texts and keeps theirs', async () => {
    await startEditing(anna, 'purpose');
    await startEditing(bo, 'purpose');
    await fillAndSave(anna, 'purpose', 'Musik og læsning for unge på festivalen');
    await anna.locator('#agreement-title').filter({ hasText: 'Version 4' }).waitFor();
    await fillAndSave(bo, 'purpose', 'Oplæsning og poesi i en stille teltlejr');
    const conflict = section(bo, 'purpose').locator('.conflict');
    await conflict.waitFor();
    await conflict.getByText('En kollega har ændret afsnittet Formål').waitFor();
    assert.equal(await conflict.locator('figure.current .text').innerText(), 'Musik og læsning for unge på festivalen');
    assert.equal(await conflict.locator('figure.yours .text').innerText(), 'Oplæsning og poesi i en stille teltlejr');
    assert.deepEqual(await axeViolations(bo), []);
    await bo.screenshot({ path: join(screenshots, 'partnership-conflict-da.png') });
    await conflict.getByRole('button', { name: 'Behold min tekst' }).click();
    await bo.locator('#agreement-title').filter({ hasText: 'Version 5' }).waitFor();
    await section(anna, 'purpose').getByText('Oplæsning og poesi i en stille teltlejr').waitFor();
    // The history names who made each version.
    await anna.locator('.version-list li').filter({ hasText: `Version 5` }).filter({ hasText: colleague }).waitFor();
  });

  await step('partnership: the diff of versions 1 and 3 shows the changed words side by side', async () => {
    const picker = anna.locator('form.diff-picker');
    await picker.getByLabel('Fra version').selectOption('1');
    await picker.getByLabel('Til version').selectOption('3');
    await picker.getByRole('button', { name: 'Sammenlign' }).click();
    const purpose = picker.locator('.diff-section[data-section="purpose"]');
    await purpose.waitFor();
    const added = (await purpose.locator('figure.to ins').allInnerTexts()).join(' ');
    assert.match(added, /og musik/);
    assert.match(added, /sommerfestivalen/);
    const removed = (await purpose.locator('figure.from del').allInnerTexts()).join(' ');
    assert.match(removed, /festivalen/);
    assert.equal(await purpose.locator('figure.from .text').innerText(), 'Læsning på festivalen');
    await picker.locator('.diff-section[data-section="exit"] figure.to ins').filter({ hasText: 'En måneds varsel' }).waitFor();
    assert.deepEqual(await axeViolations(anna), []);
  });

  await step('partnership: a phase move is refused with its reason in words', async () => {
    for (const [number, name] of [[2, 'Udforskning'], [3, 'Screening']]) {
      await anna.getByRole('button', { name: `Flyt til fase ${number}: ${name}` }).click();
      await anna.getByText(`Partnerskabet er i fase ${number}: ${name}.`).waitFor();
    }
    // The decision needs a screening first: refused, and said so.
    await anna.getByRole('button', { name: 'Flyt til fase 4: Beslutning' }).click();
    await anna.locator('form.move').getByRole('alert').filter({ hasText: 'Kræver en screening' }).waitFor();
  });

  await step('partnership: the screening form shows the 14 questions in words and saves a screening', async () => {
    const form = anna.locator('form.screening-form');
    await form.getByText('Understøtter det bibliotekets mission og vision?').waitFor();
    await form.getByText('Er det muligt at finansiere?').waitFor();
    // Saving with questions unanswered says which.
    await form.getByRole('button', { name: 'Gem screeningen' }).click();
    await form.getByRole('alert').filter({ hasText: 'Mangler: 1, 2, 3' }).waitFor();
    for (let question = 1; question <= 14; question += 1) {
      await form.locator(`input[name="answer-${question}"][value="${question === 14 ? 'partly' : 'yes'}"]`).check();
    }
    await form.locator('input[name="note-14"]').fill('Kulturpuljen søges i marts');
    await form.getByLabel('Begrundelse for beslutningen').fill('Stærk match med strategien');
    await form.getByRole('button', { name: 'Gem screeningen' }).click();
    await anna.locator('.screening-view').filter({ hasText: '27 af 28 point · beslutning: Ja, vi går videre' }).waitFor();
    // English: the same questions in English, from the server.
    await anna.locator('.top .language select').selectOption('en');
    await anna.locator('.screening-view summary').first().click();
    await anna.getByText('Does it support our mission and vision?').waitFor();
    await anna.locator('.top .language select').selectOption('da');
    // Screened again: the earlier screening stays viewable.
    await anna.getByRole('button', { name: 'Screen igen' }).click();
    for (let question = 1; question <= 14; question += 1) {
      await form.locator(`input[name="answer-${question}"][value="partly"]`).check();
    }
    await form.locator('select[name="decision"]').selectOption('postpone');
    await form.getByRole('button', { name: 'Gem screeningen' }).click();
    await anna.locator('.screening-view').filter({ hasText: '14 af 28 point · beslutning: Vent, og screen igen senere' }).waitFor();
    await anna.getByText('Tidligere screeninger (1)').click();
    await anna.locator('details.earlier .screening-view').filter({ hasText: '27 af 28 point' }).locator('summary').click();
    await anna.locator('details.earlier').getByText('Kulturpuljen søges i marts').waitFor();
    // Now the decision phase may follow (it needs a screening, whatever it decided).
    await anna.getByRole('button', { name: 'Flyt til fase 4: Beslutning' }).click();
    await anna.getByText('Partnerskabet er i fase 4: Beslutning.').waitFor();
  });

  await step('partnership: back to an earlier phase, with the reason in the timeline', async () => {
    const back = anna.locator('details.back-phase');
    await back.locator('summary').click();
    const form = back.locator('form.move-back');
    // Only earlier phases are offered, the nearest first.
    assert.deepEqual(await form.getByLabel('Tilbage til').locator('option').allInnerTexts(), [
      'Fase 3: Screening',
      'Fase 2: Udforskning',
      'Fase 1: Idé',
    ]);
    // Without a reason: asked for, nothing sent.
    await form.getByRole('button', { name: 'Flyt tilbage' }).click();
    await form.getByRole('alert').filter({ hasText: 'Skriv hvorfor' }).waitFor();
    await form.getByLabel('Tilbage til').selectOption('screening');
    await form.locator('input[name="back_reason"]').fill('Bestyrelsen vil se en ny screening');
    await form.getByRole('button', { name: 'Flyt tilbage' }).click();
    await anna.getByText('Partnerskabet er i fase 3: Screening.').waitFor();
    await anna.locator('section.timeline').getByText('Bestyrelsen vil se en ny screening', { exact: false }).first().waitFor();
    // And on to the decision again (the screening is still there).
    await anna.getByRole('button', { name: 'Flyt til fase 4: Beslutning' }).click();
    await anna.getByText('Partnerskabet er i fase 4: Beslutning.').waitFor();
  });


  await step('partnership: a viewer reads the file without edit controls', async () => {
    const viewerInvite = await callAs(anna, 'POST', `/api/workspaces/${summary.body.workspace_id}/member-invites`, { role: 'viewer' });
    assert.equal(viewerInvite.status, 201, JSON.stringify(viewerInvite.body));
    const viewerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const viewer = await viewerContext.newPage();
    watch(viewer);
    await viewer.goto(server.url + viewerInvite.body.link);
    await viewer.getByLabel('Brugernavn').fill(`vera-${Date.now() % 100000}@roskilde`);
    await viewer.getByLabel('Adgangskode').fill('en god lang adgangskode');
    await viewer.getByRole('button', { name: 'Opret konto og bliv medlem' }).click();
    await viewer.getByRole('heading', { name: 'Netværkskort' }).waitFor();
    await viewer.goto(fileUrl);
    await viewer.getByText('Du kan læse sagen; din rolle må ikke ændre den.').waitFor();
    await section(viewer, 'purpose').getByText('Oplæsning og poesi i en stille teltlejr').waitFor();
    assert.equal(await viewer.locator('main button').count(), 1, 'only the diff\'s compare button');
    assert.equal(await viewer.locator('form.screening-form, form.move, textarea').count(), 0);
    await viewer.getByText('Din rolle kan ikke se tidslinjen.').waitFor();
    await viewerContext.close();
  });

  await step('screenshot of a partnership file in Danish', async () => {
    await anna.goto(fileUrl);
    await anna.getByRole('heading', { name: title }).waitFor();
    await anna.locator('section.partners .contacts li').first().waitFor();
    await anna.evaluate(() => globalThis.scrollTo(0, 0));
    await anna.screenshot({ path: join(screenshots, 'partnership-da.png') });
  });

  await step('partnership: an evaluation with criteria and the next due date, and a line of the communication plan', async () => {
    const evaluations = anna.locator('#evaluations');
    await evaluations.getByText('Partnerskabet er ikke evalueret endnu.').waitFor();
    await evaluations.locator('summary').filter({ hasText: 'Ny evaluering' }).click();
    await evaluations.locator('input[name="evaluated_on"]').fill('2027-07-10');
    await evaluations.locator('input[name="criterion-0"]').fill('Besøgende i teltet');
    await evaluations.locator('input[name="target-0"]').fill('3.000');
    await evaluations.locator('select[name="score-0"]').selectOption('4');
    await evaluations.getByLabel('Evalueringen i ord').fill('Godt besøgt, især om aftenen');
    await evaluations.locator('input[name="next_evaluation_due"]').fill('2027-06-30');
    await evaluations.getByRole('button', { name: 'Registrér evaluering' }).click();
    // The next evaluation must come after this one: said in words.
    await evaluations.getByRole('alert').filter({ hasText: 'Den næste evaluering skal ligge efter denne.' }).waitFor();
    await evaluations.locator('input[name="next_evaluation_due"]').fill('2028-01-15');
    await evaluations.getByRole('button', { name: 'Registrér evaluering' }).click();
    await evaluations.getByText('Næste evaluering: 15. januar 2028').waitFor();
    await evaluations.locator('.evaluation td').filter({ hasText: 'Besøgende i teltet' }).waitFor();
    await evaluations.getByText('4 af 5').waitFor();
    const communication = anna.locator('#communication');
    await communication.locator('summary').filter({ hasText: 'Tilføj til planen' }).click();
    await communication.locator('select[name="audience"]').selectOption('external');
    for (const [field, value] of [['sender', 'Mads Kruse'], ['recipients', 'Festivalens gæster'], ['about', 'Programmet i teltet'], ['when', 'Juni 2027'], ['channel', 'Festivalens app']]) {
      await communication.locator(`input[name="${field}"]`).fill(value);
    }
    await communication.getByRole('button', { name: 'Tilføj til planen' }).click();
    await communication.locator('td').filter({ hasText: 'Programmet i teltet' }).waitFor();
    assert.deepEqual(await axeViolations(anna), []);
  });

  await step('partnership: something sent is recorded, then the partnership is ended with a reason', async () => {
    const communication = anna.locator('#communication');
    await communication.locator('summary').filter({ hasText: 'Registrér noget, der er sendt' }).click();
    await communication.locator('input[name="sent_channel"]').fill('Nyhedsbrev');
    await communication.locator('input[name="sent_summary"]').fill('Programmet for festivalen');
    await communication.getByRole('button', { name: 'Registrér noget, der er sendt' }).click();
    await communication.getByText(/Nyhedsbrev: Programmet for festivalen/).waitFor();
    await anna.locator('details.end > summary').click();
    await anna.getByRole('button', { name: 'Afslut partnerskabet' }).click();
    await anna.locator('details.end').getByRole('alert').filter({ hasText: 'Skriv, hvorfor' }).waitFor();
    await anna.getByLabel('Hvorfor afsluttes det?').fill('Festivalen holder pause i 2028');
    await anna.getByRole('button', { name: 'Afslut partnerskabet' }).click();
    await anna.getByText('Afsluttet: Festivalen holder pause i 2028').waitFor();
    await anna.getByText('Fase 12 af 12: Afsluttet').waitFor();
    assert.equal(await anna.locator('li.section button').count(), 0, 'a closed file has no editors');
  });

  await step('partnership: the demo’s full file shows resources, evaluations and the checklist', async () => {
    await anna.goto(server.url + '/w/roskilde-bibliotekerne/partnerships');
    await anna.getByRole('link', { name: "Bibliotekets alternative festivalområde" }).click();
    await anna.getByRole('heading', { name: "Bibliotekets alternative festivalområde" }).waitFor();
    // Its owner at the library, by name and team.
    await anna.getByTestId('partnership-owner').filter({ hasText: 'Ansvarlig: Mads Kruse (Musik)' }).waitFor();
    await anna.locator('.evaluation').first().waitFor();
    await anna.locator('.partner').first().waitFor();
    await anna.locator('#resources li').first().waitFor();
    await anna.locator('#readiness li.ticked').first().waitFor();
    await anna.locator('#timeline li').first().waitFor();
    assert.deepEqual(await axeViolations(anna), []);
  });

  await context.close();
}

async function startEditing(page, name) {
  const section = page.locator(`li.section[data-section="${name}"]`);
  await section.getByRole('button', { name: /^(Ret|Skriv) afsnittet$/ }).click();
  await section.locator('textarea').waitFor();
}

async function fillAndSave(page, name, text) {
  const section = page.locator(`li.section[data-section="${name}"]`);
  await section.locator('textarea').fill(text);
  await section.getByRole('button', { name: 'Gem afsnittet' }).click();
}

async function writeSection(page, name, text) {
  await startEditing(page, name);
  await fillAndSave(page, name, text);
}

/** A request with the page's session; answers the status and the JSON body. */
async function callAs(page, method, path, body) {
  return page.evaluate(
    async ([method, path, body]) => {
      const token = JSON.parse(globalThis.localStorage.getItem('partnerhub.session')).token;
      const response = await globalThis.fetch(path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: response.status, body: await response.json() };
    },
    [method, path, body],
  );
}
