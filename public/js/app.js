/*
 * The chat page: asks the server how to connect (GET /api/webchat/config → {domain, tokenUrl,
 * webSocket}), gets a Direct Line token, and renders Microsoft's Web Chat into #webchat.
 *
 * - Reload continues the conversation: {domain, conversationId, token} are kept in sessionStorage
 *   (per tab, gone when the tab closes — phones are shared, consultations are private). On load
 *   the stored token is exchanged at <domain>/tokens/refresh and Web Chat reconnects to the same
 *   conversation, replaying its history. An expired or unknown conversation starts a new one.
 * - Language (zh-CN default, English) and large text are remembered in localStorage; switching
 *   re-renders Web Chat with the same connection and store, so nothing is lost. Page strings come
 *   from /locales/<locale>.json; the bot answers in the locale Web Chat puts on each message.
 * - The same code works against Azure Direct Line: only config.domain differs.
 * - Phone-sized chrome: once the citizen has sent a message the disclaimer folds to one line (the
 *   110 line stays); a new reply is scrolled to its start, not its end (Web Chat's snap-on-activity),
 *   so the headline is what shows first. Switching language also tells the bot ("English" /
 *   "中文"), so the greeting and menu come again in the new language; and when the citizen types
 *   "English" / "中文", the page's own text follows the bot's reply.
 */
