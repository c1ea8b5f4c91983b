// Drives the strato web console in Debian's headless Chromium (through
// playwright-core) against a running `strato serve --demo`.
// Usage: node console_e2e.mjs BASE_URL [REGISTRY_BASE_URL]
// REGISTRY_BASE_URL: a server started with --registry whose identity_fp32
// deployment has v1 in production and v2 as a 25 % canary.
import assert from 'node:assert/strict';
import {chromium} from 'playwright-core';

const base = process.argv[2];
const registryBase = process.argv[3];
if (!base) {
  console.error('usage: node console_e2e.mjs BASE_URL');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const pageErrors = [];
let failed = false;
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(15000);
  // Chromium logs every non-2xx fetch as a console error; the ones this test
  // provokes on purpose are expected (no registry: GET /v1/deployments is a
  // 404; one deliberately bad infer is a 400). Everything else is a failure.
  const expectedStatus = [[/\/v1\/deployments$/, 404], [/\/v2\/models\/identity_fp32\/infer$/, 400]];
  const isExpected = m => m.text().startsWith('Failed to load resource') &&
    expectedStatus.some(([url, code]) => url.test(m.location().url) && m.text().includes(`status of ${code}`));
  page.on('console', m => {
    if (m.type() === 'error' && !isExpected(m)) pageErrors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', e => pageErrors.push('uncaught: ' + e.message));
  // A poll still in flight when the test reloads the page is aborted by the
  // navigation (net::ERR_ABORTED): not a page error.
  page.on('requestfailed', r => {
    const why = r.failure()?.errorText ?? '';
    if (why.includes('ERR_ABORTED')) return;
    pageErrors.push(`request failed: ${r.url()} ${why}`);
  });

  // GET / lands on the console through the redirect.
  const landing = await page.goto(base + '/');
  assert.equal(new URL(page.url()).pathname, '/console', 'GET / redirects to /console');
  assert.equal(landing.status(), 200);
  assert.equal(await page.title(), 'strato console');
  const redirect = landing.request().redirectedFrom();
  assert.ok(redirect, 'the first response was a redirect');
  assert.equal((await redirect.response()).status(), 302);
  console.log('ok - GET / redirects (302) to /console');

  // Header: the server version from GET /v2.
  await page.waitForFunction(() => /strato \d/.test(document.getElementById('server-version').textContent));
  console.log('ok - header shows', await page.textContent('#server-version'));

  // Models table: the demo models, READY, with their backends.
  for (const [model, backend] of [['identity_fp32', 'identity'], ['xgb_fraud', 'fil']]) {
    const row = page.locator(`#models-table tr[data-model="${model}"]`);
    await row.locator('[data-state="READY"]').waitFor();
    assert.equal(await row.locator('td').nth(3).textContent(), backend, `${model} backend`);
  }
  console.log('ok - models table lists identity_fp32 and xgb_fraud as READY');

  // Traffic tab without --registry: the hint, not an error.
  await page.click('#tabs button[data-tab="traffic"]');
  await page.waitForFunction(() => document.getElementById('traffic-note').textContent.includes('no registry'));
  console.log('ok - traffic tab explains there is no registry');

  // Tensor playground: identity_fp32 echoes its input.
  await page.click('#tabs button[data-tab="playground"]');
  await page.selectOption('#pg-model', 'identity_fp32');
  const template = JSON.parse(await page.inputValue('#pg-request'));
  assert.equal(template.inputs[0].name, 'INPUT0');
  assert.equal(template.inputs[0].datatype, 'FP32');
  assert.deepEqual(template.inputs[0].shape, [1, 1], '-1 dims become 1, plus the batch dimension');
  for (let i = 0; i < 5; ++i) {
    const data = [i, 1.5, -2.25, 1000 + i];
    await page.fill('#pg-request', JSON.stringify(
      {inputs: [{name: 'INPUT0', datatype: 'FP32', shape: [1, 4], data}]}));
    await page.click('#pg-send');
    const cell = page.locator('#pg-outputs td[data-output="OUTPUT0"]');
    await page.waitForFunction(want =>
      document.querySelector('#pg-outputs td[data-output="OUTPUT0"]')?.textContent === want,
    JSON.stringify(data));
    assert.deepEqual(JSON.parse(await cell.textContent()), data);
  }
  assert.match(await page.textContent('#pg-latency'), /ms round trip/);
  console.log('ok - tensor playground: identity_fp32 output equals input (5 requests)');

  // Every tensor model of the demo answers the request pre-filled from its
  // configuration (datatypes, -1 dims, batch dimension), random and zeros.
  const tensorModels = await page.$$eval('#pg-model optgroup[label="Tensor models"] option', os => os.map(o => o.value));
  assert.ok(tensorModels.includes('xgb_fraud') && tensorModels.includes('identity_bytes'), tensorModels.join());
  // The voice assistant takes a recorded audio file (BYTES), which a JSON
  // playground request cannot carry; tests/speech covers it.
  const needsRecording = new Set(['assistant']);
  for (const model of tensorModels.filter(m => !needsRecording.has(m))) {
    await page.selectOption('#pg-model', model);
    for (const fill of ['#pg-random', '#pg-zeros']) {
      await page.click(fill);
      await page.click('#pg-send');
      await page.waitForFunction(() => !document.getElementById('pg-send').disabled &&
        (!document.getElementById('pg-outputs').hidden || !document.getElementById('pg-error').hidden));
      assert.equal(await page.isHidden('#pg-error'), true,
        `${model} ${fill}: ${await page.textContent('#pg-error')}`);
      assert.ok(await page.locator('#pg-outputs tbody tr').count() > 0, `${model}: outputs shown`);
    }
  }
  await page.selectOption('#pg-model', 'identity_fp32');
  console.log('ok - pre-filled requests answered for', tensorModels.join(', '));

  // The routing model's reply is drawn: one polyline per vehicle, and the cost curve.
  if (tensorModels.includes('routing')) {
    await page.selectOption('#pg-model', 'routing');
    await page.click('#pg-send');
    await page.waitForSelector('#pg-routes:not([hidden]) svg[data-chart="routes"] polyline');
    const drawn = await page.locator('#pg-routes svg[data-chart="routes"] polyline').count();
    assert.ok(drawn >= 1, 'at least one route drawn');
    assert.match(await page.textContent('#pg-routes'), /vehicles, cost/);
    await page.selectOption('#pg-model', 'identity_fp32');
    console.log(`ok - routing playground draws ${drawn} routes`);
  }

  // A bad request shows the server's error.
  await page.fill('#pg-request', JSON.stringify({inputs: [{name: 'NOPE', datatype: 'FP32', shape: [1, 1], data: [1]}]}));
  await page.click('#pg-send');
  await page.waitForSelector('#pg-error:not([hidden])');
  const errorText = await page.textContent('#pg-error');
  assert.match(errorText, /^400 .*NOPE/, 'the error names the unknown input');
  console.log('ok - server error shown:', errorText);

  // Live metrics: the rate chart of identity_fp32 draws a line above zero.
  await page.click('#tabs button[data-tab="metrics"]');
  const rateChart = '.chart-card[data-model="identity_fp32"] svg[data-chart="rate"]';
  await page.waitForFunction(sel => {
    const svg = document.querySelector(sel);
    return svg && Number(svg.dataset.max) > 0 && svg.querySelector('path').getAttribute('d').startsWith('M');
  }, rateChart);
  const latencyPath = await page.getAttribute(
    '.chart-card[data-model="identity_fp32"] svg[data-chart="latency"] path', 'd');
  assert.ok(latencyPath.startsWith('M'), 'latency chart has a line');
  console.log('ok - live charts of identity_fp32 show the traffic');

  // Chat playground on the LLM, when the demo has it.
  const hasStories = await page.locator('#pg-model option[value="stories"]').count();
  if (hasStories) {
    await page.click('#tabs button[data-tab="playground"]');
    await page.selectOption('#pg-model', 'stories');
    await page.waitForSelector('#pg-chat:not([hidden])');
    await page.fill('#chat-input', 'Once upon a time');
    await page.fill('#chat-max-tokens', '24');
    await page.click('#chat-send');
    const reply = page.locator('#chat-log .msg.assistant').last();
    await page.waitForFunction(() => {
      const m = [...document.querySelectorAll('#chat-log .msg.assistant')].pop();
      return m && !m.hasAttribute('data-streaming');
    });
    const text = await reply.locator('.text').textContent();
    assert.ok(text.trim().length > 0, 'streamed text appeared');
    assert.match(await reply.locator('.stats').textContent(), /^[1-9]\d* chunks/);
    assert.equal(await page.isHidden('#chat-error'), true, 'no chat error');
    console.log('ok - chat playground streamed:', JSON.stringify(text.slice(0, 60)));
  } else {
    console.log('skip - chat playground: the demo has no stories LLM');
  }

  // The URL fragment names the tab, so a reload stays on it.
  await page.click('#tabs button[data-tab="metrics"]');
  assert.equal(new URL(page.url()).hash, '#metrics');
  await page.reload();
  await page.waitForSelector('#tab-metrics:not([hidden])');
  assert.equal(await page.isHidden('#tab-models'), true);
  console.log('ok - a reload keeps the tab (#metrics)');

  // Traffic split on the server with a registry.
  if (registryBase) {
    await page.goto(registryBase + '/console#models');
    const versions = page.locator('#models-table tr[data-model="identity_fp32"][data-version="2"] td').nth(5);
    await page.waitForFunction(() =>
      document.querySelectorAll('#models-table tr[data-model="identity_fp32"] [data-state="READY"]').length === 2);
    assert.equal(await versions.textContent(), '1, 2', 'both versions listed');
    await page.click('#tabs button[data-tab="traffic"]');
    const row = page.locator('#traffic-table tr[data-model="identity_fp32"]');
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    assert.equal(cells[1], 'v1', 'production');
    assert.equal(cells[2], 'v2', 'canary');
    assert.equal(cells[3], '25.0 %', 'canary weight');
    assert.equal(cells[4], '–', 'no shadow');
    console.log('ok - traffic split: production v1, canary v2 at 25 %');
  }

  assert.deepEqual(pageErrors, [], 'the page logged no errors');
  console.log('ok - no console errors');
} catch (e) {
  failed = true;
  console.error('FAIL:', e.message);
  if (pageErrors.length) console.error('page errors:', pageErrors);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
