import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { I18n } from '../../kernel/i18n.ts';
import { deviceName, deviceOf } from './devices.ts';
import { identityManifest } from './index.ts';

const i18n = new I18n().add('identity', identityManifest.messages);

describe('deviceName', () => {
  it('names the browser and the system of common phones and computers', () => {
    const en = i18n.translator('en');
    assert.equal(deviceName('Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36', en), 'Chrome on Android');
    assert.equal(deviceName('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', en), 'Safari on iOS');
    assert.equal(deviceName('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0', en), 'Microsoft Edge on Windows');
    assert.equal(deviceName('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36', en), 'Chrome on Linux');
  });

  it('speaks the page’s language, and says so when nothing is known', () => {
    const mn = i18n.translator('mn');
    assert.equal(deviceName('Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36', mn), 'Android дээрх Chrome');
    assert.equal(deviceName(null, mn), 'Тодорхойгүй төхөөрөмж');
    assert.equal(deviceName('', i18n.translator('en')), 'Unknown device');
    assert.deepEqual(deviceOf('TestBrowser/1.0'), {});
  });
});
