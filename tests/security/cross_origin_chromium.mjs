// Finding 6 in a real browser: a page on another origin tries to unload a
// model (a no-preflight text/plain POST, as in the finding, and a CORS
// POST); the model must keep serving. A page on an origin allowed with
// --cors-allow-origin reads the API.
// Usage: node cross_origin_chromium.mjs API_BASE EVIL_PAGE_URL ALLOWED_PAGE_URL
import assert from 'node:assert/strict';
import {createRequire} from 'node:module';

// playwright-core is installed once, beside the console's browser test.
const require = createRequire(new URL('../console/package.json', import.meta.url));
const {chromium} = require('playwright-core');

const [base, evilPage, allowedPage] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  await page.goto(evilPage);
  const attack = await page.evaluate(async (api) => {
    const out = {};
    // The simple request of the finding: no preflight, the page cannot read
    // the answer but the server acted on it.
    await fetch(api + '/v2/repository/models/good/unload',
                {method: 'POST', mode: 'no-cors', headers: {'Content-Type': 'text/plain'}, body: '{}'});
    await fetch(api + '/v2/repository/models/good/unload', {method: 'POST', mode: 'no-cors'});
    try {
      const r = await fetch(api + '/v2/repository/models/good/unload',
                            {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}'});
      out.cors = r.status;
    } catch (e) {
      out.cors = 'blocked';
    }
    return out;
  }, base);
  assert.equal(attack.cors, 'blocked', 'the preflight for a foreign origin must fail');
  const ready = await fetch(base + '/v2/models/good/ready');
  assert.equal(ready.status, 200, 'the model is still loaded after the cross-origin attempts');
  console.log('ok - a page on another origin cannot unload a model');

  await page.goto(allowedPage);
  const read = await page.evaluate(async (api) => {
    const r = await fetch(api + '/v2/models/good');
    return [r.status, (await r.json()).name];
  }, base);
  assert.deepEqual(read, [200, 'good']);
  console.log('ok - an allowed origin reads the API through CORS');
} finally {
  await browser.close();
}
