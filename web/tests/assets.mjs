// Browser tests of the assets list ("Vi kan – Vil du?"), called from browser.mjs with its
// server, browser and helpers: the owner edits an asset in the app (its text and its
// contact); a viewer sees the list without edit controls; the owner makes a share link; the public page opens from it in a fresh context on a phone
// (360 x 740) without any login, in Danish and in English, and printed without its buttons;
// a screenshot of it; the owner closes the link and the page then says so in words.
// axe-core on the assets page and the public page.
import assert from 'node:assert/strict';
import { join } from 'node:path';

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** The assets steps; `anna` is the workspace owner's page, logged in. */
export async function assetsSteps({ browser, anna, server, step, axeViolations, screenshots, watch }) {
  let link = '';
  const description = 'Vi holder turneringer, LAN-aftener og kurser i spiludvikling for 13-18-årige';

  await step('assets: the owner edits an asset and its contact in the app', async () => {
    await anna.goto(server.url + '/');
    await anna.getByRole('link', { name: 'Roskilde Bibliotekerne' }).click();
    await anna.getByRole('navigation', { name: 'Arbejdsrummets sider' }).getByRole('link', { name: 'Aktiver og styrker' }).click();
    await anna.getByRole('heading', { name: 'Aktiver og styrker – "Vi kan – Vil du?"' }).waitFor();
    assert.match(anna.url(), /\/w\/roskilde-bibliotekerne\/assets$/);
    await anna.getByRole('heading', { name: 'Gaming for unge' }).waitFor();
    assert.deepEqual(await axeViolations(anna), []);

    await anna.getByRole('button', { name: 'Redigér Gaming for unge' }).click();
    const form = anna.locator('form.asset-form').filter({ hasText: 'Redigér "Gaming for unge"' });
    await form.getByLabel('Beskrivelse').fill(description);
    const contact = form.getByLabel('Kontaktperson');
    const options = await contact.locator('option').allTextContents();
    const karen = options.find((option) => option.startsWith('Karen Dahl'));
    assert.ok(karen, `Karen Dahl among ${options.join(', ')}`);
    await contact.selectOption({ label: karen });
    await form.getByRole('button', { name: 'Gem' }).click();
    await anna.getByText('"Gaming for unge" er gemt.').waitFor();
    const item = anna.locator('li.asset').filter({ hasText: 'Gaming for unge' });
    await item.getByText(description).waitFor();
    await item.getByText('Kontaktperson: Karen Dahl').waitFor();
    await anna.screenshot({ path: join(screenshots, 'assets-da.png'), fullPage: true });
  });

  await step('assets: a viewer reads the list without edit controls', async () => {
    // A viewer's API token, made by the owner; the viewer's browser holds it as its session.
    const token = await anna.evaluate(async () => {
      const session = JSON.parse(globalThis.localStorage.getItem('partnerhub.session'));
      const headers = { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' };
      const workspaces = await (await globalThis.fetch('/api/workspaces', { headers })).json();
      const roskilde = workspaces.find((workspace) => workspace.slug === 'roskilde-bibliotekerne');
      const response = await globalThis.fetch(`/api/workspaces/${roskilde.workspace_id}/tokens`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ label: 'Læser', role: 'viewer' }),
      });
      return (await response.json()).token;
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript((session) => {
      globalThis.localStorage.setItem('partnerhub.session', session);
    }, JSON.stringify({ token, account: 'Læser', expiresAt: null }));
    const viewer = await context.newPage();
    watch(viewer);
    await viewer.goto(server.url + '/w/roskilde-bibliotekerne/assets');
    await viewer.getByText('Du kan se listen, men ikke ændre den.').waitFor();
    await viewer.getByText(description).waitFor();
    assert.equal(await viewer.getByRole('button', { name: /^Redigér/ }).count(), 0);
    assert.equal(await viewer.getByRole('button', { name: /^Fjern/ }).count(), 0);
    assert.equal(await viewer.getByRole('button', { name: 'Tilføj aktiv' }).count(), 0);
    assert.equal(await viewer.getByRole('button', { name: 'Lav delingslink' }).count(), 0);
    await context.close();
  });

  await step('assets: the owner makes a share link for a potential partner', async () => {
    await anna.getByLabel('Hvem er linket til?').fill('Folkehøjskolen');
    await anna.getByRole('button', { name: 'Lav delingslink' }).click();
    link = await anna.getByLabel('Linket er lavet. Kopiér det nu – det vises kun denne ene gang:').inputValue();
    assert.match(link, /\/vi-kan#pha_[0-9a-f]{32}_[0-9a-f]{32}_[0-9a-f]{64}$/);
    await anna.locator('.share-link-list li').filter({ hasText: 'Folkehøjskolen' }).filter({ hasText: 'åbent' }).waitFor();
  });

  const context = await browser.newContext(PHONE);
  const partner = await context.newPage();
  watch(partner);

  await step('assets: the public page opens on a phone without a login, in Danish and English', async () => {
    await partner.goto(link);
    await partner.getByRole('heading', { name: 'Roskilde Bibliotekerne: det kan vi byde ind med' }).waitFor();
    await partner.getByRole('heading', { name: 'Gaming for unge' }).waitFor();
    await partner.getByText(description).waitFor();
    await partner.getByText('Kontakt: Karen Dahl, Kunst og kultur').first().waitFor();
    // Nothing of the app around it: no login form, no header, no session.
    assert.equal(await partner.locator('header.top').count(), 0);
    assert.equal(await partner.evaluate(() => globalThis.localStorage.getItem('partnerhub.session')), null);
    // No wider than the phone.
    assert.ok(await partner.evaluate(() => globalThis.document.documentElement.scrollWidth <= 360));
    assert.deepEqual(await axeViolations(partner), []);
    await partner.screenshot({ path: join(screenshots, 'public-assets-da.png'), fullPage: true });

    await partner.getByRole('button', { name: 'English' }).click();
    await partner.getByRole('heading', { name: 'Roskilde Bibliotekerne: what we can offer' }).waitFor();
    await partner.getByRole('heading', { name: 'Competences' }).waitFor();
    await partner.getByRole('button', { name: 'Dansk' }).click();
    await partner.getByRole('heading', { name: 'Kompetencer' }).waitFor();

    // On paper: the list, not the buttons.
    await partner.emulateMedia({ media: 'print' });
    assert.equal(await partner.getByRole('button', { name: 'Udskriv' }).isVisible(), false);
    assert.equal(await partner.getByRole('heading', { name: 'Gaming for unge' }).isVisible(), true);
    await partner.emulateMedia({ media: 'screen' });
  });

  await step('assets: a closed share link stops working and the page says so', async () => {
    await anna.getByRole('button', { name: 'Luk linket til "Folkehøjskolen"' }).click();
    await anna.getByText('Linket til "Folkehøjskolen" er lukket.').waitFor();
    await anna.locator('.share-link-list li').filter({ hasText: 'Folkehøjskolen' }).filter({ hasText: 'lukket' }).waitFor();
    await partner.reload();
    await partner.getByRole('alert').filter({ hasText: 'Biblioteket har lukket dette link' }).waitFor();
    assert.equal(await partner.getByRole('heading', { name: 'Gaming for unge' }).count(), 0);
  });

  await context.close();
}