(function () {
  'use strict';

  var SESSION_KEY = 'legal-aid-bot.webchat.session.v1';
  var PREFS_KEY = 'legal-aid-bot.webchat.prefs.v1';
  var RESTART_KEY = 'legal-aid-bot.webchat.restarted-at';
  var LOCALES = ['zh-CN', 'en'];
  // botframework-directlinejs ConnectionStatus
  var ONLINE = 2;
  var EXPIRED_TOKEN = 3;
  var FAILED_TO_CONNECT = 4;
  var ENDED = 5;

  var state = {
    prefs: loadPrefs(),
    strings: {},
    config: null,
    directLine: null,
    store: null,
    resumed: false,
    /** A stored conversation could not be resumed (expired token, server restarted). */
    restartedOnce: false,
  };

  function readJson(storage, key) {
    try {
      var raw = storage.getItem(key);
      return raw ? JSON.parse(raw) : null;
    } catch (e) {
      return null; // private mode or disabled storage: the page still works, without memory
    }
  }
  function writeJson(storage, key, value) {
    try {
      if (value === null) storage.removeItem(key);
      else storage.setItem(key, JSON.stringify(value));
    } catch (e) {
      /* storage full or disabled */
    }
  }

  function loadPrefs() {
    var p = readJson(window.localStorage, PREFS_KEY) || {};
    var fromUrl = new URLSearchParams(window.location.search).get('lang');
    var locale = LOCALES.indexOf(fromUrl) >= 0 ? fromUrl : LOCALES.indexOf(p.locale) >= 0 ? p.locale : 'zh-CN';
    return { locale: locale, largeText: p.largeText === true };
  }
  function savePrefs() {
    writeJson(window.localStorage, PREFS_KEY, state.prefs);
  }

  function fetchJson(url, init) {
    return fetch(url, init).then(function (res) {
      if (!res.ok) {
        var err = new Error('HTTP ' + res.status + ' from ' + url);
        err.status = res.status;
        throw err;
      }
      return res.json();
    });
  }

  // ---- page text -------------------------------------------------------------------------

  function applyStrings() {
    var s = state.strings;
    document.documentElement.lang = s.htmlLang || state.prefs.locale;
    document.querySelectorAll('[data-i18n]').forEach(function (el) {
      var key = el.getAttribute('data-i18n');
      if (s[key] !== undefined) el.textContent = s[key];
    });
    document.querySelectorAll('[data-i18n-label]').forEach(function (el) {
      var key = el.getAttribute('data-i18n-label');
      if (s[key] !== undefined) el.setAttribute('aria-label', s[key]);
    });
    document.title = s.title || document.title;
  }

  function loadStrings(locale) {
    return fetchJson('/locales/' + locale + '.json').then(function (strings) {
      state.strings = strings;
      applyStrings();
    });
  }

  function setStatus(text, withRetry) {
    if (text === undefined) return; // strings did not load: keep the page's own text
    var host = document.getElementById('status');
    host.textContent = '';
    host.hidden = !text;
    if (!text) return;
    var p = document.createElement('p');
    p.textContent = text;
    host.appendChild(p);
    if (withRetry) {
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'retry';
      b.textContent = state.strings.retry;
      b.addEventListener('click', function () {
        window.location.reload();
      });
      host.appendChild(b);
    }
  }

  function notice(text) {
    var el = document.createElement('p');
    el.className = 'notice';
    el.setAttribute('role', 'status');
    el.textContent = text;
    document.querySelector('.notices').appendChild(el);
    setTimeout(function () {
      el.remove();
    }, 8000);
  }

  // ---- Web Chat ---------------------------------------------------------------------------

  var CJK_FONTS = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei"';
  var LATIN_FONTS = '"Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans"';
  // Latin text in a CJK font gets full-width punctuation: English puts a Latin font first.
  function font() {
    return state.prefs.locale === 'en'
      ? '-apple-system, BlinkMacSystemFont, ' + LATIN_FONTS + ', ' + CJK_FONTS + ', sans-serif'
      : '-apple-system, BlinkMacSystemFont, ' + CJK_FONTS + ', ' + LATIN_FONTS + ', sans-serif';
  }

  /** The text the bot understands as a language switch (dialogs/lexicon/commands.yaml). */
  var SWITCH_WORD = { en: 'English', 'zh-CN': '中文' };

  function foldDisclaimer() {
    var d = document.querySelector('.disclaimer');
    if (d && d.open && !d.dataset.folded) {
      d.dataset.folded = '1';
      d.open = false;
    }
  }

  /** The citizen has sent something from this page (a reload replays history: not live). */
  var sentHere = false;

  /**
   * The bot answers in the language the citizen chose, also when it was typed ("English", "中文"):
   * the page's own text follows a live reply whose language differs from the page's.
   */
  function followBotLanguage(activity) {
    if (!sentHere || !activity || activity.type !== 'message' || !activity.from || activity.from.role !== 'bot') return;
    var tag = String(activity.locale || '').toLowerCase();
    var locale = /^en\b/.test(tag) ? 'en' : /^zh\b/.test(tag) ? 'zh-CN' : null;
    if (!locale || locale === state.prefs.locale) return;
    state.prefs.locale = locale;
    savePrefs();
    setTimeout(function () {
      loadStrings(locale).then(function () {
        if (state.directLine) render();
      });
    }, 0);
  }

  /** Sees what Web Chat does: the citizen's first message folds the disclaimer. */
  function storeMiddleware() {
    return function (next) {
      return function (action) {
        if (action && action.type === 'DIRECT_LINE/POST_ACTIVITY') {
          sentHere = true;
          foldDisclaimer();
        }
        if (action && action.type === 'DIRECT_LINE/INCOMING_ACTIVITY') followBotLanguage(action.payload && action.payload.activity);
        return next(action);
      };
    };
  }

  function styleOptions() {
    var large = state.prefs.largeText;
    return {
      accent: '#17457a',
      backgroundColor: '#f2f4f7',
      primaryFont: font(),
      fontSizeSmall: large ? '85%' : '75%',
      bubbleBackground: '#ffffff',
      bubbleBorderColor: '#dde3ea',
      bubbleBorderRadius: 14,
      bubbleBorderWidth: 1,
      bubbleFromUserBackground: '#17457a',
      bubbleFromUserBorderColor: '#17457a',
      bubbleFromUserBorderRadius: 14,
      bubbleFromUserTextColor: '#ffffff',
      bubbleMaxWidth: 720,
      bubbleMinHeight: large ? 48 : 40,
      bubbleNubSize: 0,
      bubbleFromUserNubSize: 0,
      botAvatarInitials: state.prefs.locale === 'en' ? 'Law' : '法',
      botAvatarBackgroundColor: '#17457a',
      avatarSize: large ? 44 : 36,
      hideUploadButton: true,
      // A new reply scrolls into view from its first line (the headline), not its last: auto-scroll
      // pauses when the top of the first unread activity reaches the top of the transcript.
      autoScrollSnapOnPage: true,
      autoScrollSnapOnPageOffset: 0,
      // The bot never means raw HTML; whatever it echoes back stays text.
      markdownRenderHTML: false,
      sendBoxHeight: large ? 64 : 52,
      sendBoxBackground: '#ffffff',
      sendBoxButtonColor: '#17457a',
      sendBoxTextWrap: true,
      sendBoxMaxHeight: 160,
      // Wrapped rows (older users miss sideways scrolling), capped so the answer stays in view.
      suggestedActionLayout: 'flow',
      suggestedActionsFlowMaxHeight: Math.max(120, Math.round(window.innerHeight * 0.3)),
      suggestedActionHeight: large ? 48 : 38,
      suggestedActionBorderRadius: 20,
      suggestedActionBorderColor: '#17457a',
      suggestedActionBorderWidth: 1,
      suggestedActionTextColor: '#17457a',
      suggestedActionBackgroundColor: '#ffffff',
      cardEmphasisBackgroundColor: '#e8eef6',
      timestampColor: '#5b6673',
      paddingRegular: large ? 12 : 10,
      transcriptVisualKeyboardIndicatorColor: '#17457a',
    };
  }

  // The bot's templates are Markdown written the way people write chat messages: a single line
  // break means a new line. Markdown would join those lines, so make them hard breaks first.
  function renderMarkdown(markdown, options, init) {
    var text = typeof markdown === 'string' ? markdown.replace(/([^\n])\n(?=[^\n])/g, '$1  \n') : markdown;
    return window.WebChat.renderMarkdown(text, options, init);
  }

  function render() {
    var host = document.getElementById('webchat');
    document.body.classList.toggle('large-text', state.prefs.largeText);
    window.WebChat.renderWebChat(
      {
        directLine: state.directLine,
        store: state.store,
        locale: state.strings.webChatLocale || state.prefs.locale,
        styleOptions: styleOptions(),
        renderMarkdown: renderMarkdown,
        sendTypingIndicator: false,
      },
      host,
    );
  }

  function saveSession() {
    var dl = state.directLine;
    if (!dl || !dl.conversationId || !dl.token) return;
    writeJson(window.sessionStorage, SESSION_KEY, {
      domain: state.config.domain,
      conversationId: dl.conversationId,
      token: dl.token,
    });
  }

  /** A stored conversation on the same service, with a freshly refreshed token; or null. */
  function resume(config) {
    var saved = readJson(window.sessionStorage, SESSION_KEY);
    if (!saved || saved.domain !== config.domain || !saved.token || !saved.conversationId) return Promise.resolve(null);
    return fetchJson(config.domain + '/tokens/refresh', {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + saved.token },
    }).then(
      function (fresh) {
        if (fresh.conversationId && fresh.conversationId !== saved.conversationId) return null;
        return { token: fresh.token, conversationId: saved.conversationId };
      },
      function () {
        writeJson(window.sessionStorage, SESSION_KEY, null);
        state.restartedOnce = true;
        return null;
      },
    );
  }

  function connect(config) {
    return resume(config).then(function (session) {
      if (session) {
        state.resumed = true;
        return session;
      }
      state.resumed = false;
      return fetchJson(config.tokenUrl, { method: 'POST' }).then(function (t) {
        return { token: t.token };
      });
    });
  }

  function start() {
    return fetchJson('/api/webchat/config')
      .then(function (config) {
        state.config = config;
        return connect(config);
      })
      .then(function (session) {
        var options = {
          domain: state.config.domain,
          token: session.token,
          webSocket: state.config.webSocket,
          // The bot greets a new conversation in the page's language.
          conversationStartProperties: { locale: state.strings.webChatLocale || state.prefs.locale },
        };
        // Only a resumed conversation passes its id: directlinejs then reconnects (GET
        // conversations/:id) instead of starting a new one, and the bot does not greet again.
        if (session.conversationId) options.conversationId = session.conversationId;
        state.directLine = window.WebChat.createDirectLine(options);
        state.store = window.WebChat.createStore({}, storeMiddleware);
        state.directLine.connectionStatus$.subscribe(function (status) {
          if (status === ONLINE) saveSession();
          if (status === ENDED || status === FAILED_TO_CONNECT || status === EXPIRED_TOKEN) {
            // The conversation is gone or the token lapsed (a phone asleep for over 30 minutes):
            // start a new conversation once; if that fails too, say so and offer a retry.
            writeJson(window.sessionStorage, SESSION_KEY, null);
            var last = Number(window.sessionStorage.getItem(RESTART_KEY) || 0);
            if (Date.now() - last > 60 * 1000) {
              writeJson(window.sessionStorage, RESTART_KEY, Date.now());
              window.location.reload();
            } else {
              setStatus(state.strings.connectFailed, true);
            }
          }
        });
        // directlinejs refreshes its token every 15 minutes; keep the stored copy current.
        setInterval(saveSession, 60 * 1000);
        window.addEventListener('pagehide', saveSession);
        document.addEventListener('visibilitychange', function () {
          if (document.visibilityState === 'hidden') saveSession();
        });
        var restartedAt = Number(window.sessionStorage.getItem(RESTART_KEY) || 0);
        if ((state.restartedOnce || Date.now() - restartedAt < 60 * 1000) && !state.resumed) notice(state.strings.restarted);
        setStatus('');
        render();
      });
  }

  function wireTools() {
    var sizeBtn = document.getElementById('btn-text-size');
    sizeBtn.setAttribute('aria-pressed', String(state.prefs.largeText));
    sizeBtn.addEventListener('click', function () {
      state.prefs.largeText = !state.prefs.largeText;
      sizeBtn.setAttribute('aria-pressed', String(state.prefs.largeText));
      savePrefs();
      if (state.directLine) render();
      else document.body.classList.toggle('large-text', state.prefs.largeText);
    });
    document.getElementById('btn-lang').addEventListener('click', function () {
      state.prefs.locale = state.prefs.locale === 'en' ? 'zh-CN' : 'en';
      savePrefs();
      loadStrings(state.prefs.locale).then(function () {
        if (!state.directLine) return;
        render();
        state.store.dispatch({ type: 'WEB_CHAT/SEND_MESSAGE', payload: { text: SWITCH_WORD[state.prefs.locale] } });
      });
    });
  }

  function main() {
    document.body.classList.toggle('large-text', state.prefs.largeText);
    if (window.LegalAidImeGuard) window.LegalAidImeGuard.install(document.getElementById('webchat'));
    wireTools();
    loadStrings(state.prefs.locale)
      .catch(function () {
        /* keep the Chinese text already in the page */
      })
      .then(function () {
        if (!window.WebChat) throw new Error('Web Chat bundle did not load');
        return start();
      })
      .catch(function (err) {
        if (window.console) console.error('web chat failed to start', err);
        setStatus(state.strings.connectFailed, true);
      });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
  else main();
})();
