import assert from 'node:assert/strict';
import { asksAboutLanguage, composedOf, matchCommand, matchLanguageSwitch } from '../../src/dialogs/commands';
import { commandLexicon } from './lexicon';

const lex = commandLexicon();

describe('commands understood anywhere', () => {
  const cases: [string, string][] = [
    ['人工', 'human'],
    ['转人工', 'human'],
    ['我要转人工', 'human'],
    ['请帮我转人工服务', 'human'],
    ['找律师', 'human'],
    ['我要找律师', 'human'],
    ['能不能找个真人聊聊', 'human'],
    ['talk to a person', 'human'],
    ['重新开始', 'reset'],
    ['重来', 'reset'],
    ['restart', 'reset'],
    ['帮助', 'help'],
    ['help', 'help'],
    ['你能做什么？', 'help'],
    ['返回', 'back'],
    ['上一步', 'back'],
    ['back', 'back'],
    ['菜单', 'menu'],
    ['主菜单！', 'menu'],
    ['你好', 'greeting'],
    ['您好！', 'greeting'],
    ['hello', 'greeting'],
  ];
  for (const [text, cmd] of cases) it(`"${text}" → ${cmd}`, () => assert.equal(matchCommand(text, lex), cmd));

  const questions = ['怎么找律师', '找律师要多少钱', '律师费怎么收', '返回工资怎么算', '人工费谁出', '帮助农民工讨薪的政策', '我想重新开始找工作，原单位不给离职证明', '离婚后孩子归谁', ''];
  for (const q of questions) it(`"${q}" is a question, not a command`, () => assert.equal(matchCommand(q, lex), undefined));
});

describe('language switch', () => {
  const cases: [string, string | undefined][] = [
    ['English', 'en'],
    ['english please', 'en'],
    ['英文', 'en'],
    ['请用英文', 'en'],
    ['Can you speak English?', 'en'],
    ['用英语回答', 'en'],
    ['中文', 'zh-CN'],
    ['Chinese', 'zh-CN'],
    ['说中文', 'zh-CN'],
    ['请用中文', 'zh-CN'],
    ['speak chinese please', 'zh-CN'],
    ['英文合同怎么签', undefined],
    ['中文名字可以改吗', undefined],
    ['my boss did not pay me', undefined],
    ['en', 'en'],
    ['', undefined],
  ];
  for (const [text, want] of cases) it(`"${text}" → ${want ?? 'no switch'}`, () => assert.equal(matchLanguageSwitch(text, lex), want));
  it('asked about in the other script ("你会讲英文吗"), it is a question about the language, not yet a switch', () => {
    for (const t of ['你会讲英文吗', '能用英语不', '可以说英文吗？']) assert.equal(asksAboutLanguage(t, matchLanguageSwitch(t, lex)!, lex), true, t);
    assert.equal(asksAboutLanguage('do you speak chinese?', 'zh-CN', lex), true);
  });
  it('asked for, or asked in the script of the language named, it is a switch', () => {
    for (const t of ['请用英文', '说英语', 'Can you speak English?']) assert.equal(asksAboutLanguage(t, matchLanguageSwitch(t, lex)!, lex), false, t);
    assert.equal(asksAboutLanguage('你会说中文吗', 'zh-CN', lex), false);
  });
});

describe('thanks', () => {
  it('is a command only as the whole message', () => {
    assert.equal(matchCommand('谢谢', lex), 'thanks');
    assert.equal(matchCommand('Thank you!', lex), 'thanks');
    assert.equal(matchCommand('谢谢，那工伤怎么认定', lex), undefined);
  });
});

describe('commands typed in traditional characters', () => {
  const cases: [string, string][] = [
    ['謝謝', 'thanks'],
    ['謝謝謝謝', 'thanks'],
    ['轉人工', 'human'],
    ['我要找律師', 'human'],
    ['重新開始', 'reset'],
    ['幫助', 'help'],
    ['主菜單！', 'menu'],
  ];
  for (const [text, cmd] of cases) it(`"${text}" → ${cmd}, as its simplified form`, () => assert.equal(matchCommand(text, lex), cmd));
  it('a question in traditional characters stays a question', () => {
    assert.equal(matchCommand('怎麼找律師', lex), undefined);
    assert.equal(matchCommand('離婚後孩子歸誰', lex), undefined);
  });
});

