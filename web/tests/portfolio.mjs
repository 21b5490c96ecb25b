// Browser tests of the portfolio (called from browser.mjs with its server and helpers): the
// demo's partnerships in the right cells of the library model and a gap; crossing the grid by
// sector; a suggestion for an empty cell names a fitting organisation and who knows it; a
// point of the level chart lists the organisations it counts; what a partner seeks typed in
// the suggestions reaches the server; a partnership links to its file. axe-core on the page;
// a screenshot in Danish.
import assert from 'node:assert/strict';
import { join } from 'node:path';

/** The portfolio steps; `anna` is the workspace owner's page, logged in. */
export async function portfolioSteps({ server, anna, step, axeViolations, screenshots }) {
  const cell = (room, goal) => anna.locator(`table.library-model td[data-room="${room}"][data-goal="${goal}"]`);

  await step('portfolio: the grid shows the demo partnerships in their cells and a gap', async () => {
    await anna.goto(server.url + '/');
    await anna.getByRole('link', { name: 'Roskilde Bibliotekerne' }).click();
    await anna.getByRole('heading', { name: 'Netværkskort' }).waitFor();
    await anna.getByRole('navigation', { name: 'Arbejdsrummets sider' }).getByRole('link', { name: 'Portefølje' }).click();
    await anna.getByRole('heading', { name: 'Portefølje', level: 1 }).waitFor();
    assert.match(anna.url(), /\/w\/roskilde-bibliotekerne\/portfolio$/);
    await cell('inspiration', 'experience').getByRole('link', { name: "Bibliotekets alternative festivalområde" }).waitFor();
    await cell('performative', 'engagement').getByRole('link', { name: "Bibliotekets alternative festivalområde" }).waitFor();
    await cell('learning', 'experience').getByRole('link', { name: 'Bibliotekstilbud i Danmarks Rockmuseum' }).waitFor();
    // The ended partnership (IT teaching) is in no cell; the empowerment goal is a gap.
    assert.equal(await anna.locator('table.library-model').getByText('IT-undervisning med fagbevægelsen').count(), 0);
    assert.equal(await cell('performative', 'innovation').textContent(), 'Hul');
    await anna.getByRole('region', { name: 'Huller i tilbuddet' })
      .getByText('Intet aktivt partnerskab tjener målet innovation.').waitFor();
    await anna.getByRole('region', { name: 'Huller i tilbuddet' })
      .getByText('Intet aktivt partnerskab tjener møderum.').waitFor();
    assert.deepEqual(await axeViolations(anna), []);
  });

  await step('portfolio: crossing the grid by sector keeps the partnerships with a partner from it', async () => {
    await anna.getByLabel('Sektor').selectOption('public');
    await anna.getByRole('table').filter({ hasText: 'kun dem med en partner fra sektoren offentlig' }).waitFor();
    await cell('learning', 'experience').getByRole('link', { name: 'Bibliotekstilbud i Danmarks Rockmuseum' }).waitFor();
    // The festival area (a civil society partner) leaves its cells; the museum's stay.
    assert.equal(await cell('performative', 'engagement').textContent(), 'Hul');
    assert.equal(await cell('inspiration', 'experience').textContent(), 'Bibliotekstilbud i Danmarks Rockmuseum');
    await anna.getByLabel('Aldersgruppe').selectOption('seniors');
    assert.equal(await cell('learning', 'experience').textContent(), 'Hul');
    await anna.getByLabel('Sektor').selectOption('');
    await anna.getByLabel('Aldersgruppe').selectOption('');
    await cell('inspiration', 'experience').getByRole('link', { name: "Bibliotekets alternative festivalområde" }).waitFor();
  });

  await step('portfolio: a suggestion for an empty cell names a fitting organisation and who knows it', async () => {
    const suggestion = anna.locator('li.suggestion-cell[data-room="performative"][data-goal="innovation"]');
    // Closed, the cell names its suggestions; opened, it explains them.
    await suggestion.locator('summary').filter({ hasText: 'Performativt rum · Innovation – Museet for Samtidskunst' }).click();
    const museum = suggestion.locator('li.suggested-organisation').filter({ hasText: 'Museet for Samtidskunst' });
    await museum.waitFor();
    await museum.getByText('kender Karen Dahl; passer til det performative rum; søger udstillingsplads, kontakt med unge').waitFor();
    // What the museum seeks meets the library's rooms for exhibitions.
    await anna.locator('li[data-partner]').filter({ hasText: 'Museet for Samtidskunst' })
      .getByText('Museet for Samtidskunst søger udstillingsplads; biblioteket tilbyder Rum til debat og udstillinger; spørg Karen Dahl')
      .waitFor();
  });

  await step('portfolio: a point of the level chart shows the organisations it counts', async () => {
    const points = anna.locator('g[data-series="partnership"] [role="button"]');
    await points.last().click();
    const detail = anna.getByRole('region', { name: 'Partnerskab', exact: true });
    await detail.getByRole('listitem').filter({ hasText: 'Roskilde Festival' }).waitFor();
    // The first point is before the festival became a partnership: nobody was one then.
    await points.first().focus();
    await anna.keyboard.press('Enter');
    await detail.getByText('Ingen.').waitFor();
    await anna.getByRole('region', { name: 'Partnerskab', exact: true }).getByRole('button', { name: 'Luk' }).click();
    // The network's size: a point opens its figures.
    // (From the keyboard: the last points of nodes and links lie close together.)
    await anna.locator('g[data-series="nodes"] [role="button"]').last().focus();
    await anna.keyboard.press('Enter');
    await anna.getByRole('region', { name: 'Netværkets størrelse', exact: true }).getByRole('button', { name: 'Åbn netværkskortet' }).waitFor();
    assert.deepEqual(await axeViolations(anna), []);
  });

  await step('screenshot of the portfolio in Danish', async () => {
    await anna.getByRole('region', { name: 'Netværkets størrelse', exact: true }).getByRole('button', { name: 'Luk' }).click();
    await anna.getByRole('heading', { name: 'Portefølje', level: 1 }).scrollIntoViewIfNeeded();
    await anna.screenshot({ path: join(screenshots, 'portfolio-da.png'), fullPage: true });
  });

  await step('portfolio: what a partner seeks, typed in the suggestions, is saved and matched', async () => {
    await anna.getByLabel('Organisation').selectOption({ label: 'Eplehuset' });
    await anna.getByLabel('Søger (ét ønske pr. linje)').fill('synlighed blandt seniorer\nen scene til produkttest');
    await anna.getByRole('button', { name: 'Gem' }).click();
    await anna.getByText('Gemt: hvad Eplehuset søger.').waitFor();
    await anna.locator('li[data-partner]').filter({ hasText: 'Eplehuset' })
      .getByText('Eplehuset søger en scene til produkttest; biblioteket tilbyder Rum til debat og udstillinger; spørg Karen Dahl')
      .waitFor();
  });

  await step("portfolio: what a partner seeks is edited on the map's node details too", async () => {
    await anna.getByRole('navigation', { name: 'Arbejdsrummets sider' }).getByRole('link', { name: 'Netværkskort' }).click();
    await anna.getByLabel('Find en knude').fill('Eplehuset');
    await anna.locator('.search-results').getByRole('button', { name: 'Eplehuset' }).click();
    const details = anna.getByTestId('node-details');
    await details.getByRole('heading', { name: 'Eplehuset' }).waitFor();
    await details.getByText('Hvad søger organisationen?').click();
    // It starts from what was saved in the suggestions.
    const field = details.getByLabel('Søger (ét ønske pr. linje)');
    await anna.waitForFunction(() => globalThis.document.querySelector('[data-testid="node-details"] textarea')?.value.includes('en scene til produkttest'));
    await field.fill('en scene til produkttest\nlokaler til kurser');
    await details.getByLabel('Hvor ved vi det fra?').selectOption('screening');
    await details.getByRole('button', { name: 'Gem' }).click();
    await anna.getByText('Gemt: hvad Eplehuset søger.').first().waitFor();
    assert.deepEqual(await axeViolations(anna), []);
    await anna.getByRole('navigation', { name: 'Arbejdsrummets sider' }).getByRole('link', { name: 'Portefølje' }).click();
    await anna.getByLabel('Organisation').selectOption({ label: 'Eplehuset' });
    assert.equal(await anna.getByLabel('Søger (ét ønske pr. linje)').inputValue(), 'en scene til produkttest\nlokaler til kurser');
  });

  await step('portfolio: a partnership in the grid links to its file', async () => {
    await cell('learning', 'experience').getByRole('link', { name: 'Bibliotekstilbud i Danmarks Rockmuseum' }).click();
    assert.match(anna.url(), /\/w\/roskilde-bibliotekerne\/partnerships\/[0-9a-f-]{36}$/);
  });
}
