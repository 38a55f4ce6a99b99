import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, maskPersonalData } from '../src/logger';

describe('personal data in logs', () => {
  it('masks resident ID numbers, mobile and landline numbers and e-mail addresses', () => {
    const text = '我叫张三，身份证320302199001011234，手机 139-1234-5678，座机0516-83851234，邮箱 zs@example.com';
    const masked = maskPersonalData(text);
    assert.doesNotMatch(masked, /199001011234|12345678|83851234|zs@example\.com/);
    assert.match(masked, /320\*{11}34/);
    assert.match(masked, /139\*{4}5678/);
  });

  it('leaves hotline numbers, article numbers and amounts alone', () => {
    const text = '请拨打 12348 或 110，依据第四十三条，7日内，赔偿500元';
    assert.equal(maskPersonalData(text), text);
  });

  it('masks them in structured log records too (message and nested fields)', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    createLogger('info', sink).info({ user: { phone: '13912345678' } }, '用户 13912345678 说 身份证 320302199001011234');
    const out = lines.join('');
    assert.doesNotMatch(out, /13912345678|199001011234/);
  });
});
