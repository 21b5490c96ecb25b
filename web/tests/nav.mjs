// Browser tests of the one navigation between a workspace's pages (called from browser.mjs):
// on every page of the workspace it sits in the same place under the header's bar, lists the
// same pages (the owner's: all seven), marks the current one with aria-current="page", is
// used from the keyboard, and is the only link to those pages (no second copy in the map's
// toolbar); on a phone (360 px wide) every link shows without scrolling sideways. axe-core on
// the phone; a screenshot of it. Leaves `anna` on the map, as it found her.
import assert from 'node:assert/strict';
import { join } from 'node:path';

const PAGES = [
  { link: 'Netværkskort', heading: { name: 'Netværkskort' }, path: /\/w\/roskilde-bibliotekerne$/ },
  { link: 'Workshoptavler', heading: { name: 'Workshoptavler' }, path: /\/w\/[0-9a-f-]{36}\/boards$/ },
  { link: 'Partnerskaber', heading: { name: 'Partnerskaber', exact: true }, path: /\/w\/roskilde-bibliotekerne\/partnerships$/ },
  { link: 'Portefølje', heading: { name: 'Portefølje', level: 1 }, path: /\/w\/roskilde-bibliotekerne\/portfolio$/ },
  { link: 'Aktiver og styrker', heading: { name: 'Aktiver og styrker – "Vi kan – Vil du?"' }, path: /\/w\/roskilde-bibliotekerne\/assets$/ },
  { link: 'Revisionsspor', heading: { name: 'Revisionsspor: Roskilde Bibliotekerne' }, path: /\/w\/roskilde-bibliotekerne\/audit$/ },
  { link: 'Medlemmer', heading: { name: 'Medlemmer', exact: true }, path: /\/w\/roskilde-bibliotekerne\/members$/ },
];

/** The navigation steps; `anna` is the workspace owner's page, on the map. */
export async function navSteps({ anna, step, axeViolations, screenshots }) {
  const nav = anna.getByRole('navigation', { name: 'Arbejdsrummets sider' });
  const marked = async () => nav.locator('a[aria-current="page"]').allTextContents();

  await step('nav: every workspace page has the same navigation in the same place, the current page marked', async () => {
    assert.deepEqual(await nav.getByRole('link').allTextContents(), PAGES.map((page) => page.link));
    // The map's toolbar no longer carries links of its own to the other pages.
    for (const { link } of PAGES) assert.equal(await anna.locator('main').getByRole('link', { name: link, exact: true }).count(), 0, link);
    const place = await nav.boundingBox();
    for (const page of [...PAGES.slice(1), PAGES[0]]) {
      await nav.getByRole('link', { name: page.link }).click();
      await anna.getByRole('heading', page.heading).waitFor();
      assert.match(anna.url(), page.path);
      assert.deepEqual(await marked(), [page.link]);
      assert.deepEqual(await nav.getByRole('link').allTextContents(), PAGES.map((it) => it.link));
      assert.deepEqual(await nav.boundingBox(), place, `the navigation moved on ${page.link}`);
    }
    await anna.locator('[data-state="online"]').waitFor();
  });

  await step('nav: used from the keyboard', async () => {
    await nav.getByRole('link', { name: 'Netværkskort' }).focus();
    await anna.keyboard.press('Tab');
    await anna.keyboard.press('Tab');
    assert.equal(await anna.evaluate(() => globalThis.document.activeElement?.textContent), 'Partnerskaber');
    await anna.keyboard.press('Enter');
    await anna.getByRole('heading', { name: 'Partnerskaber', exact: true }).waitFor();
    assert.deepEqual(await marked(), ['Partnerskaber']);
    // Inside a section (a partnership's file) the section stays marked, as where one is.
    await anna.locator('main').getByRole('link').first().click();
    await anna.getByRole('link', { name: 'Tilbage til partnerskaberne' }).waitFor();
    assert.deepEqual(await nav.locator('a[aria-current]').allTextContents(), ['Partnerskaber']);
    assert.deepEqual(await marked(), []);
  });

  await step('nav: on a phone (360 px) every page is reachable without scrolling sideways; axe', async () => {
    await anna.setViewportSize({ width: 360, height: 740 });
    try {
      await nav.getByRole('link', { name: 'Portefølje' }).click();
      await anna.getByRole('heading', { name: 'Portefølje', level: 1 }).waitFor();
      for (const { link } of PAGES) {
        const box = await nav.getByRole('link', { name: link }).boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= 360, `${link} at ${JSON.stringify(box)}`);
      }
      const header = await anna.evaluate(() => {
        const top = globalThis.document.querySelector('header.top');
        return { scroll: top.scrollWidth, wide: [...top.querySelectorAll('*')].filter((element) => element.getBoundingClientRect().right > 360).map((element) => element.outerHTML.slice(0, 80)) };
      });
      assert.ok(header.scroll <= 360, `the header is wider than the phone: ${JSON.stringify(header)}`);
      assert.deepEqual(await axeViolations(anna), []);
      await anna.screenshot({ path: join(screenshots, 'workspace-nav-phone-da.png') });
    } finally {
      await anna.setViewportSize({ width: 1280, height: 800 });
    }
    await nav.getByRole('link', { name: 'Netværkskort' }).click();
    await anna.getByRole('heading', { name: 'Netværkskort' }).waitFor();
    await anna.locator('[data-state="online"]').waitFor();
    await anna.locator('.map-canvas canvas').first().waitFor();
  });
}
