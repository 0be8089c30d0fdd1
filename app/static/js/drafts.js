// Drafts of what is typed in forms marked data-drafts, kept in this browser until saved.
//
// Each text field's draft is stored under the user, the page and the field's name, so it
// survives a session that ended, a crash or a closed tab, and is offered back on the page it
// came from ("A draft you typed at 14:05 is kept in this browser: Restore / Discard"). A save
// clears the drafts of the fields it carried. Signing out clears the browser's storage
// (Clear-Site-Data), so a shared computer keeps no casework; drafts older than two weeks go.
(function () {
  "use strict";
  var CSI = window.CSI;
  if (!CSI || !CSI.user) return;
  var store;
  try { store = window.localStorage; store.getItem("x"); } catch (e) { return; }  // storage off: nothing to keep
  var OWN = "csi-draft:" + CSI.user + ":";
  var PREFIX = OWN + window.location.pathname + ":";
  var MAX_AGE = 14 * 24 * 3600 * 1000;

  function read(key) {
    try { var d = JSON.parse(store.getItem(key)); return d && typeof d.text === "string" ? d : null; } catch (e) { return null; }
  }
  function write(name, text) {
    try { store.setItem(PREFIX + name, JSON.stringify({ text: text, at: Date.now() })); } catch (e) { /* full: skip */ }
  }
  function remove(name) { store.removeItem(PREFIX + name); }

  // Old drafts of this user go.
  for (var i = store.length - 1; i >= 0; i--) {
    var key = store.key(i);
    if (key && key.indexOf(OWN) === 0) {
      var old = read(key);
      if (!old || Date.now() - old.at > MAX_AGE) store.removeItem(key);
    }
  }

  function textFields(form) {
    return Array.prototype.slice.call(form.querySelectorAll("textarea[name], input[type=text][name]"));
  }

  function labelOf(el) {
    if (el.labels && el.labels.length) return el.labels[0].textContent.trim();
    return el.getAttribute("aria-label") || el.name;
  }

  var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-drafts]"));
  var onPage = {};

  forms.forEach(function (form) {
    var timers = {};
    var offered = [];
    textFields(form).forEach(function (el) {
      onPage[el.name] = true;
      var draft = read(PREFIX + el.name);
      if (!draft) return;
      if (draft.text === el.value) remove(el.name);  // it was saved
      else offered.push({ el: el, draft: draft });
    });
    form.addEventListener("input", function (ev) {
      var el = ev.target;
      if (!el.name || (el.tagName !== "TEXTAREA" && el.type !== "text")) return;
      clearTimeout(timers[el.name]);
      timers[el.name] = setTimeout(function () { write(el.name, el.value); }, 300);
    });
    form.addEventListener("csi:saved", function (ev) {
      var sent = ev.detail && ev.detail.sent || {};
      textFields(form).forEach(function (el) {
        if (el.name in sent && sent[el.name] === el.value) { clearTimeout(timers[el.name]); remove(el.name); }
      });
    });
    if (offered.length) offer(form, offered);
  });

  function offer(form, offered) {
    var latest = Math.max.apply(null, offered.map(function (o) { return o.draft.at; }));
    var box = document.createElement("div");
    box.className = "draft-offer";
    box.setAttribute("role", "status");
    var p = document.createElement("p");
    p.textContent = CSI.text("draft_offer", {
      time: CSI.time(latest),
      fields: offered.map(function (o) { return labelOf(o.el); }).join(", ")
    });
    box.appendChild(p);
    var restore = document.createElement("button");
    restore.type = "button";
    restore.className = "primary";
    restore.textContent = CSI.text("restore");
    restore.addEventListener("click", function () {
      offered.forEach(function (o) {
        o.el.value = o.draft.text;
        o.el.dispatchEvent(new Event("input", { bubbles: true }));  // saved as if typed
      });
      box.remove();
      CSI.announce(CSI.text("draft_restored"));
      offered[0].el.focus();
    });
    var discard = document.createElement("button");
    discard.type = "button";
    discard.textContent = CSI.text("discard");
    discard.addEventListener("click", function () {
      offered.forEach(function (o) { if (o.el.value !== o.draft.text) remove(o.el.name); });
      box.remove();
    });
    box.appendChild(restore);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(discard);
    form.insertAdjacentElement("afterbegin", box);
  }

  // A page that no longer has the form a draft came from (the assessment moved on, the
  // role changed): show the drafts so they can be copied, never drop them silently.
  if (forms.length) return;
  var orphans = [];
  for (var j = 0; j < store.length; j++) {
    var k = store.key(j);
    if (k && k.indexOf(PREFIX) === 0 && !onPage[k.slice(PREFIX.length)]) orphans.push(k);
  }
  if (!orphans.length) return;
  var main = document.getElementById("main");
  if (!main) return;
  var details = document.createElement("details");
  details.className = "draft-orphans";
  details.open = true;
  var summary = document.createElement("summary");
  summary.textContent = CSI.text("orphans");
  details.appendChild(summary);
  orphans.forEach(function (k) {
    var draft = read(k);
    if (!draft) return;
    var name = k.slice(PREFIX.length);
    var label = document.createElement("label");
    label.textContent = name + " · " + CSI.time(draft.at);
    var area = document.createElement("textarea");
    area.readOnly = true;
    area.value = draft.text;
    label.appendChild(area);
    var discard = document.createElement("button");
    discard.type = "button";
    discard.textContent = CSI.text("discard");
    discard.addEventListener("click", function () { store.removeItem(k); label.remove(); discard.remove(); });
    details.appendChild(label);
    details.appendChild(discard);
  });
  main.insertAdjacentElement("afterbegin", details);
})();
