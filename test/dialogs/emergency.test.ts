import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { compileEmergencyRules, detectEmergency, emergencyFileSchema, emergencyWords } from '../../src/dialogs/emergency';
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
  ['xiao hai zou diu le 在万达', ['110']],
  ['my roommate just took a whole bottle of pills and she is not waking up', ['110', '120']],
];

/** Ordinary legal questions, some mentioning violence or accidents in a legal framing: never the alarm
 * (a harm word with an unclear time may get the one-line caution before its answer). */
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
  '工资被扣了怎么办',
  '手机被没收了',
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

/** Written for these tests (not taken from any evaluation set): one or more per word class. */
const BY_CLASS: [string, string, string[]][] = [
  ['harm verb apart from its object', '他被几个人按在地上打', ['110']],
  ['quantity between verb and noun', '那人举着一根铁棍站在我家门口', ['110']],
  ['indirect', '我快被他掐死了', ['110']],
  ['weapon', '他手里攥着一把剪刀冲我过来了', ['110']],
  ['injury and bleeding', '我被砍伤了一直流血', ['110', '120']],
  ['break-in', '有人正在撬我家的防盗门', ['110']],
  ['break-in, climbing in', '一个陌生人从窗户翻进来了', ['110']],
  ['smashing things', '他喝醉了在家里砸东西', ['110']],
  ['pursuit', '有辆摩托车一直跟着我', ['110']],
  ['hiding', '有人追我 我躲在厕所里不敢出声', ['110']],
  ['confinement', '他们把我锁在仓库里不让出去', ['110']],
  ['threat about tonight', '他说今晚就来弄死我', ['110']],
  ['self-harm euphemism', '真的撑不下去了 想一了百了', ['110', '120']],
  ['self-harm, pills', '我吞了一整瓶药', ['110', '120']],
  ['self-harm, high place', '我现在坐在天台边上', ['110', '120']],
  ['fire', '隔壁屋里冒出好多黑烟', ['110', '119']],
  ['gas', '厨房里一股煤气味', ['110', '119']],
  ['charcoal', '屋里烧着炭火盆 一家人都头晕', ['110', '119']],
  ['missing child', '我儿子在公园里走丢了', ['110']],
  ['drowning', '有人掉进池塘里了', ['110', '120']],
  ['traffic crash with injured', '路口两辆车撞了 有人躺在地上不动', ['110', '120']],
  ['medical', '我爸突然倒下了 叫不醒', ['110', '120']],
  ['traditional characters', '有人拿著刀在樓下', ['110']],
  ['English', 'a man is following me', ['110']],
  ['input-method slip', '救名 有人在砸门', ['110']],
  ['dialect', '俺娘叫人打得起不来了', ['110']],
];

/** The same harm, once happening now (the alarm) and once in the past or as a hypothesis (no alarm). */
const PAIRS: [now: string, before: string][] = [
  ['他现在还在打我', '他去年打过我，能起诉吗'],
  ['前夫正在踹我家门', '前夫上个月踹坏了我家门，能让他赔吗'],
  ['有人拿刀在门口堵着我', '如果有人拿刀堵我，我还手算正当防卫吗'],
  ['老板把我们关在车间不让走', '以前老板把我们关在车间不让走，工资怎么要'],
  ['孩子刚才还在，现在不见了', '孩子十年前走丢了，能申请宣告失踪吗'],
  ['我妈刚喝了农药', '我哥前年喝农药走了，他的房子怎么继承'],
  ['楼下着火了 烟冲上来了', '邻居家前年着火烧了我家，怎么索赔'],
  ['有人落水了 快来人', '孩子去年在河里溺水，学校有责任吗'],
];

/**
 * 现在/还在/又 tell the time of their own clause and the next one, not of the whole message: the
 * first of each pair gets 110 in the first reply (emergency, or the caution line where past words are
 * there too), the second, past harm with the time of the question, gets its answer only.
 */
const CLAUSE_PAIRS: [now: string, before: string][] = [
  ['他以前就打过我 现在又喝醉了 在砸门', '以前被老公打过好几次 现在分居了 离婚时能多分财产吗'],
  ['孩子昨晚没回家 手机关机 同学也不知道她去哪了', '我女儿十年前走失了，现在户口还在家里，去哪注销'],
  ['去年被他打伤过，现在他拿着刀在楼下', '去年被人打伤了，对方赔了钱，现在住在我妈家'],
];

/** Danger words with an unclear time and a legal question: the caution line, then the answer. */
const CAUTIONS = ['工厂锅炉爆炸 我被炸伤了', '被打伤了能索赔多少钱', '老公喝了酒就打我', '在工地晕倒算工伤吗', '火！！', '我被人打了', '救命啊 砍我那个人判了三年 赔偿一分没给 我咋办'];

