/*
 * Chinese input methods (pinyin, wubi, handwriting) compose text in the input box and use Enter to
 * confirm a candidate. Web Chat's send box sends on any Enter keypress, so on browsers that report
 * that confirming Enter as a key event (Safari/WKWebView — WeChat on iOS — fires keydown with
 * keyCode 229 right after compositionend; some Android keyboards send Enter while composing) a
 * half-typed message would be sent.
 *
 * Guard: while a composition is active, and for the Enter keystroke that ends one (its keydown is
 * marked isComposing or keyCode 229), Enter key events inside the container are stopped in the
 * capture phase on window, before React (which listens on document) sees them. keydown is not
 * prevented — the input method needs it to commit the text; keypress is, which also stops the
 * form's implicit submission. A later plain Enter sends as usual.
 */
(function () {
  'use strict';

  function isEnter(e) {
    return e.key === 'Enter' || e.keyCode === 13 || e.which === 13;
  }

  function installImeGuard(container) {
    var composing = false;
    var blockNextEnterPress = false;
    var compositionEndedAt = -1;

    function inside(e) {
      return container.contains(e.target);
    }

    function onCompositionStart(e) {
      if (inside(e)) composing = true;
    }
    function onCompositionEnd(e) {
      if (!inside(e)) return;
      composing = false;
      compositionEndedAt = e.timeStamp;
    }
    function onKeyDown(e) {
      if (!inside(e)) return;
      // Safari orders compositionend before the keydown of the confirming Enter; that keydown
      // still carries keyCode 229, and arrives within a few milliseconds.
      var justEnded = compositionEndedAt >= 0 && e.timeStamp - compositionEndedAt < 50 && e.keyCode === 229;
      var fromIme = composing || e.isComposing || e.keyCode === 229 || justEnded;
      blockNextEnterPress = fromIme && (isEnter(e) || e.keyCode === 229);
      if (fromIme && isEnter(e)) e.stopImmediatePropagation();
    }
    function onKeyPress(e) {
      if (!inside(e) || !isEnter(e)) return;
      if (composing || e.isComposing || blockNextEnterPress) {
        e.stopImmediatePropagation();
        e.preventDefault();
      }
      blockNextEnterPress = false;
    }
    function onKeyUp(e) {
      if (inside(e) && isEnter(e)) blockNextEnterPress = false;
    }

    window.addEventListener('compositionstart', onCompositionStart, true);
    window.addEventListener('compositionend', onCompositionEnd, true);
    window.addEventListener('keydown', onKeyDown, true);
    window.addEventListener('keypress', onKeyPress, true);
    window.addEventListener('keyup', onKeyUp, true);
    return function uninstall() {
      window.removeEventListener('compositionstart', onCompositionStart, true);
      window.removeEventListener('compositionend', onCompositionEnd, true);
      window.removeEventListener('keydown', onKeyDown, true);
      window.removeEventListener('keypress', onKeyPress, true);
      window.removeEventListener('keyup', onKeyUp, true);
    };
  }

  window.LegalAidImeGuard = { install: installImeGuard };
})();
