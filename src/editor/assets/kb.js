// The editors' pages: the test pane, the entry form with its phone preview, check and publish,
// history and revert, the unanswered list's actions, synonyms and concepts. All through
// /staff/api/kb (common.js: with the CSRF token; text from the server goes in with textContent only).
(function () {
  'use strict';
  var C = window.StaffConsole;
  var page = C.page;
  var el = C.el;
  var clear = C.clear;
  var REASON = { strong: '有把握：直接回答第一条', topic: '主题清楚，条目不确定：请市民在本主题里选', weak: '不够有把握：列出几条让市民选', ambiguous: '两个主题差不多：列出让市民选', 'no-match': '没有相近的条目：请市民换个说法', empty: '没有可搜索的词' };
  var KIND = { question: '原来能找到自己条目的问题，改后找不到了', 'new-question': '新加的问题找不到它的条目', golden: '标注集的问题找不到它的条目', emergency: '紧急情况不再被识别（需要管理员才能发布）', 'past-harm': '过去的伤害被当成正在发生的危险' };

  function $(id) { return document.getElementById(id); }

  // The editors' API; every answer resolves, with its HTTP status in httpStatus (showOutcome reads it).
  function api(method, path, body) {
    return C.request(method, '/staff/api/kb' + path, body).then(function (r) {
      r.data.httpStatus = r.status;
      return r.data;
    });
  }

  // The outcome of a check or publish: problems (422), what would break (409), or passed/published.
  function showOutcome(box, d) {
    clear(box);
    if (d.httpStatus === 422) {
      box.appendChild(el('p', '有 ' + d.issues.length + ' 个问题，没有保存：', 'bad'));
      var ul = box.appendChild(el('ul'));
      d.issues.forEach(function (i) { ul.appendChild(el('li', i.file + (i.field ? ' [' + i.field + ']' : '') + '：' + i.message)); });
      return false;
    }
    var rep = d.report;
    if (d.httpStatus === 409 || (rep && rep.breaks.length)) {
      box.appendChild(el('p', d.httpStatus === 409 ? '回归检查：这个改动会影响 ' + rep.breaks.length + ' 处，没有发布' : '已确认发布，影响 ' + rep.breaks.length + ' 处', 'bad'));
      var list = box.appendChild(el('ul'));
      rep.breaks.forEach(function (b) { list.appendChild(el('li', (KIND[b.kind] || b.kind) + '：' + b.q + (b.entry ? '（应找到 ' + b.entry + '，改后 ' + (b.after || '没有') + '）' : ''))); });
      if (d.httpStatus === 409) return false;
    }
    if (d.httpStatus === 200 || d.httpStatus === 201) {
      var c = rep.checked;
      box.appendChild(el('p', '回归检查通过：' + c.questions + ' 个条目问题、' + c.golden + ' 个标注问题、' + c.emergencies + ' 个紧急情况、' + c.pastHarm + ' 个过去伤害（' + rep.ms + ' 毫秒）', 'ok check-pass'));
      if (d.published) box.appendChild(el('p', '已发布：' + d.entries + ' 个条目，新索引已换上（共 ' + d.timings.totalMs + ' 毫秒）' + (d.commit ? '，提交 ' + d.commit.slice(0, 10) : ''), 'ok published'));
      return true;
    }
    box.appendChild(el('p', (d.error && d.error.message) || ('HTTP ' + d.httpStatus), 'bad'));
    return false;
  }

  function bubbles(box, texts) {
    clear(box);
    texts.forEach(function (t) {
      var b = box.appendChild(el('div', t.text !== undefined ? t.text : t, 'bubble'));
      if (t.buttons && t.buttons.length) {
        var s = b.appendChild(el('div', null, 'btns'));
        t.buttons.forEach(function (x) { s.appendChild(el('span', x)); });
      }
    });
  }

  // ---- home: the test pane ----
  if (page === 'kb-home') {
    var last;
    $('try-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var q = $('try-q').value.trim();
      if (!q) return;
      api('POST', '/try', { q: q }).then(function (d) {
        last = d;
        $('try-out').hidden = false;
        var v = d.verdict;
        $('try-verdict').textContent = (v.confident ? '会回答' : '不会直接回答') + '：' + (REASON[v.reason] || v.reason) + (v.probability !== null ? '（把握 ' + v.probability + '，门槛 ' + v.threshold + '）' : '');
        $('try-verdict').className = v.confident ? 'ok' : 'bad';
        $('try-emergency').textContent = d.emergency ? '紧急识别：' + (d.emergency.level === 'emergency' ? '紧急，先给 110' : '提醒 110') + '；信号 ' + d.emergency.matched.join('，') : '紧急识别：没有危险信号';
        $('try-words').textContent = d.analysis.words.join(' / ') || '（无）';
        $('try-concepts').textContent = d.analysis.concepts.join('，') || '（无）';
        var ol = clear($('try-results'));
        var sel = clear($('try-entry'));
        d.results.forEach(function (h) {
          var li = ol.appendChild(el('li'));
          li.appendChild(el('strong', h.title));
          li.appendChild(el('span', ' ' + h.id + ' · 分数 ' + h.score + (h.resembles ? '' : ' · 不相近'), 'hint'));
          var why = Object.keys(h.explain.terms).map(function (f) { return f + '：' + h.explain.terms[f].join('、'); }).join('；');
          li.appendChild(el('div', '命中 ' + (why || '无') + '；最接近的问法：' + (h.explain.bestQuestion || '-') + '（相似 ' + h.explain.similarity + '，覆盖 ' + h.explain.coverage + '）', 'hint'));
          var o = sel.appendChild(el('option', h.title + '（' + h.id + '）'));
          o.value = h.id;
        });
        $('try-add').hidden = false;
        $('try-new').href = '/staff/kb/new?q=' + encodeURIComponent(q);
        clear($('try-check'));
        bubbles($('try-web'), d.reply.web);
        bubbles($('try-wechat'), d.reply.wechat);
      });
    });
    var pending;
    $('try-add-btn').addEventListener('click', function () {
      var id = $('try-entry').value;
      if (!id || !last) return;
      api('GET', '/entries/' + id).then(function (doc) {
        var qs = (doc.frontMatter.questions || []).slice();
        if (qs.indexOf(last.q) < 0) qs.push(last.q);
        pending = { id: id, body: { frontMatter: Object.assign({}, doc.frontMatter, { questions: qs }), body: doc.body } };
        return api('POST', '/entries/' + id + '/check', pending.body);
      }).then(function (d) {
        var box = $('try-check');
        if (showOutcome(box, d)) {
          var b = box.appendChild(el('button', '发布'));
          b.type = 'button';
          b.id = 'try-publish';
          b.addEventListener('click', function () {
            b.disabled = true;
            api('PUT', '/entries/' + pending.id, pending.body).then(function (r) { showOutcome(box, r); });
          });
        }
      });
    });
    $('try-golden-btn').addEventListener('click', function () {
      var id = $('try-entry').value;
      if (!id || !last) return;
      api('POST', '/golden', { q: last.q, entry: id }).then(function (d) { showOutcome($('try-check'), d); });
    });
  }

  // ---- the entry form ----
  var form = $('entry-form');
  if (form) {
    var id = form.getAttribute('data-entry');
    var isNew = form.hasAttribute('data-new');
    var original = {};
    var f = function (n) { return form.elements[n]; };
    var list = function (s, sep) { return s.split(sep).map(function (x) { return x.trim(); }).filter(Boolean); };
    var fill = function (doc) {
      original = doc.frontMatter;
      var fm = doc.frontMatter;
      ['id', 'topic', 'kind', 'route', 'updated', 'review_by', 'title', 'summary'].forEach(function (k) { if (fm[k] !== undefined) f(k).value = String(fm[k]); });
      f('questions').value = (fm.questions || []).join('\n');
      f('keywords').value = (fm.keywords || []).join(', ');
      f('followups').value = (fm.followups || []).join(', ');
      f('sources').value = JSON.stringify(fm.sources || [], null, 2);
      f('body').value = doc.body;
      preview();
    };
    var collect = function () {
      var fm = Object.assign({}, original);
      ['id', 'topic', 'kind', 'route', 'updated', 'review_by', 'title', 'summary'].forEach(function (k) { fm[k] = f(k).value.trim(); });
      // An optional key the file did not have stays out (kind defaults to faq).
      if (!fm.kind) delete fm.kind;
      fm.questions = list(f('questions').value, /\n/);
      fm.keywords = list(f('keywords').value, /[,，、]/);
      fm.followups = list(f('followups').value, /[,，、\s]/);
      try { fm.sources = JSON.parse(f('sources').value || '[]'); } catch (e) { fm.sources = f('sources').value; }
      return { frontMatter: fm, body: f('body').value };
    };
    // A phone-sized look at the answer: paragraphs, bold and list lines, as plain elements.
    var preview = function () {
      var box = clear($('preview'));
      var b = box.appendChild(el('div', null, 'bubble'));
      b.appendChild(el('strong', f('title').value));
      b.appendChild(el('p', f('summary').value));
      f('body').value.split(/\n/).forEach(function (line) {
        if (!line.trim()) return;
        var m = /^\*\*(.+?)\*\*(.*)$/.exec(line);
        var p = b.appendChild(el('div'));
        if (m) { p.appendChild(el('strong', m[1])); p.appendChild(document.createTextNode(m[2])); } else p.textContent = line;
      });
    };
    form.addEventListener('input', preview);
    var path = function () { return isNew ? '/entries' : '/entries/' + id; };
    $('check-btn').addEventListener('click', function () {
      var body = collect();
      (isNew ? api('POST', '/entries?dryRun=1', body) : api('POST', path() + '/check', body)).then(function (d) { showOutcome($('report'), d); });
    });
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var q = $('confirm').checked ? '?confirm=1' : '';
      (isNew ? api('POST', '/entries' + q, collect()) : api('PUT', path() + q, collect())).then(function (d) {
        if (showOutcome($('report'), d) && isNew && d.published) location.href = '/staff/kb/entries/' + f('id').value;
      });
    });
    if (isNew) {
      var today = form.getAttribute('data-today');
      var next = new Date(Date.parse(today) + 365 * 864e5).toISOString().slice(0, 10);
      fill({ frontMatter: { questions: [form.getAttribute('data-question')].filter(Boolean), updated: today, review_by: next, sources: [] }, body: '' });
    } else {
      api('GET', '/entries/' + id + (form.getAttribute('data-locale') === 'en' ? '?locale=en' : '')).then(fill);
      var hist = $('history');
      if (hist) api('GET', '/entries/' + id + '/history').then(function (d) {
        (d.commits || []).forEach(function (c, i) {
          var li = hist.appendChild(el('li', c.date.slice(0, 16).replace('T', ' ') + ' ' + c.author + '：' + c.message + ' '));
          if (i === 0) return;
          var b = li.appendChild(el('button', '恢复到这一版'));
          b.type = 'button';
          b.addEventListener('click', function () {
            api('POST', '/entries/' + id + '/revert', { commit: c.commit }).then(function (r) { if (showOutcome($('report'), r)) api('GET', '/entries/' + id).then(fill); });
          });
        });
      });
    }
  }

  // ---- unanswered questions ----
  if (page === 'kb-unanswered') {
    Array.prototype.forEach.call(document.querySelectorAll('.group'), function (g) {
      var q = g.getAttribute('data-question');
      var out = g.querySelector('.result');
      g.querySelector('.add-q').addEventListener('click', function () {
        api('POST', '/unanswered/add', { question: q, entry: g.querySelector('.to-entry').value }).then(function (d) { showOutcome(out, d); });
      });
      g.querySelector('.dismiss').addEventListener('click', function () {
        api('POST', '/unanswered/dismiss', { question: q }).then(function (d) { if (d.httpStatus === 200) g.hidden = true; else showOutcome(out, d); });
      });
    });
  }

  // ---- synonyms and concepts ----
  if (page === 'kb-synonyms') {
    var sf = $('synonyms-form');
    sf.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var groups = sf.elements.groups.value.split('\n').map(function (l) { return l.trim().split(/\s+/).filter(Boolean); }).filter(function (g) { return g.length; });
      api('PUT', '/synonyms' + (sf.querySelector('.confirm').checked ? '?confirm=1' : ''), { groups: groups }).then(function (d) { showOutcome(sf.querySelector('.result'), d); });
    });
    var cf = $('concepts-form');
    cf.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var concepts;
      try { concepts = JSON.parse(cf.elements.concepts.value); } catch (e) { cf.querySelector('.result').textContent = 'JSON 写得不对：' + e.message; return; }
      api('PUT', '/concepts' + (cf.querySelector('.confirm').checked ? '?confirm=1' : ''), { concepts: concepts }).then(function (d) { showOutcome(cf.querySelector('.result'), d); });
    });
  }
})();