/**
 * Gaps found on danger-k's tune half, each closed as a word class or a sentence shape; the sentences
 * here are written for these tests. Each shape once as danger now (110 in the first reply) …
 */
const SHAPES_NOW: [shape: string, text: string, calls: string[]][] = [
  ['撵, "to chase" in Xuzhou speech, with the one chased', '有俩人在后面撵俺 俺快跑不动了', ['110']],
  ['撵 after 一直, an animal chasing', '有条狗一直撵着俺', ['110']],
  ['a tool between 正/在 and the harm verb', '继母正拿扫帚抽他', ['110']],
  ['the sound of harm heard (not "the one who hit")', '楼上又传来皮鞭抽的声音 孩子一直在哭', ['110']],
  ['汽 typed for 气 in a gas word', '厨房里燃汽味很冲', ['110', '119']],
  ['gas in pinyin', 'chu fang you mei qi wei', ['110', '119']],
  ['fainting in pinyin', 'ta yun dao le', ['110', '120']],
  ['a crash and bleeding in pinyin', 'zhuang che le, liu le hen duo xue', ['110', '120']],
  ['afraid to make a spark, near gas', '煤气罐那边 灯都不敢开', ['110', '119']],
  ['a night told as now (半夜 with no hypothesis or past)', '半夜有人撬我家门', ['110']],
  ['过来 of someone coming (not brought round)', '他要过来砍我', ['110']],
  ['a kitchen knife held to harm (菜刀, not 刀切菜)', '他拿着菜刀要砍我', ['110']],
  ['a knife first used in the kitchen, then held against someone now', '他拿刀切菜的时候跟我吵起来了 现在拿着刀冲我过来了', ['110']],
];

/** … and the same words in everyday use or in a question about harm that is over: no 110 line at all. */
const SHAPES_NOT: [shape: string, text: string][] = [
  ['撵 as "drive out"', '房东撵我走 怎么办'],
  ['撵 as "drive out", with 出去', '公司撵我出去 不给工资'],
  ['撵不上: cannot catch up', '他撵不上我'],
  ['a chase last semester', '上学期有人在后头撵我儿子，学校管不管'],
  ['a phone between 在用 and 打', '他在用手机打游戏'],
  ['a sound that is no harm', '他打呼噜的声音太大 能离婚吗'],
  ['harm heard last year', '去年老听见隔壁打孩子的声音 能作证吗'],
  ['mei qian (没钱) in pinyin is no gas', 'wo mei qian le'],
  ['a crash word in pinyin with no one hurt', 'zhuang che le'],
  ['afraid to light the stove with the gas cut off', '停气了 不敢开火'],
  ['a fire that is out (火早灭了)', '邻居家着火烧了我家 火早灭了 他们不赔怎么办'],
  ['poisoning after a stay in hospital (住了半个月院)', '工友煤气中毒 住了半个月院 厂里不给报工伤'],
  ['a threat after the divorce (离婚以后)', '离婚以后他发短信说要杀我 截图能当证据吗'],
  ['harm while the father lived (生前)', '俺爹生前被俺哥打 俺哥还能继承吗'],
  ['brought round (抢救过来): no one is coming', '我爸去年煤气中毒 抢救过来了 能找燃气公司赔吗'],
  ['a night in a hypothesis (假如…半夜)', '假如有人半夜翻墙进来 我打伤了他算正当防卫吗'],
  ['a night in the past (离婚后半夜…过)', '离婚后半夜他砸门闯进来过 现在能申请保护令吗'],
  ['a knife held to cut vegetables', '拿着切菜的刀切菜'],
  ['a kitchen cut at work, asked as a legal question', '在饭店后厨拿刀切菜切伤了手 算工伤吗'],
  ['a knife held to mince meat', '我妈拿着刀剁肉馅'],
];

