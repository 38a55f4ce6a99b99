// What the scripts of every console page share (the staff pages' console.js and the editors' kb.js
// run after it; the layout loads it once): JSON requests to the API carrying the session's CSRF
// token from <meta>, and elements built with textContent only, never innerHTML, so text from the
// server (a citizen's words, an entry's) stays text.
(function () {
  'use strict';
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute('content');

  // Resolves to {status, ok, data}: data is the JSON body (or {} when there is none), whatever the status.
  function request(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: 'same-origin',
      headers: Object.assign({ Accept: 'application/json' }, method === 'GET' ? {} : { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }),
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (r) {
      return r.text().then(function (t) {
        return { status: r.status, ok: r.ok, data: t ? JSON.parse(t) : {} };
      });
    });
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function clear(e) {
    while (e.firstChild) e.removeChild(e.firstChild);
    return e;
  }

  window.StaffConsole = { page: document.body.getAttribute('data-page'), request: request, el: el, clear: clear };
})();
