// After `vite build`: prints the gzipped size of the JavaScript the first page load needs
// (the entry and what it imports statically) and of the lazily loaded rest, and fails when
// the initial JavaScript is over the budget of 250 KB gzipped.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const BUDGET = 250 * 1024;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const initialNames = new Set(
  [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((match) => match[1]),
);
const gz = (name) => gzipSync(readFileSync(join(dist, name)), { level: 9 }).length;
let initial = 0;
let lazy = 0;
for (const file of readdirSync(join(dist, 'assets')).filter((name) => name.endsWith('.js')).sort()) {
  const name = `assets/${file}`;
  const size = gz(name);
  if (initialNames.has(name)) initial += size;
  else lazy += size;
}
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
console.log(`initial JavaScript: ${kb(initial)} gzipped (budget ${kb(BUDGET)}); loaded with the map: ${kb(lazy)} gzipped`);
if (initial > BUDGET) {
  console.error('the initial JavaScript is over budget');
  process.exit(1);
}
