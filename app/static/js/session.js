// What every signed-in page shares: the page's texts, announcements for screen readers,
// sending a form as JSON and reading any refusal, and the session: typing keeps it alive,
// the page warns before the idle limit ends it, and after it ends offers sign-in in a new tab.
//
// Without JavaScript nothing here is needed: forms post normally and the server answers pages.
(function () {
  "use strict";
  var body = document.body;
  var CSI = window.CSI = window.CSI || {};
  var texts = CSI.texts || {};  // set by the texts' script the page loads first (app/web/page_texts.py)
  CSI.user = body.dataset.user || "";

  // A text of the page, with %(name)s filled in. A text with a count comes in the language's
  // plural forms ({"count": "min", "forms": {"one": ..., "few": ..., "other": ...}}): the count
  // picks one by the language's rules (the page's lang is a tag the browser knows).
  CSI.text = function (key, values) {
    var text = texts[key] || key;
    if (typeof text === "object" && text.forms) {
      var n = Number((values || {})[text.count]);
      var category = "other";
      try { category = new Intl.PluralRules(document.documentElement.lang || undefined).select(n); } catch (e) { category = n === 1 ? "one" : "other"; }
      text = text.forms[category] || text.forms.other || "";
    }
    Object.keys(values || {}).forEach(function (name) { text = text.split("%(" + name + ")s").join(values[name]); });
    return text;
  };

  CSI.time = function (ms) {
    return new Date(ms).toLocaleTimeString(document.documentElement.lang || undefined, { hour: "2-digit", minute: "2-digit" });
  };

  // Screen readers hear saving and saved politely, failures at once.
  function region(id, urgent) {
    var el = document.getElementById(id);
    if (!el) {
      el = document.createElement("div");
      el.id = id;
      el.className = "visually-hidden";
      if (urgent) el.setAttribute("role", "alert"); else el.setAttribute("aria-live", "polite");
      body.appendChild(el);
    }
    return el;
  }
  CSI.announce = function (text, urgent) {
    var el = region(urgent ? "live-alert" : "live-polite", urgent);
    el.textContent = "";
    setTimeout(function () { el.textContent = text; }, 50);  // a change, even when the same text comes twice
  };

  // --- sending forms and reading the answer ----------------------------------------------

  // Refusals the page can recover from by sending again later, and after how long (ms).
  var RETRY_AFTER = { busy: 3000, network: 10000, throttled: 60000 };
  CSI.retryAfter = function (outcome) {
    if (outcome.code === "throttled" && outcome.body && outcome.body.retry_after) return outcome.body.retry_after * 1000;
    return RETRY_AFTER[outcome.code] || null;
  };

  // The outcome of a fetch as {ok, status, code, body, message}: JSON answers as sent, anything
  // else (a proxy's page, no answer at all) with the code its status means and a message.
  function outcome(status, parsed, redirectedToSignIn) {
    if (redirectedToSignIn) status = 401;
    var byStatus = { 400: "bad_request", 401: "signed_out", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
      409: "stage_moved", 413: "too_large", 422: "invalid", 429: "throttled" };
    var data = parsed && typeof parsed === "object" ? parsed : {};
    if (data.ok) return { ok: true, status: status, body: data };
    var code = data.error || byStatus[status] || (status >= 500 ? "server_error" : "network");
    return { ok: false, status: status, code: code, body: data, message: data.message || CSI.text(code) };
  }

  function tokenFields(form) {
    return form ? form.querySelectorAll('input[name$="csrf_token"]') : [];
  }

  function fetchForm(url, data, keepalive) {
    return fetch(url, {
      method: "POST",
      body: data,
      headers: { "Accept": "application/json" },
      credentials: "same-origin",
      keepalive: !!keepalive  // a save sent as the page is hidden or left still arrives
    }).then(function (res) {
      var redirected = res.redirected && /\/login(\?|$)/.test(res.url);
      return res.text().then(function (text) {
        var parsed = null;
        try { parsed = JSON.parse(text); } catch (e) { parsed = null; }
        return outcome(res.status, parsed, redirected);
      });
    }, function () {
      return { ok: false, status: 0, code: "network", body: {}, message: CSI.text("network") };
    });
  }

  // POST a form as JSON. A token the server no longer knows (a sign-in elsewhere started a new
  // session) is replaced by a fresh one and the form sent once more.
  CSI.send = function (form, submitter, keepalive) {
    var data = submitter ? new FormData(form, submitter) : new FormData(form);
    return fetchForm(form.action, data, keepalive).then(function (first) {
      if (first.code !== "csrf_expired") return first;
      return CSI.refreshToken().then(function (state) {
        if (state === "signed_out") return outcome(401, { error: "signed_out", message: CSI.text("signed_out") });
        if (state !== "ok") return first;
        tokenFields(form).forEach(function (input) { data.set(input.name, input.value); });
        return fetchForm(form.action, data);
      });
    }).then(function (result) {
      if (result.ok) CSI.contact();
      if (result.code === "signed_out") CSI.signedOut();
      return result;
    });
  };

  // --- the session ------------------------------------------------------------------------

  var aliveUrl = body.dataset.sessionAlive;
  var statusUrl = body.dataset.sessionStatus;
  var idleLimit = Number(body.dataset.sessionIdleLimit || 0) * 1000;
  var now = Date.now();
  var idleEnds = now + Number(body.dataset.sessionIdle || 0) * 1000;
  var maxEnds = now + Number(body.dataset.sessionMax || 0) * 1000;
  var lastAlive = now;
  var signedOut = false;
  var SHARED = "csi-session-contact:" + CSI.user;  // the latest request of any tab of this browser
  var WARN_BEFORE = 5 * 60 * 1000;

  // The server counts a request at most once a minute: after any answer the session lasts at
  // least the idle limit less a minute.
  CSI.contact = function () {
    idleEnds = Math.max(idleEnds, Date.now() + idleLimit - 60000);
    try { localStorage.setItem(SHARED, String(Date.now())); } catch (e) { /* storage off: this tab only */ }
    if (!signedOut) hideWarning();
  };

  function endsAt() {
    var shared = 0;
    try { shared = Number(localStorage.getItem(SHARED) || 0); } catch (e) { shared = 0; }
    var idle = Math.max(idleEnds, shared ? shared + idleLimit - 60000 : 0);
    return Math.min(idle, maxEnds);
  }

  function syncTokens(token) {
    document.querySelectorAll('input[name$="csrf_token"]').forEach(function (input) { input.value = token; });
  }

  // Ask the server how long the session has left, and for the current form token. "alive"
  // counts as activity (someone is typing); "status" does not (a page left open must not keep
  // its session going).
  function ask(url) {
    if (!url) return Promise.resolve("unknown");
    return fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" }).then(function (res) {
      return res.json().then(function (data) {
        if (res.status === 401 || data.error === "signed_out") { CSI.signedOut(); return "signed_out"; }
        if (!data.ok) return "unknown";
        idleEnds = Date.now() + data.idle * 1000;
        maxEnds = Date.now() + data.max * 1000;
        syncTokens(data.csrf_token);
        if (signedOut) signedIn();
        try { localStorage.setItem(SHARED, String(Date.now() - (idleLimit - data.idle * 1000))); } catch (e) { /* this tab only */ }
        if (endsAt() - Date.now() > WARN_BEFORE) hideWarning();
        return "ok";
      });
    }).catch(function () { return "unknown"; });
  }
  CSI.keepAlive = function () { lastAlive = Date.now(); return ask(aliveUrl); };
  CSI.refreshToken = function () { return ask(statusUrl); };

  // Typing in any form counts as activity, at most once a minute.
  function typed() {
    if (signedOut || !aliveUrl || Date.now() - lastAlive < 60000) return;
    CSI.keepAlive();
  }
  document.addEventListener("input", typed, true);
  document.addEventListener("change", typed, true);

  var banner = null;
  function bar(kind) {
    if (!banner) {
      banner = document.createElement("div");
      banner.className = "session-bar";
      banner.setAttribute("role", "alert");
      var header = document.querySelector("header.topbar");
      (header || body).insertAdjacentElement(header ? "afterend" : "afterbegin", banner);
    }
    banner.dataset.kind = kind;
    banner.hidden = false;
    banner.textContent = "";
    return banner;
  }

  function button(label, onClick, primary) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    if (primary) b.className = "primary";
    b.addEventListener("click", onClick);
    return b;
  }

  function signInLink() {
    var a = document.createElement("a");
    a.className = "button primary";
    a.href = body.dataset.signIn || "/login";
    a.target = "_blank";
    a.rel = "noopener";
    a.textContent = CSI.text("sign_in");
    return a;
  }
  CSI.signInLink = signInLink;

  function hideWarning() {
    if (banner && banner.dataset.kind !== "ended") banner.hidden = true;
  }

  function warn(minutes, byMax) {
    var box = bar("warning");
    var p = document.createElement("p");
    p.textContent = byMax ? CSI.text("warn_max", { min: minutes }) : CSI.text("warn_idle", { min: minutes });
    box.appendChild(p);
    if (!byMax) {
      box.appendChild(button(CSI.text("stay"), function () {
        CSI.keepAlive().then(function (state) {
          if (state === "ok") { hideWarning(); CSI.announce(CSI.text("stayed")); }
        });
      }, true));
    }
  }

  var warned = false;
  function tick() {
    if (signedOut || !aliveUrl) return;
    var left = endsAt() - Date.now();
    if (left <= 0) { CSI.refreshToken(); return; }  // ended, or kept by another tab: the server says which
    if (left <= WARN_BEFORE) {
      if (!warned || banner.hidden) warn(Math.max(1, Math.ceil(left / 60000)), maxEnds <= endsAt());
      warned = true;
    } else if (warned) {
      warned = false;
      hideWarning();
    }
  }
  if (aliveUrl) setInterval(tick, 15000);

  // Signed out: say so, keep everything, offer sign-in in a new tab; once this tab is used
  // again (or every 15 seconds), check whether the person has signed in, then carry on.
  var poll = null;
  CSI.signedOut = function () {
    if (signedOut) return;
    signedOut = true;
    var box = bar("ended");
    var p = document.createElement("p");
    p.textContent = CSI.text("ended");
    box.appendChild(p);
    box.appendChild(signInLink());
    box.appendChild(document.createTextNode(" "));
    box.appendChild(button(CSI.text("signed_in_check"), function () { CSI.refreshToken(); }));
    poll = setInterval(function () { if (document.visibilityState === "visible") CSI.refreshToken(); }, 15000);
  };

  function signedIn() {
    signedOut = false;
    warned = false;
    clearInterval(poll);
    if (banner) { banner.dataset.kind = ""; banner.hidden = true; }
    CSI.announce(CSI.text("signed_in_again"));
    document.dispatchEvent(new CustomEvent("csi:signed-in"));
  }

  function returned() {
    if (signedOut && document.visibilityState === "visible") CSI.refreshToken();
  }
  window.addEventListener("focus", returned);
  document.addEventListener("visibilitychange", returned);
})();
