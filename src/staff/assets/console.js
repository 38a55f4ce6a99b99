// The staff console's behaviour: actions through the JSON API (common.js: with the CSRF token,
// elements by textContent only, so a citizen's text stays text), live updates from
// /staff/api/events (SSE), keyboard shortcuts.
(function () {
  'use strict';
  var C = window.StaffConsole;
  var page = C.page;
  var el = C.el;
  var caseId = document.body.getAttribute('data-case');
  var toast = document.getElementById('live');
  var KIND = { citizen: '市民', bot: '机器人', staff: '工作人员', note: '备注', system: '系统' };
  var STATUS = { waiting: '等待中', active: '处理中', returned: '已交回机器人', closed: '已结案' };

  function say(text) {
    toast.textContent = text;
    toast.classList.add('show');
    clearTimeout(say.t);
    say.t = setTimeout(function () { toast.classList.remove('show'); }, 6000);
  }

  // The staff API; a refusal rejects with the API's message.
  function api(method, path, body) {
    return C.request(method, '/staff/api' + path, body).then(function (r) {
      if (!r.ok) throw new Error((r.data.error && r.data.error.message) || ('HTTP ' + r.status));
      return r.data;
    });
  }

  var TIME = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  function time(iso) {
    var d = new Date(iso);
    return isNaN(d.getTime()) ? '' : TIME.format(d);
  }

  function waited(iso) {
    var min = Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / 60000));
    if (min < 60) return min + ' 分钟';
    if (min < 48 * 60) return Math.floor(min / 60) + ' 小时 ' + (min % 60) + ' 分钟';
    return Math.floor(min / 1440) + ' 天';
  }

  function events(onEvent) {
    if (!window.EventSource) return;
    var es = new EventSource('/staff/api/events');
    ['created', 'updated', 'message'].forEach(function (t) {
      es.addEventListener(t, function (m) { onEvent(t, JSON.parse(m.data)); });
    });
  }

  // ---- queue ----
  function renderRows(cases) {
    var body = document.getElementById('case-rows');
    body.textContent = '';
    if (!cases.length) {
      var tr = el('tr', null, 'empty');
      var td = el('td', '没有符合条件的求助。');
      td.colSpan = 10;
      tr.appendChild(td);
      body.appendChild(tr);
      return;
    }
    cases.forEach(function (c) {
      var tr = el('tr', null, c.urgent ? 'urgent' : '');
      tr.setAttribute('data-id', c.id);
      tr.appendChild(el('td', c.position || ''));
      var u = el('td');
      if (c.urgent) u.appendChild(el('span', '紧急', 'badge'));
      tr.appendChild(u);
      tr.appendChild(el('td', STATUS[c.status] || c.status));
      tr.appendChild(el('td', c.districtName || ''));
      tr.appendChild(el('td', c.matterType || ''));
      var s = el('td');
      var a = el('a', c.summary);
      a.href = '/staff/cases/' + encodeURIComponent(c.id);
      s.appendChild(a);
      tr.appendChild(s);
      tr.appendChild(el('td', c.channelId));
      tr.appendChild(el('td', time(c.createdAt)));
      tr.appendChild(el('td', c.position ? waited(c.createdAt) : ''));
      tr.appendChild(el('td', c.assignee || ''));
      body.appendChild(tr);
    });
  }

  function refreshQueue() {
    var q = new URLSearchParams(location.search);
    if (!q.get('status')) q.set('status', 'waiting,active');
    ['district', 'topic'].forEach(function (k) { if (!q.get(k)) q.delete(k); });
    api('GET', '/cases?' + q.toString()).then(function (d) { renderRows(d.cases); }).catch(function (e) { say('刷新失败：' + e.message); });
  }

  function queueKeys(ev) {
    if (ev.target.closest('input, textarea, select')) return;
    var links = Array.prototype.slice.call(document.querySelectorAll('#case-rows a'));
    if (!links.length) return;
    var i = links.indexOf(document.activeElement);
    if (ev.key === 'j') { links[Math.min(links.length - 1, i + 1)].focus(); ev.preventDefault(); }
    if (ev.key === 'k') { links[Math.max(0, i - 1)].focus(); ev.preventDefault(); }
  }

  // ---- one case ----
  function renderCase(c) {
    var list = document.getElementById('transcript');
    list.textContent = '';
    c.transcript.forEach(function (e) {
      var li = el('li', null, 'from-' + e.kind);
      li.appendChild(el('span', (KIND[e.kind] || e.kind) + (e.author ? ' ' + e.author : '') + ' · ' + time(e.at), 'meta'));
      li.appendChild(el('span', e.text, 'text'));
      list.appendChild(li);
    });
    list.scrollTop = list.scrollHeight;
    var notes = document.getElementById('notes');
    notes.textContent = '';
    c.notes.forEach(function (n) {
      var li = el('li');
      li.appendChild(el('span', n.author + ' · ' + time(n.at), 'meta'));
      li.appendChild(document.createTextNode(' ' + n.text));
      notes.appendChild(li);
    });
    document.getElementById('case-status').textContent = STATUS[c.status] || c.status;
    document.getElementById('case-assignee').textContent = c.assignee || '';
    var me = document.querySelector('.who') ? document.querySelector('.who').getAttribute('data-user') : null;
    var mine = c.status === 'active' && (c.assignee === me || document.body.hasAttribute('data-admin'));
    document.getElementById('claim').hidden = c.status !== 'waiting';
    document.getElementById('handback').hidden = !mine;
    document.getElementById('transfer-box').hidden = !mine;
    document.getElementById('reply-form').hidden = !mine;
    document.getElementById('close-box').hidden = c.status === 'closed' || (c.status === 'active' && !mine);
  }

  function refreshCase() {
    return api('GET', '/cases/' + encodeURIComponent(caseId)).then(renderCase).catch(function (e) { say('刷新失败：' + e.message); });
  }

  function act(action) {
    var path = '/cases/' + encodeURIComponent(caseId) + '/' + action;
    var body = {};
    if (action === 'transfer') body.to = document.getElementById('transfer-to').value;
    if (action === 'close') body.outcome = document.getElementById('outcome').value;
    return api('POST', path, body).then(function (d) {
      say({ claim: '已接手。', handback: '已交回机器人，已请市民评价。', transfer: '已转交。', close: '已结案。' }[action]);
      if (d.delivery && d.delivery.status !== 'delivered') say('注意：消息暂时没有送达市民（' + (d.delivery.reason || d.delivery.status) + '）。');
      return refreshCase();
    }).then(function () {
      if (action === 'claim') document.getElementById('reply-text').focus();
    }).catch(function (e) { say('操作失败：' + e.message); refreshCase(); });
  }

  function sendReply(ev) {
    if (ev) ev.preventDefault();
    var box = document.getElementById('reply-text');
    var text = box.value.trim();
    if (!text) return;
    api('POST', '/cases/' + encodeURIComponent(caseId) + '/messages', { text: text }).then(function (d) {
      box.value = '';
      if (d.delivery.status === 'delivered') say('已发送。');
      else say('消息暂时送不到市民：' + (d.callback ? d.callback.advice : d.delivery.reason) + (d.callback && d.callback.contact ? ' 电话：' + d.callback.contact : ''));
      refreshCase();
      box.focus();
    }).catch(function (e) { say('发送失败：' + e.message); });
  }

  if (page === 'queue') {
    events(function () { refreshQueue(); });
    setInterval(refreshQueue, 60000);
    document.addEventListener('keydown', queueKeys);
  }

  if (page === 'case') {
    events(function (_t, e) { if (e.caseId === caseId) refreshCase(); });
    document.querySelectorAll('[data-action]').forEach(function (b) {
      b.addEventListener('click', function () { act(b.getAttribute('data-action')); });
    });
    document.getElementById('reply-form').addEventListener('submit', sendReply);
    document.getElementById('reply-text').addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) sendReply(ev);
    });
    document.getElementById('canned').addEventListener('change', function (ev) {
      var opt = ev.target.selectedOptions[0];
      if (opt && opt.getAttribute('data-text')) {
        var box = document.getElementById('reply-text');
        box.value = opt.getAttribute('data-text');
        box.focus();
      }
    });
    document.getElementById('note-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var box = document.getElementById('note-text');
      if (!box.value.trim()) return;
      api('POST', '/cases/' + encodeURIComponent(caseId) + '/notes', { text: box.value }).then(function () {
        box.value = '';
        say('备注已保存。');
        refreshCase();
      }).catch(function (e) { say('保存失败：' + e.message); });
    });
    document.addEventListener('keydown', function (ev) {
      if (!ev.altKey) return;
      if (ev.key === 'c') { document.getElementById('claim').click(); ev.preventDefault(); }
      if (ev.key === 'b') { document.getElementById('handback').click(); ev.preventDefault(); }
    });
  }
})();
