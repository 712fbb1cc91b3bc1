// The verifier's camera scanning in a real browser: Chromium's fake camera plays a Y4M video of an
// issued certificate's QR code; the page's script (jsQR from our own assets, as Chromium on Linux
// has no BarcodeDetector) reads it, fills the form and sends it. Without JavaScript there is no
// camera button and the form still works. axe-core on each state.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { CITIZEN, qrPixels, seedHealthPeople } from '../../src/modules/health/test-fixtures.ts';
import { testApp, type TestApp } from '../helpers.ts';
import { CHROMIUM, browserSkipReason, journeyChecks } from './browser.ts';

const skip = browserSkipReason();

/**
 * A Y4M video (a text header, then raw 4:2:0 frames) of the QR code on a light background:
 * every frame the same, grey only (chroma 128), as a printed code held still before a camera.
 */
async function qrVideo(text: string, file: string, size = { width: 640, height: 480 }, frames = 10): Promise<void> {
  const code = await qrPixels(text, 4);
  const { width, height } = size;
  assert.ok(code.width <= width && code.height <= height, `the code (${code.width}px) fits the frame`);
  const luma = Buffer.alloc(width * height, 200);
  const left = Math.floor((width - code.width) / 2);
  const top = Math.floor((height - code.height) / 2);
  for (let y = 0; y < code.height; y += 1) {
    for (let x = 0; x < code.width; x += 1) {
      // Studio range: black is 16, white 235.
      luma[(top + y) * width + left + x] = code.data[(y * code.width + x) * 4]! > 127 ? 235 : 16;
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  await writeFile(file, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}

describe('DCC verifier: scanning with the camera', { skip }, () => {
  let app: TestApp;
  let browser: Browser;
  let base: string;
  let folder: string;
  let hc1: string;
  const checks = journeyChecks(() => browser);

  before(async () => {
    app = await testApp({ seed: false });
    await seedHealthPeople(app);
    hc1 = (await app.health.issueVaccination(CITIZEN, null)).hc1;
    folder = await mkdtemp(path.join(tmpdir(), 'urtuu-camera-'));
    const video = path.join(folder, 'qr.y4m');
    await qrVideo(hc1, video);
    await app.server.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM!,
      args: [
        '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`,
      ],
    });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('reads the QR code from the camera, fills the form and shows the result (mn and en)', async () => {
    const context = await checks.context(true);
    await context.grantPermissions(['camera'], { origin: base });
    const page = await context.newPage();
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(base) && !request.url().startsWith('data:') && !request.url().startsWith('blob:')) outside.push(request.url());
    });
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });

    await page.goto(`${base}/mn/dcc/verify`);
    const start = page.getByRole('button', { name: 'Камераар уншуулах' });
    await start.waitFor();
    await checks.accessible(page, 'verifier with the camera button (mn)');
    const jsQr = page.waitForResponse((response) => response.url().endsWith('/assets/health/jsqr.js'));
    await start.click();
    assert.equal((await jsQr).status(), 200);
    await page.waitForSelector('.govuk-panel', { timeout: 20_000 });
    assert.match((await page.textContent('.govuk-panel')) ?? '', /Гэрчилгээ хүчинтэй байна/);
    assert.ok(page.url().endsWith('/mn/dcc/verify'));
    await checks.accessible(page, 'valid result after scanning (mn)');

    // Cancelling stops the camera: the video has no stream and its tracks are ended.
    await page.goto(`${base}/en/dcc/verify`);
    await page.evaluate(`(() => {
      const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = async (constraints) => { const stream = await original(constraints); window.__dccStream = stream; return stream; };
    })()`);
    // The reader arrives late, so that the person can stop the camera before anything is read.
    await page.route('**/assets/health/jsqr.js', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await route.continue();
    });
    await page.getByRole('button', { name: 'Scan with camera' }).click();
    const stop = page.getByRole('button', { name: 'Stop the camera' });
    await stop.waitFor();
    await stop.click();
    await page.waitForFunction('document.getElementById("dcc-camera-status").textContent === "The camera is off."');
    const ended = await page.evaluate('window.__dccStream ? window.__dccStream.getTracks().every((track) => track.readyState === "ended") : null');
    assert.equal(ended, true, 'every camera track is stopped');
    assert.equal(await page.isVisible('#dcc-camera-video'), false);
    await checks.accessible(page, 'verifier after cancelling the camera (en)');
    await page.unroute('**/assets/health/jsqr.js');

    // A camera that cannot be opened (refused, or in use) is said so, and the form stays as it was.
    await page.evaluate(`(() => {
      window.__dccGetUserMedia = navigator.mediaDevices.getUserMedia;
      navigator.mediaDevices.getUserMedia = async () => { throw new DOMException('refused', 'NotAllowedError'); };
    })()`);
    await page.getByRole('button', { name: 'Scan with camera' }).click();
    await page.waitForFunction('document.getElementById("dcc-camera-status").textContent.startsWith("The camera could not be opened")');
    assert.equal(await page.isVisible('#dcc-camera-start'), true);
    await page.evaluate('navigator.mediaDevices.getUserMedia = window.__dccGetUserMedia');

    // Scanning again in English goes through to the result.
    await page.getByRole('button', { name: 'Scan with camera' }).click();
    await page.waitForSelector('.govuk-panel', { timeout: 20_000 });
    assert.match((await page.textContent('.govuk-panel')) ?? '', /The certificate is valid/);

    assert.deepEqual(outside, [], 'nothing is loaded from another origin');
    assert.deepEqual(violations, [], 'no Content-Security-Policy violation');
    await context.close();
  });

  it('has no camera button without JavaScript, and the form still works', async () => {
    const context = await checks.context(false);
    const page = await context.newPage();
    await page.goto(`${base}/en/dcc/verify`);
    assert.equal(await page.isVisible('#dcc-camera-start'), false);
    await checks.accessible(page, 'verifier without JavaScript (en)');
    await page.fill('#hc1', hc1);
    await page.getByRole('button', { name: 'Check certificate' }).click();
    await page.waitForSelector('.govuk-panel');
    assert.match((await page.textContent('.govuk-panel')) ?? '', /The certificate is valid/);
    await context.close();
  });
});
