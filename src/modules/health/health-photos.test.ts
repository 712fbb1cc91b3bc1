// Phone photos of a QR code (JPEG) in the verifier: the API and the page read them like PNGs, and a
// broken or hostile JPEG is the named failure (qrUnreadable), never a 500.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testApp, type TestApp } from '../../../test/helpers.ts';
import { imageKind, readQrImage } from './dcc/index.ts';
import { qrPhotoJpeg, seedHealthPeople } from './test-fixtures.ts';

function multipart(fields: Record<string, string>, file: { filename: string; type: string; data: Buffer }) {
  const boundary = '----urtuu-photo-boundary';
  const parts: Buffer[] = Object.entries(fields).map(([name, value]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="qr"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.data, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A JPEG header claiming 60000 × 60000 pixels: a decompression bomb if decoded naively. */
function jpegBomb(): Buffer {
  const sof = [0xff, 0xc0, 0x00, 0x11, 0x08, 0xea, 0x60, 0xea, 0x60, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01];
  return Buffer.from([0xff, 0xd8, ...sof, 0xff, 0xd9]);
}

describe('QR photos (JPEG)', () => {
  let app: TestApp;
  let hc1: string;
  let photo: Buffer;

  before(async () => {
    app = await testApp({ seed: false });
    await seedHealthPeople(app);
    hc1 = (await app.as('dev-citizen', { method: 'POST', url: '/api/v1/dcc/certificates', payload: {} })).json<{ hc1: string }>().hc1;
    photo = await qrPhotoJpeg(hc1, { quality: 85 });
  });
  after(async () => app.close());

  it('reads the code in a blurred, noisy photo at quality 85', () => {
    assert.equal(imageKind(photo), 'jpeg');
    assert.equal(readQrImage(photo), hc1);
  });

  it('reads a large photo, shrinking it first', async () => {
    const large = await qrPhotoJpeg(hc1, { width: 3000, height: 2000, quality: 80 });
    assert.equal(readQrImage(large), hc1);
  });

  it('verifies a JPEG posted to the API', async () => {
    const response = await app.as(null, { method: 'POST', url: '/api/v1/dcc/verify', headers: { 'content-type': 'image/jpeg' }, payload: photo });
    assert.equal(response.statusCode, 200, response.body);
    const result = response.json<{ valid: boolean; certificateType: string }>();
    assert.equal(result.valid, true);
    assert.equal(result.certificateType, 'v');
  });

  it('verifies a JPEG uploaded on the page', async () => {
    const response = await app.as(null, { method: 'POST', url: '/en/dcc/verify', ...multipart({ _csrf: app.csrf }, { filename: 'IMG_0001.JPG', type: 'image/jpeg', data: photo }) });
    assert.equal(response.statusCode, 200, response.body.slice(0, 300));
    assert.ok(response.body.includes('The certificate is valid'), response.body.slice(0, 500));
  });

  it('names a corrupt, truncated or hostile JPEG as unreadable, never a 500', async () => {
    const corrupt = Buffer.from(photo);
    for (let at = 600; at < corrupt.length; at += 97) corrupt[at] = corrupt[at]! ^ 0x5a;
    const broken = [
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]),
      photo.subarray(0, Math.floor(photo.length / 3)),
      corrupt,
      jpegBomb(),
      Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(4096, 0xff)]),
    ];
    for (const [index, data] of broken.entries()) {
      assert.doesNotThrow(() => readQrImage(data));
      const api = await app.as(null, { method: 'POST', url: '/api/v1/dcc/verify?lang=en', headers: { 'content-type': 'image/jpeg' }, payload: data });
      // A corrupted photo may still happen to hold a readable code; it then verifies like any other.
      if (api.statusCode === 200) continue;
      assert.equal(api.statusCode, 400, `case ${index}: ${api.body.slice(0, 300)}`);
      assert.match(String(api.headers['content-type']), /^application\/problem\+json/);
      assert.match(api.json<{ detail: string }>().detail, /No QR code could be read/);
      const page = await app.as(null, { method: 'POST', url: '/mn/dcc/verify', ...multipart({ _csrf: app.csrf }, { filename: 'broken.jpg', type: 'image/jpeg', data }) });
      assert.equal(page.statusCode, 400, `case ${index}: ${page.body.slice(0, 300)}`);
      assert.ok(page.body.includes('Зургаас QR код уншиж чадсангүй'));
    }
    // The first cases can hold no code at all.
    for (const data of broken.slice(0, 2).concat(broken.slice(3))) assert.equal(readQrImage(data), undefined);
  });
});
