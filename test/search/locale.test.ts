import assert from 'node:assert/strict';
import { searchLocale } from '../../src/search/locale';

describe('searchLocale', () => {
  it('searches Chinese text in Chinese whatever the chat language', () => {
    assert.equal(searchLocale('工资', 'en'), 'zh-CN');
    assert.equal(searchLocale('我的 salary 没发', 'en'), 'zh-CN');
  });

  it('searches Latin text in English, in a Chinese chat too', () => {
    assert.equal(searchLocale('unpaid wages', 'zh-CN'), 'en');
  });

  it('leaves text with neither (digits, emoji) to the chat language', () => {
    assert.equal(searchLocale('12348', 'en'), 'en');
    assert.equal(searchLocale('12348', 'zh-CN'), 'zh-CN');
  });
});