describe('courtesies: thanks, acknowledgements, small talk', () => {
  const cases: [string, string][] = [
    ['好的', 'acknowledge'],
    ['嗯嗯嗯', 'acknowledge'],
    ['知道了', 'acknowledge'],
    ['收到', 'acknowledge'],
    ['行吧', 'acknowledge'],
    ['我再想想', 'acknowledge'],
    ['ok', 'acknowledge'],
    ['OK!', 'acknowledge'],
    ['👍', 'acknowledge'],
    ['👍👍👍', 'acknowledge'],
    ['👍🏻', 'acknowledge'],
    ['好的👌', 'acknowledge'],
    ['谢谢谢谢谢谢', 'thanks'],
    ['好的，谢谢', 'thanks'],
    ['谢谢啦你真好', 'thanks'],
    ['知道了，谢谢您', 'thanks'],
    ['🙏', 'thanks'],
    ['哈哈哈', 'smalltalk'],
    ['讲个笑话', 'smalltalk'],
    ['😀', 'smalltalk'],
    ['？？？', 'smalltalk'],
    ['早上好', 'greeting'],
    ['你会干啥', 'help'],
  ];
  for (const [text, cmd] of cases) it(`"${text}" → ${cmd}`, () => assert.equal(matchCommand(text, lex), cmd));

  const questions = ['好的那离婚怎么办', '谢谢，我想问工伤怎么认定', '我知道了但是老板还是不给钱', '可以申请法律援助吗', '好人好事有奖励吗', '笑话我残疾算侮辱吗'];
  for (const q of questions) it(`"${q}" is a question, not a courtesy`, () => assert.equal(matchCommand(q, lex), undefined));

  it('a message made of pieces is the earliest command among them', () => {
    assert.equal(composedOf('明白啦谢谢', lex), 'thanks');
    assert.equal(composedOf('好无聊啊', lex), 'smalltalk');
    assert.equal(composedOf('啊啊', lex), undefined, 'glue alone is nothing');
    assert.equal(composedOf('好的离婚', lex), undefined);
  });
});

describe('closing remarks and who runs the bot', () => {
  it('an acknowledgement followed by what the citizen will do, asking nothing, is an acknowledgement', () => {
    for (const t of ['好 我明天就去问问', '知道了 回头我打电话试试', '行 那我先去找他们谈谈', '那好 俺明天去找村里问问']) assert.equal(matchCommand(t, lex), 'acknowledge', t);
  });
  it('one that asks something, or does not start with an acknowledgement, is left to search', () => {
    for (const t of ['好 那我去哪申请', '好 我自己去申请吗', '我明天就去问问', '好的我想问一下离婚']) assert.equal(matchCommand(t, lex), undefined, t);
  });
  it('going home to talk it over, or a trip to an office, is a plan; "那我" with a plan closes too', () => {
    for (const t of ['行 俺回去跟家里人商量商量', '好的 我回家合计合计', '那我明天去法律援助中心跑一趟', '那俺先回去考虑考虑']) assert.equal(matchCommand(t, lex), 'acknowledge', t);
    for (const t of ['那我去哪里申请', '那我回去以后还要交材料吗', '那我想离婚', '那我要告他', '那我商量好了怎么写协议']) assert.equal(matchCommand(t, lex), undefined, t);
  });
  it('thanks to the people behind the bot are thanks', () => {
    for (const t of ['谢谢 你们辛苦了', '谢谢大家', '你们辛苦了']) assert.equal(matchCommand(t, lex), 'thanks', t);
  });
  it('asking who runs the bot gets the help reply', () => {
    for (const t of ['你们是哪个单位的', '你是司法局的吗', '你们是政府办的吗', '你们靠谱不', '你是官方的吗 可信吗']) assert.equal(matchCommand(t, lex), 'help', t);
    // Whether someone else can be trusted is a question for search.
    for (const t of ['这个律师靠谱吗', '网上找的律师靠谱不', '调解靠谱吗']) assert.equal(matchCommand(t, lex), undefined, t);
    assert.equal(matchCommand('你们能帮我申请法律援助吗', lex), undefined);
  });
  it('asking its name gets the help reply; complaining that it knows nothing is small talk', () => {
    for (const t of ['你叫什么名儿', '怎么称呼你', '你叫啥']) assert.equal(matchCommand(t, lex), 'help', t);
    for (const t of ['你怎么什么都不懂', '你咋这么笨', '你啥也不会']) assert.equal(matchCommand(t, lex), 'smalltalk', t);
    for (const t of ['名字怎么改', '孩子改名字去哪办', '咋办']) assert.equal(matchCommand(t, lex), undefined, t);
  });
});
