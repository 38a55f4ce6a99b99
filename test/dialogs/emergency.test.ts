import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { compileEmergencyRules, detectEmergency, emergencyFileSchema } from '../../src/dialogs/emergency';
import { emergencyRules } from './lexicon';

const rules = emergencyRules();
const detect = (t: string) => detectEmergency(t, rules);

/** Danger now: each must be detected, with the numbers that fit. */
const EMERGENCIES: [string, string[]][] = [
  ['有人拿刀威胁我 快来人', ['110']],
  ['我被人打伤了 他还在外面', ['110', '120']],
  ['家里煤气泄漏了 有人晕倒了', ['110', '120', '119']],
  ['救命', ['110']],
  ['救命啊！！！', ['110']],
  ['他正在打我', ['110']],
  ['我老公在打我', ['110']],
  ['他现在还在打我，我躲在厕所', ['110']],
  ['他要杀了我', ['110']],
  ['他说要杀了我全家', ['110']],
  ['前夫拿着菜刀在门口', ['110']],
  ['有个人拿枪指着我', ['110']],
  ['他掏出一把刀', ['110']],
  ['我不想活了', ['110', '120']],
  ['活不下去了，想自杀', ['110', '120']],
  ['我想跳楼', ['110', '120']],
  ['我刚吃了安眠药', ['110', '120']],
  ['家里着火了', ['110', '119']],
  ['楼下起火了 好多烟', ['110', '119']],
  ['電動車充電冒煙了', ['110', '119']],
  ['闻到很大的煤气味', ['110', '119']],
  ['天然气泄漏了怎么办', ['110', '119']],
  ['我爸突然晕倒了', ['110', '120']],
  ['工友从架子上摔下来了 昏迷不醒', ['110', '120']],
  ['孩子被绑架了', ['110']],
  ['我女儿被人抱走了 孩子被人抱走', ['110']],
  ['有人落水了', ['110', '120']],
  ['救命 我被关起来了', ['110']],
  ['老板把我们关在厂里不让走', ['110']],
  ['綁架', ['110']],
  ['someone is attacking me', ['110']],
  ['he has a knife', ['110']],
  ['I want to kill myself', ['110', '120']],
  ['my house is on fire', ['110', '119']],
  ['there is a gas leak in my kitchen', ['110', '119']],
  ['my father is unconscious', ['110', '120']],
  ['my child was kidnapped', ['110']],
  ['😱救命😱', ['110']],
  ['救\u200b命', ['110']],
];

/** Ordinary legal questions, some mentioning violence or accidents in a legal framing: never an emergency. */
const NOT_EMERGENCIES = [
  '交通事故对方不赔钱怎么办',
  '遭受家庭暴力怎么办',
  '被公司辞退',
  '离婚后孩子归谁',
  '离婚后孩子归谁抚养',
  '家暴受害人申请法律援助要审查经济条件吗',
  '老公打我怎么办',
  '他以前打过我，现在想离婚',
  '被打伤了能索赔多少钱',
  '去年被人打伤，能起诉吗',
  '故意伤害罪判几年',
  '绑架罪判几年',
  '非法持有枪支判几年',
  '邻居家着火烧到我家，怎么索赔',
  '火灾保险怎么理赔',
  '工作时受伤了怎么申请工伤认定',
  '在工地晕倒算工伤吗',
  '丈夫被逼自杀 能索赔吗',
  '如果有人拿刀威胁我，我反击算正当防卫吗',
  '接到诈骗电话怎么办',
  '我的救命钱被骗了',
  '老板欠工资不给',
  '农民工讨薪打什么电话',
  '车祸赔偿项目有哪些',
  '医疗纠纷怎么解决',
  '邻居装修噪音太大怎么办',
  '个人信息泄漏怎么办',
  '被公司无故辞退怎么维权',
  '人身安全保护令怎么申请',
  '孩子在学校被打了，学校要负责吗',
  '想死你了',
  '笑死我了',
  '今天晚上吃什么',
  '我在外面打工，老板不给钱',
  'my boss will fire me if I complain',
  'how do I apply for legal aid',
  'I was injured at work last year, can I claim compensation',
  'what is domestic violence',
  '',
  '😀',
];

describe('emergency detection', () => {
  for (const [text, calls] of EMERGENCIES) {
    it(`danger: "${text}" → ${calls.join('/')}`, () => {
      const r = detect(text);
      assert.ok(r, `not detected: ${text}`);
      assert.equal(r.calls[0], '110', 'the first number named is 110');
      for (const c of calls) assert.ok(r.calls.includes(c), `${text}: expected ${c} in ${r.calls.join(',')}`);
    });
  }
  for (const text of NOT_EMERGENCIES) {
    it(`legal question: "${text}" is not an emergency`, () => {
      const r = detect(text);
      assert.equal(r, undefined, `false alarm on "${text}": ${JSON.stringify(r)}`);
    });
  }

  it('names the categories and matched phrases (for logs)', () => {
    const r = detect('家里煤气泄漏了 有人晕倒了')!;
    assert.deepEqual(r.categories.sort(), ['gas', 'medical']);
    assert.ok(r.matched.length >= 2);
  });

  it('a 10,000-character message is handled quickly and still detects danger stated up front', () => {
    const long = `救命 ${'啊'.repeat(10_000)}`;
    const t0 = process.hrtime.bigint();
    assert.ok(detect(long));
    assert.equal(detect('工资'.repeat(5000)), undefined);
    assert.ok(Number(process.hrtime.bigint() - t0) / 1e6 < 1000);
  });

  it('the signal lists are data: a bad regular expression is an error at compile time', () => {
    const data = emergencyFileSchema.parse(parse(readFileSync(resolve(__dirname, '../../dialogs/lexicon/emergency.yaml'), 'utf8')));
    data.categories[0]!.urgent.push('/(unclosed/');
    assert.throws(() => compileEmergencyRules(data));
  });
});
