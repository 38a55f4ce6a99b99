import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { MenuFileError } from '../../../src/channels/wechat/errors';
import { clickMessages, loadMenuFile, toWeChatPayload, validateMenu } from '../../../src/channels/wechat/menu';

const MENU_FILE = resolve(__dirname, '../../../wechat/menu.yaml');

const problemsOf = (data: unknown, env = {}): string[] => {
  try {
    validateMenu(data, 'menu.yaml', env);
    return [];
  } catch (e) {
    assert.ok(e instanceof MenuFileError);
    return e.problems;
  }
};

describe('wechat menu file', () => {
  it('the project menu is valid and maps FLOW_LEGAL_AID to the legal-aid pre-check', () => {
    const menu = loadMenuFile(MENU_FILE, { publicBaseUrl: 'https://bot.example.org' });
    assert.equal(clickMessages(menu).get('FLOW_LEGAL_AID'), '法律援助预审');
    const payload = JSON.stringify(toWeChatPayload(menu));
    assert.doesNotMatch(payload, /"message"/, 'our message field is not sent to WeChat');
    assert.match(payload, /https:\/\/bot\.example\.org/);
  });

  it('enforces WeChat limits and reports every problem at once', () => {
    const leaf = (i: number) => ({ type: 'click', name: `按钮${i}`, key: `K${i}`, message: `m${i}` });
    const problems = problemsOf({
      button: [
        { name: '这是一个超过十六字节的名字', sub_button: [leaf(1), leaf(2), leaf(3), leaf(4), leaf(5), leaf(6)] },
        { type: 'click', name: 'ok', key: 'K1', message: 'dup key' },
        { type: 'view', name: 'web', url: 'javascript:alert(1)' },
        { type: 'click', name: 'x', key: 'K9' },
      ],
    });
    const text = problems.join('\n');
    assert.match(text, /1 to 3 top-level buttons \(got 4\)/);
    assert.match(text, /button\[0\]\.name: .* bytes; WeChat allows 16/);
    assert.match(text, /1 to 5 sub-buttons \(got 6\)/);
    assert.match(text, /button\[2\]\.url: must be an http\(s\) URL/);
    assert.match(text, /button\[3\]\.message: required/);
    assert.equal(problemsOf({ button: [leaf(1), { ...leaf(2), key: 'K1' }] }).join(), 'button[1].key: "K1" is used twice');
    assert.match(problemsOf({ button: [{ type: 'click', name: 'a'.repeat(17), key: 'K', message: 'm' }] }).join(), /17 bytes/);
    assert.deepEqual(problemsOf({ button: [{ name: '菜单', sub_button: [{ type: 'click', name: '二'.repeat(20), key: 'K', message: 'm' }] }] }), []);
    assert.match(problemsOf({ button: [{ name: '菜单', sub_button: [{ type: 'click', name: '二'.repeat(21), key: 'K', message: 'm' }] }] }).join(), /63 bytes; WeChat allows 60/);
    assert.match(problemsOf({ button: [{ type: 'view', name: 'w', url: '${PUBLIC_BASE_URL}/' }] }).join(), /PUBLIC_BASE_URL is not set/);
    assert.match(problemsOf({ button: [{ type: 'miniprogram', name: 'w' }] }).join(), /must be "click" or "view"/);
    assert.throws(() => validateMenu({ menu: [] }, 'm.yaml'), MenuFileError);
    assert.throws(() => loadMenuFile('/nonexistent/menu.yaml'), MenuFileError);
  });
});