/** Everyday words some farewells also use: nothing at all, not even the caution line. */
const EVERYDAY = ['那就这样吧 谢谢', '好的 就这样吧', '我爸的存折谁拿着', '房东把门锁换了 我的东西全在里面 今晚住哪都不知道'];

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
    it(`legal question: "${text}" does not get the alarm`, () => {
      const r = detect(text);
      assert.notEqual(r?.level, 'emergency', `false alarm on "${text}": ${JSON.stringify(r)}`);
    });
  }
  for (const [kind, text, calls] of BY_CLASS) {
    it(`${kind}: "${text}" → 110 first${calls.length > 1 ? ` and ${calls.slice(1).join('/')}` : ''}`, () => {
      const r = detect(text);
      assert.equal(r?.level, 'emergency', `${text}: ${JSON.stringify(r)} (words: ${emergencyWords(text, rules).join('/')})`);
      assert.equal(r.calls[0], '110');
      for (const c of calls) assert.ok(r.calls.includes(c), `${text}: expected ${c} in ${r.calls.join(',')}`);
    });
  }
  for (const [now, before] of PAIRS) {
    it(`now "${now}" is an emergency; before "${before}" is a question`, () => {
      assert.equal(detect(now)?.level, 'emergency', JSON.stringify(detect(now)));
      assert.equal(detect(before), undefined, JSON.stringify(detect(before)));
    });
  }
  for (const [now, before] of CLAUSE_PAIRS) {
    it(`110 first for "${now}"; "${before}" is a question`, () => {
      assert.ok(detect(now), `not detected: ${now}`);
      assert.equal(detect(before), undefined, JSON.stringify(detect(before)));
    });
  }
  for (const text of CAUTIONS) {
    it(`unclear time: "${text}" gets the caution (110 line, then its answer)`, () => {
      assert.equal(detect(text)?.level, 'caution', JSON.stringify(detect(text)));
    });
  }

  for (const text of EVERYDAY) {
    it(`everyday words: "${text}" gets no 110 line`, () => {
      assert.equal(detect(text), undefined, JSON.stringify(detect(text)));
    });
  }

  for (const [shape, text, calls] of SHAPES_NOW) {
    it(`${shape}: "${text}" → 110 first${calls.length > 1 ? ` and ${calls.slice(1).join('/')}` : ''}`, () => {
      const r = detect(text);
      assert.equal(r?.level, 'emergency', `${text}: ${JSON.stringify(r)} (words: ${emergencyWords(text, rules).join('/')})`);
      assert.equal(r.calls[0], '110');
      for (const c of calls) assert.ok(r.calls.includes(c), `${text}: expected ${c} in ${r.calls.join(',')}`);
    });
  }
  for (const [shape, text] of SHAPES_NOT) {
    it(`${shape}: "${text}" gets no 110 line`, () => {
      assert.equal(detect(text), undefined, `${JSON.stringify(detect(text))} (words: ${emergencyWords(text, rules).join('/')})`);
    });
  }

  it('segmented words, not characters: 打 in 打工 or 打电话 is no harm verb', () => {
    assert.equal(detect('我在外面打工，老板不给钱'), undefined);
    assert.equal(detect('他一直不接我打电话'), undefined);
    assert.equal(detect('他打我电话一直不停'), undefined);
  });

  it('a word glued from a pronoun or 被/挨 and a class word is read as its parts; 抽烟 and 被子 stay whole', () => {
    assert.deepEqual(emergencyWords('我挨打了', rules).slice(0, 3), ['我', '挨', '打']);
    assert.equal(detect('他说要打我')?.level, 'emergency');
    assert.equal(detect('他正在抽烟'), undefined);
    assert.equal(detect('帮我晒被子'), undefined);
  });

  it('a framing sign with scope: clause counts only in or just before a clause with a danger sign', () => {
    const base = emergencyFileSchema.parse(parse(readFileSync(resolve(__dirname, '../../dialogs/lexicon/emergency.yaml'), 'utf8')));
    const flat = compileEmergencyRules({ ...base, patterns: base.patterns.map((p) => ({ ...p, scope: 'message' as const })) });
    const q = '去年被人打伤了，对方赔了钱，现在住在我妈家';
    assert.equal(detect(q), undefined, JSON.stringify(detect(q)));
    assert.equal(detectEmergency(q, flat)?.level, 'caution', 'the same 现在 counted in the whole message');
    assert.ok(detect('去年被他打伤过，现在他拿着刀在楼下')?.frames.present);
  });

  it('names the categories and matched patterns (for logs)', () => {
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

  it('never throws, whatever it is given', () => {
    for (const t of ['\u0000', '\ud800', '|||', '   ', '🔥'.repeat(300), '救'.repeat(600), 'a'.repeat(3000)]) detectEmergency(t, rules);
    assert.equal(detectEmergency(undefined as unknown as string, rules), undefined);
  });

  describe('the lexicon is data, validated with the field at fault', () => {
    const data = () => parse(readFileSync(resolve(__dirname, '../../dialogs/lexicon/emergency.yaml'), 'utf8'));
    const issues = (d: unknown) => {
      const r = emergencyFileSchema.safeParse(d);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    it('the shipped file is valid and compiles', () => {
      assert.deepEqual(issues(data()), []);
      assert.ok(compileEmergencyRules(emergencyFileSchema.parse(data())).patterns.length > 30);
    });
    it('an unknown class in a pattern is reported at patterns.<n>.seq.<m>', () => {
      const d = data();
      d.patterns[0].seq[0] = 'harm-verbs';
      assert.ok(issues(d).some((i) => /^patterns\.0\.seq\.0: unknown class "harm-verbs"/.test(i)), issues(d).join('\n'));
    });
    it('a bad gap, an unknown category and a pattern with neither category nor frame are errors', () => {
      const d = data();
      d.patterns[0].seq.splice(1, 0, 'gap<6x');
      d.patterns[1].category = 'earthquake';
      delete d.patterns[2].category;
      const found = issues(d).join('\n');
      assert.match(found, /patterns\.0\.seq\.1: "gap<6x" is neither/);
      assert.match(found, /patterns\.1\.category: unknown category "earthquake"/);
      assert.match(found, /patterns\.2: pattern "[a-z-]+" needs exactly one of category or frame/);
    });
    it('scope on a danger pattern and an unknown glue class are errors', () => {
      const d = data();
      d.patterns[0].scope = 'clause';
      d.glue = ['pronouns'];
      const found = issues(d).join('\n');
      assert.match(found, /patterns\.0\.scope: pattern "[a-z-]+": scope belongs to a framing sign/);
      assert.match(found, /glue\.0: unknown class "pronouns"/);
    });
  });
});

/**
 * Broadened word classes, one message each that must now give 110 first (written for the class, not
 * taken from any evaluation set), with the level it gets: emergency, or caution for weak signals.
 */
const BROADENED: [category: string, shape: string, text: string, level: 'emergency' | 'caution'][] = [
  ['threat', 'not walking out alive (横着出去)', '他堵着门说今天让我横着出去', 'emergency'],
  ['threat', 'shooting in northern slang (崩了) with a home-made gun', '那人端着土枪说要崩了俺', 'emergency'],
  ['threat', 'Xuzhou 恁 in a threat', '恁等着 俺这就带人过去', 'emergency'],
  ['threat', 'waiting at the door (楼下等我)', '那几个要债的在我家楼下等我', 'emergency'],
  ['threat', 'bringing people (叫人来), weak alone', '他说要叫人来', 'caution'],
  ['threat', 'selling a child as a threat', '他说再不还钱就把我孩子卖了', 'emergency'],
  ['threat', 'surrounding the house', '一帮人围着我家', 'emergency'],
  ['threat', 'in pinyin', 'ta shuo yao nong si wo', 'emergency'],
  ['threat', 'in English, breaking legs', 'they said they will break my legs', 'emergency'],
  ['kidnapping', 'carried off running (抱着…跑了)', '一个男的抱着俺家小孩跑了', 'emergency'],
  ['kidnapping', 'grabbed into a car (被人抓上车)', '我同事被人抓上车了', 'emergency'],
  ['kidnapping', 'pulled away (被…拉着走了)', '我妹被一个男的拉着走了', 'emergency'],
  ['kidnapping', 'abducted said with 让人 (让人拐了)', '俺妮让人拐了', 'emergency'],
  ['kidnapping', 'put into a car with 把 (把…弄上车)', '他们把我哥弄上车了', 'emergency'],
  ['kidnapping', 'in English, snatched', 'someone snatched my son', 'emergency'],
  ['kidnapping', 'homophone 绑价', '我弟被绑价了', 'emergency'],
  ['missing-child', 'still not home (还不回来)', '孩子天都黑了还不回来', 'emergency'],
  ['missing-child', 'not at school (不在学校)', '老师打电话说孩子不在学校', 'emergency'],
  ['missing-child', 'ran off and gone (跑没了)', '俺小孙子跑没了', 'emergency'],
  ['missing-child', 'Xuzhou names for children (小孩儿, 妮)', '小妮儿找不着了', 'emergency'],
  ['missing-child', 'not seen (没看到孩子)', '一上午都没看到孩子了', 'caution'],
  ['missing-child', 'a search notice (寻人)', '急寻 六岁男孩 蓝衣服', 'emergency'],
  ['missing-child', 'gone out alone, weak', '俺孙子一个人跑出去了', 'caution'],
  ['missing-child', 'in pinyin', 'hai zi bu jian le', 'emergency'],
  ['break-in', 'gone into the home in short words (进我家)', '有个陌生人进我家了', 'emergency'],
  ['break-in', 'someone in a room (卧室里有个人): weak, a room is a sign of now', '卧室里有个人', 'emergency'],
  ['break-in', 'someone inside rummaging (在里面翻东西)', '门开着 有人在里面翻东西', 'emergency'],
  ['break-in', 'over the wall top (爬…墙头)', '有人爬我家墙头', 'emergency'],
  ['break-in', 'a card in the door gap (插门缝)', '有人拿卡片插我家门缝', 'emergency'],
  ['break-in', 'heard someone downstairs (English)', 'i hear someone downstairs', 'emergency'],
  ['traffic', 'lying on the road after a crash (还在地上)', '电动车跟三轮撞了 人还在地上', 'emergency'],
  ['traffic', 'run over (被车压了)', '俺大被拖拉机压了', 'emergency'],
  ['traffic', 'a vehicle ran over someone (把人压底下)', '那辆货车把人压底下了', 'emergency'],
  ['traffic', 'hit with 把 (把人撞了)', '我开车把人撞了 人还有气', 'emergency'],
  ['traffic', 'still in the car (人还在车里)', '撞得很厉害 人还在车里', 'emergency'],
  ['traffic', 'hit and run, weak', '一辆车撞了人就跑了', 'caution'],
  ['gas', 'gas left on (开着煤气)', '开着煤气就睡着了', 'caution'],
  ['gas', 'a dug-up pipe (挖断)', '燃气管子叫人挖断了', 'emergency'],
  ['gas', 'a meter running (燃气表嗡嗡转)', '燃气表嗡嗡地转 家里没人用气', 'emergency'],
  ['gas', 'rotten eggs (English)', 'it smells like rotten eggs in the kitchen', 'emergency'],
  ['pursuit', 'the follower mirrors every move (走哪跟哪)', '我走哪他跟哪', 'emergency'],
  ['pursuit', 'someone unnamed following (有人跟着), weak', '我下班有人跟着', 'caution'],
  ['pursuit', 'a car behind (有辆车…跟我)', '有辆车一直在后面跟我', 'emergency'],
  ['drowning', 'a cesspit (粪池)', '娃掉粪池里了', 'emergency'],
  ['drowning', 'thrown into water with 把', '他把孩子推河里了', 'emergency'],
  ['drowning', 'went in to save and did not come up', '他下去救人也没上来', 'emergency'],
  ['drowning', 'flood round a car (被水淹 人在车里)', '车被水淹了 人在车里', 'emergency'],
  ['drowning', 'someone in the river, weak', '有人在河里 好像不会游泳', 'caution'],
  ['gas', 'a detector beeping (报警器滴滴响)', '燃气报警器一直滴滴响', 'emergency'],
  ['gas', 'a gnawed hose (软管被老鼠咬破)', '厨房煤气软管被老鼠咬破了', 'emergency'],
  ['gas', 'a stove and a red face (煤炉, 脸通红)', '俺奶屋里生着煤炉子 脸通红叫不应', 'emergency'],
  ['gas', 'traditional 瓦斯', '廚房瓦斯一直有味道', 'emergency'],
  ['gas', 'in pinyin (lou qi le), weak alone', 'chu fang lou qi le', 'caution'],
  ['traffic', 'knocked down in dialect (叫…蹭倒) and cannot walk', '俺娘叫电动车蹭倒了 不能走', 'emergency'],
  ['traffic', 'upside down with someone inside', '小车翻了个底朝天 里面还有人', 'emergency'],
  ['threat', 'cutting off a hand (剁手)', '他们说明天不还钱就剁手', 'emergency'],
  ['threat', 'not letting me be (不让我好过)', '他在门口说不让我好过', 'emergency'],
  ['break-in', 'told to open the door (逼我开门), weak', '有人在外面逼我开门', 'emergency'],
  ['break-in', 'a home turned over: weak, in the room now', '回家一看屋里被翻得乱七八糟', 'emergency'],
  ['kidnapping', 'a scam compound abroad (缅北)', '我表哥在缅北 刚发消息说出不来', 'emergency'],
  ['kidnapping', 'drugged and taken (被迷晕)', '我妹被人迷晕了带走', 'emergency'],
  ['kidnapping', 'led away by the hand (领着…走了)', '俺小孙子被一个女的领着走了', 'emergency'],
  ['missing-child', 'a watch phone not answering', '孩子到现在没回来 电话手表打不通', 'emergency'],
  ['pursuit', 'cannot shake him off (甩不掉)', '那个男的我怎么也甩不掉', 'emergency'],
  ['pursuit', 'someone behind (后头跟着个人), weak', '我后头跟着个人', 'caution'],
  ['drowning', 'sinking to the bottom (沉底)', '泳池里有个小孩沉底了', 'emergency'],
  ['drowning', 'still in the water (水里…一动不动)', '水库边上 水里有个人一动不动', 'emergency'],
  ['violence', 'a household thing used to beat (拿衣架抽)', '后妈正拿衣架抽我弟', 'emergency'],
  ['violence', 'a cigarette end (用烟头烫)', '他用烟头烫孩子', 'emergency'],
  ['missing-child', 'still not found after the call to the police', '孩子丢了 已经报警了 还没找到', 'caution'],
  ['threat', 'dying together (说要一起死)', '他把门反锁了 说要跟我一起死', 'emergency'],
  ['medical', 'someone under a fallen crane (压着人)', '塔吊倒了 压着人了', 'emergency'],
  ['violence', 'groped on a bus, weak', '公交车上有个男的一直摸我', 'caution'],
  ['violence', 'a bad man about (有个变态), weak', '楼道里有个变态', 'emergency'],
  ['violence', 'a cry of robbery (有人抢劫)', '有人抢劫', 'emergency'],
  ['traffic', 'a crash told as just happened (撞车了), weak', '撞车了', 'caution'],
  ['break-in', 'someone in my home (有人在我家), weak', '有人在我家', 'caution'],
  ['threat', 'blocking the door (堵在门口), in the clause of the place', '他带人来了 堵在门口', 'emergency'],
  ['missing-child', 'a moment in Xuzhou speech (一霎)', '俺孙子搁门口玩 一霎就不见了', 'emergency'],
  ['weapon', 'a box cutter (美工刀)', '他手里拿着美工刀', 'emergency'],
  ['weapon', 'sharpening a knife (在磨刀)', '他喝醉了在厨房磨刀', 'emergency'],
  ['fire', 'the old word 走水了 and thick smoke', '走水了 楼道里烟很大', 'emergency'],
  ['self-harm', 'death said in dialect (死了拉倒)', '活着没劲 死了拉倒', 'emergency'],
  ['confinement', 'stuck in a lift, weak', '困在电梯里了 现在出不来', 'emergency'],
  ['threat', 'coming later to do it (说明天就来弄我)', '那个放贷的说明天就来弄我', 'emergency'],
  ['threat', 'do not let me run into you (别让我碰见), weak', '他发消息说出门别让我碰见', 'caution'],
  ['kidnapping', 'forced into a car (被逼着上了车)', '我闺女被逼着上了车', 'emergency'],
  ['gas', 'struck by fumes in Xuzhou speech (熏着了)', '俺奶叫煤气熏着了', 'emergency'],
  ['missing-child', 'on the wrong bus (坐错车)', '孩子一个人坐错车了 联系不上', 'emergency'],
  ['break-in', 'a car window and someone stealing, weak', '有人在楼下偷电瓶', 'emergency'],
  ['confinement', 'an old man shut in a pen (关在羊圈)', '俺大伯把俺爷爷关在羊圈里', 'emergency'],
];

/** The same words in everyday use, a past story or a legal question: never the alarm. */
const BROADENED_NOT: [shape: string, text: string][] = [
  ['a child\'s papers lost (户口丢了)', '孩子户口丢了怎么补'],
  ['a licence lost', '驾照丢了'],
  ['a child lost last year', '去年孩子走丢过 后来找回来了'],
  ['a crash into a rail: no one hurt', '车撞了护栏保险怎么赔'],
  ['a threat to sue', '他威胁要起诉我'],
  ['a car towed', '车被拖走了'],
  ['no one hurt in the crash', '我的车被人撞了 停在路边 没人受伤'],
  ['not home for the holidays', '闺女上大学没回家过年'],
  ['something that happens often at the gate', '小区门口老有人发传单'],
  ['a school record lost', '孩子的学籍丢了'],
  ['someone brought to see a flat', '中介说要带人来看房'],
  ['a home-made gun asked about', '家里有把土枪 算不算违法'],
  ['a flood that damaged a house', '房子被淹了 保险能赔吗'],
  ['a hit and run told with a question', '车祸对方司机跑了 监控拍到了车牌 怎么找他'],
  ['a child out playing last summer', '去年暑假孩子一个人跑出去玩 被车撞了 对方不赔'],
  ['waiting at the office last week', '上周他在我单位楼下等我 这算骚扰吗'],
  ['a follower in the past', '以前有人跟着我回家 现在搬家了'],
  ['a gas detector asked about', '燃气报警器一般多少钱 物业让装'],
  ['housework with a broom', '我妈拿扫帚扫地'],
  ['a beating with a hanger long ago', '小时候我爸拿衣架打过我 现在他老了不管他违法吗'],
  ['a compound abroad in the past', '前年被骗到缅北 回来了 钱能要回来吗'],
  ['a watch phone bought', '电话手表打不通 售后怎么说'],
  ['a crash into a tree last month, asked as insurance', '上个月车撞树上了 保险怎么赔'],
  ['a crash asked about as a work injury', '上下班路上出车祸受伤算不算工伤'],
  ['a crash while in hospital, asked about costs', '现在还在住院 三个月前出的车祸 对方只赔一部分 剩下的咋要'],
  ['a robbery case months ago', '被人持刀抢劫的案子过去半年了 警察一直没消息 能去检察院反映吗'],
  ['harassment photos taken down', '有人偷拍我 照片现在删了 还能告他侵权吗'],
  ['a trafficker already caught', '拐卖儿童判几年 俺村有个人贩子被抓了'],
  ['a call that does not get through (一直打不通) is no blow', '热力公司电话一直打不通 老人都冻感冒了 能找谁投诉'],
  ['a knife sharpened for cooking, asked about', '磨刀石在哪里买'],
  ['a lift stuck last month, asked about', '上个月电梯困人了 物业该不该赔'],
  ['fumes last winter, asked about', '去年冬天俺爹叫煤气熏着了 燃气公司该赔吗'],
  ['a bike stolen, asked about', '电动车被偷了 物业管不管'],
];

describe('emergency detection: broadened classes', () => {
  for (const [category, shape, text, level] of BROADENED) {
    it(`${category}, ${shape}: "${text}" → ${level} (110 first)`, () => {
      const r = detect(text);
      assert.equal(r?.level, level, `${text}: ${JSON.stringify(r)} (words: ${emergencyWords(text, rules).join('/')})`);
      assert.equal(r.calls[0], '110');
    });
  }
  for (const [shape, text] of BROADENED_NOT) {
    it(`${shape}: "${text}" does not get the alarm`, () => {
      const r = detect(text);
      assert.notEqual(r?.level, 'emergency', `false alarm on "${text}": ${JSON.stringify(r)}`);
    });
  }
});

/**
 * Danger told without its obvious word (no 救命, 打, 刀): the blow counted or aimed at the body, a
 * person pinned down or something forced down the throat, a door left ajar and noise inside, things
 * carried out of a home or seen on its camera, a follower still there after one turns, a door locked
 * from outside, a goodbye with a high place or silence, a wound that does not stop or is on the wrist,
 * fewer children back from the water than went in, pinyin typed without spaces. Our own messages, not
 * the evaluation sets'.
 */
const INDIRECT: [category: string, shape: string, text: string, level: 'emergency' | 'caution'][] = [
  ['violence', 'a blow aimed at the head (朝…脸上砸)', '他喝多了 拳头朝我脸上砸', 'emergency'],
  ['violence', 'blows counted (一巴掌扇过来)', '他一巴掌扇过来 我耳朵嗡嗡的', 'emergency'],
  ['violence', 'pinned down (摁住我)', '他骑在身上摁住我 我喘不上气', 'emergency'],
  ['violence', 'poured down the throat (往…嘴里灌)', '后妈往孩子嘴里硬灌辣椒水', 'emergency'],
  ['violence', 'stuffed into my mouth (往我嘴里硬塞)', '他按着我往我嘴里硬塞东西', 'emergency'],
  ['violence', 'an attack in pinyin (zai da wo)', 'ta zai da wo', 'emergency'],
  ['break-in', 'a door ajar and noise inside (虚掩, 有动静)', '门虚掩着 屋里有动静', 'emergency'],
  ['break-in', 'things carried out now (正在往外搬)', '有两个人正在往外搬东西 我家没人', 'emergency'],
  ['break-in', 'seen on the home camera carrying things, weak', '看家里监控 有个人往外扛东西', 'caution'],
  ['pursuit', 'still there after I turned (换了条路他还在)', '有辆电动车一直在后面 我换了条路他还在', 'emergency'],
  ['pursuit', 'someone always behind (一直在后面: 一直在 says now)', '有个男的一直在后面', 'emergency'],
  ['pursuit', 'someone always behind, weak without a sign of now', '有个男的老是在后面', 'caution'],
  ['confinement', 'a door locked from outside (从外面锁死)', '包工头把我们关进板房 门从外面锁死了', 'emergency'],
  ['self-harm', 'a goodbye and a bridge (拜拜 … 大桥)', '女儿发了条朋友圈 拜拜了 配了张大桥的照片 电话没人接', 'emergency'],
  ['self-harm', 'a goodbye then silence (再见 … 关机)', '她刚发了句再见 然后就关机了', 'emergency'],
  ['self-harm', 'on a rooftop and not answering, weak', '他站在天台上 打电话不接', 'caution'],
  ['self-harm', 'cuts on the wrist (手腕上好几道口子)', '手腕上好几道口子', 'emergency'],
  ['medical', 'a wound that will not stop (伤口一直往外冒)', '胳膊上的伤口一直往外冒', 'emergency'],
  ['drowning', 'fewer came up from the water (上来的差一个)', '几个人下水游泳 上来的差一个', 'emergency'],
  ['missing-child', 'fewer came back, weak (回来少了一个)', '三个孩子去河边玩 回来少了一个', 'caution'],
  ['missing-child', 'pinyin without spaces (xiaohai bujianle)', 'xiaohai bujianle', 'emergency'],
  ['weapon', 'a weapon named by its use (拎着砍柴的那个)', '他拎着砍柴的那个在院里骂', 'emergency'],
  ['medical', 'no answer and not moving (喊不答应, 身子也不动)', '俺爹躺在床上喊不答应 身子也不动', 'emergency'],
  ['self-harm', 'pills got out and counted (抠出来 … 数了数)', '她把一板药都抠出来了 数了数有三十多片', 'emergency'],
  ['self-harm', 'pills being counted now (一直在数药片)', '他一直在数药片', 'emergency'],
  ['fire', 'smoke coming up (冒出来一股…烟)', '楼道里冒出来一股呛人的烟', 'emergency'],
  ['fire', 'a burnt smell getting stronger (焦味, 越来越呛)', '屋里一股焦味 越来越呛', 'emergency'],
  ['self-harm', 'hanging out over the edge (腿都悬在外面)', '有个人站在楼顶边边上 腿都悬在外面', 'emergency'],
  ['medical', 'something red seeping under a door (门缝底下往外渗红的)', '卫生间门缝底下往外渗红的', 'emergency'],
];

const INDIRECT_NOT: [shape: string, text: string][] = [
  ['a blow aimed long ago', '小时候我爸往我头上砸过酒瓶子'],
  ['a blow last year, asked as a lawsuit', '去年他一巴掌扇过来 把我耳膜打穿了 能告他吗'],
  ['a hand held to sign (按着我的手)', '按着我的手让我签字 合同有效吗'],
  ['a parent feeding a child medicine', '给孩子喂药 他不肯吃 往嘴里硬塞怎么办'],
  ['a door found ajar after a theft, asked', '回家发现门虚掩着 东西被偷了 能报案吗'],
  ['an ex-wife moving things out, asked as law', '前妻正在往外搬东西 这算转移财产吗'],
  ['a broken estate camera', '小区监控坏了 物业不修'],
  ['turns taken on the way to a law office', '我拐了好几个弯才找到律所'],
  ['locked in last year, asked as a lawsuit', '去年被老板锁在仓库里 门从外面锁上了 能告吗'],
  ['a debtor who said goodbye and does not answer', '他说了声再见就走了 欠的钱打电话不接'],
  ['a leaking roof and a property office that does not answer', '楼顶漏水 物业打电话不接'],
  ['a cut on the wrist long ago, asked as a work injury', '以前手腕上划了道口子 缝了五针 算工伤吗'],
  ['wages short by a month', '公司这个月工资少了一个月'],
  ['children drowned last month, asked who is liable', '上个月几个小孩下河洗澡 上来的少了一个 村里该担责吗'],
  ['a bag lost on a school trip', '孩子们去春游 回来少了一个书包'],
  ['pills got out for a dose (倒出来)', '药片倒出来了 一天吃几片'],
  ['a weapon by its use in a past case', '去年他拿着杀猪的家伙追我 判了吗'],
  ['refusing a divorce (不答应)', '妈妈叫我喊爸爸 他不答应离婚'],
  ['red water from a tap, a property complaint', '水龙头往外流红色的水 物业不管'],
  ['a radiator seeping water', '暖气片往外渗水'],
  ['a restaurant gas explosion told with a contract question', '饭店厨房煤气罐炸了 我被烧伤 老板说没签合同不算工伤'],
];

describe('emergency detection: danger told without its obvious word', () => {
  for (const [category, shape, text, level] of INDIRECT) {
    it(`${category}, ${shape}: "${text}" → ${level} (110 first)`, () => {
      const r = detect(text);
      assert.equal(r?.level, level, `${text}: ${JSON.stringify(r)} (words: ${emergencyWords(text, rules).join('/')})`);
      assert.equal(r.calls[0], '110');
      // The self-harm category is what brings 12356 into the reply (verified_lines).
      assert.ok(r.categories.includes(category), `${text}: categories ${r.categories.join(', ')}`);
    });
  }
  for (const [shape, text] of INDIRECT_NOT) {
    it(`${shape}: "${text}" does not get the alarm`, () => {
      const r = detect(text);
      assert.notEqual(r?.level, 'emergency', `false alarm on "${text}": ${JSON.stringify(r)}`);
    });
  }
});
