// Forms that save as people type (form[data-autosave]) or save by their button as JSON
// (form[data-autosave="submit"]). Without JavaScript the same forms post normally.
//
// One controller per form: states idle, dirty, saving, conflict, error, signed_out. One request
// in flight per form; a save asked for meanwhile is sent after it, whatever its outcome.
// Every refusal is shown beside the form with what to do, the input stays, and navigation
// never dies: a link followed while something is unsaved tries to save it first, then says
// what is not saved and leaves on the second click.
//
// A conflict (someone saved first) is merged field by field (merge.js).
(function () {
  "use strict";
  var CSI = window.CSI;
  if (!CSI) return;
  document.documentElement.classList.add("js");
  var controllers = [];
  var hooks = [];  // page scripts: {setup(c), waiting(c) -> text|null, saved(c, body), setValue(c, field)}
  var leaving = false;  // the person chose to leave with something unsaved
  var MAX_RETRIES = 3;

  function call(name, controller, arg) {
    var answer = null;
    // Every hook hears it until one answers (undefined is no answer: a hook that only listens).
    hooks.forEach(function (h) { if (h[name] && answer == null) answer = h[name](controller, arg); });
    return answer == null ? null : answer;
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function Controller(form) {
    this.form = form;
    this.submitOnly = form.dataset.autosave === "submit";
    this.state = "idle";
    this.inFlight = null;  // the promise of the request on its way
    this.queued = false;
    this.edits = 0;  // counts changes; a save covers the edits made before it was sent
    this.sentEdits = 0;
    this.retries = 0;
    this.timer = null;
    this.lists = Array.prototype.map.call(form.querySelectorAll("[data-list]"), function (el) { return el.dataset.list; });
    this.status = form.querySelector("[data-status]");
    this.version = form.querySelector('input[name$="version"][type=hidden]');
    this.label = form.dataset.label || (form.closest("article") && form.closest("article").dataset.req) || document.title.split(" · ")[0];
    this.base = this.values();  // the values as loaded, then as last saved: the merge's common ancestor
    this.bind();
    var self = this;
    hooks.forEach(function (h) { if (h.setup) h.setup(self); });
  }

  Controller.prototype.say = function (text, kind) {
    if (!this.status) return;
    this.status.textContent = text;
    this.status.className = "save-status" + (kind ? " " + kind : "");
  };

  // --- the form's fields ------------------------------------------------------------------

  // The field a control belongs to: "GOV-01-rv-comment" -> "comment", "held_on" -> "held_on",
  // a row of a list ("GOV-01-citations-0-sop_id", "participants-2-name") -> the list's name.
  Controller.prototype.fieldOf = function (name) {
    for (var i = 0; i < this.lists.length; i++) {
      if (new RegExp("(^|-)" + this.lists[i] + "-\\d+-[^-]+$").test(name)) return this.lists[i];
    }
    var parts = name.split("-");
    return parts[parts.length - 1];
  };

  Controller.prototype.controls = function (field) {
    var self = this;
    return Array.prototype.filter.call(this.form.elements, function (el) {
      return el.name && el.type !== "hidden" && el.type !== "submit" && el.type !== "button" &&
        !/csrf_token$/.test(el.name) && self.fieldOf(el.name) === field;
    });
  };

  Controller.prototype.fields = function () {
    var seen = [], self = this;
    Array.prototype.forEach.call(this.form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit" || el.type === "button" || /csrf_token$/.test(el.name)) return;
      var field = self.fieldOf(el.name);
      if (seen.indexOf(field) < 0) seen.push(field);
    });
    return seen;
  };

  function controlValue(el) {
    if (el.type === "checkbox") return el.checked ? el.value : "";
    return el.value == null ? "" : String(el.value);
  }

  // A field's value: a string, or for a list its rows (arrays of strings), empty rows left out.
  Controller.prototype.valueOf = function (field) {
    var controls = this.controls(field);
    if (this.lists.indexOf(field) >= 0) {
      var rows = [];
      controls.forEach(function (el) {
        var index = Number(/-(\d+)-[^-]+$/.exec(el.name)[1]);
        (rows[index] = rows[index] || []).push(el);
      });
      return rows.filter(Boolean).filter(function (row) {
        // A citation without its document says nothing; other rows count once anything is typed.
        var choice = row.filter(function (el) { return el.tagName === "SELECT"; })[0];
        return choice ? choice.value !== "" : row.some(function (el) { return controlValue(el) !== ""; });
      }).map(function (row) { return row.map(controlValue); });
    }
    if (controls.length && controls[0].type === "radio") {
      var checked = controls.filter(function (c) { return c.checked; })[0];
      return checked ? checked.value : "";
    }
    if (controls.length && controls[0].hasAttribute("data-multi")) {  // checkboxes of one field: "0,2"
      return controls.filter(function (c) { return c.checked; }).map(function (c) { return c.value; }).join(",");
    }
    return controls.length ? controlValue(controls[0]) : "";
  };

  Controller.prototype.values = function () {
    var out = {}, self = this;
    this.fields().forEach(function (field) { out[field] = self.valueOf(field); });
    return out;
  };

  // --- saving -------------------------------------------------------------------------------

  Controller.prototype.bind = function () {
    var self = this, form = this.form;
    form.addEventListener("change", function (ev) {
      if (self.submitOnly || !ev.target.name) return;
      if (ev.target.tagName === "TEXTAREA" || ev.target.type === "text") return;  // saved on input
      self.changed(0);
    });
    form.addEventListener("input", function (ev) {
      if (self.submitOnly || !ev.target.name) return;
      if (ev.target.tagName !== "TEXTAREA" && ev.target.type !== "text") return;
      self.changed(900);
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (self.submitOnly) { self.submit(ev.submitter); return; }
      self.changed(0, true);
    });
  };

  Controller.prototype.changed = function (delay, force) {
    var self = this;
    this.edits += 1;
    if (this.state === "conflict" && !force) return;  // the merge box decides first
    if (this.state === "idle") this.state = "dirty";
    clearTimeout(this.timer);
    var waiting = call("waiting", this);
    if (waiting) { this.say(waiting, "waiting"); return; }
    if (!this.inFlight) this.say("…", "");
    this.timer = setTimeout(function () { self.save(); }, delay);
  };

  Controller.prototype.pending = function () { return this.edits !== this.sentEdits; };

  Controller.prototype.clearProblem = function () {
    this.form.querySelectorAll(".error.js-error").forEach(function (el) { el.remove(); });
    this.form.querySelectorAll(".has-error.js-marked").forEach(function (el) { el.classList.remove("has-error", "js-marked"); });
    if (this.problem) { this.problem.remove(); this.problem = null; }
  };

  Controller.prototype.showErrors = function (errors) {
    var form = this.form;
    Object.keys(errors || {}).forEach(function (name) {
      var input = form.querySelector('[name="' + name + '"]') || form.querySelector('[name$="-' + name + '"]') || form.querySelector('[name*="' + name + '-"]');
      var holder = input ? (input.closest(".field") || input.closest("fieldset")) : null;
      if (!holder) return;
      if (!holder.classList.contains("has-error")) holder.classList.add("has-error", "js-marked");
      [].concat(errors[name]).forEach(function (msg) {
        if (typeof msg !== "string") return;
        var small = document.createElement("small");
        small.className = "error js-error";
        small.textContent = msg;
        holder.appendChild(small);
      });
    });
  };

  // A refusal beside the form: the message (an alert), and what the person can do about it.
  Controller.prototype.showProblem = function (outcome) {
    var self = this;
    if (this.problem) this.problem.remove();
    var box = document.createElement("div");
    box.className = "save-problem";
    box.setAttribute("role", "alert");
    var p = document.createElement("p");
    p.textContent = outcome.message;
    box.appendChild(p);
    if (outcome.code === "signed_out") {
      box.appendChild(CSI.signInLink());
    } else if (outcome.code !== "invalid") {
      var again = document.createElement("button");
      again.type = "button";
      again.textContent = CSI.text("save_again");
      again.addEventListener("click", function () { self.retries = 0; self.edits += 1; self.save(); });
      box.appendChild(again);
    }
    var anchor = (this.status && (this.status.closest(".save-row") || this.status.parentNode)) || this.form.lastElementChild;
    anchor.insertAdjacentElement("afterend", box);
    this.problem = box;
    this.say(CSI.text("not_saved"), "failed");
  };

  Controller.prototype.snapshot = function () {
    var sent = {};
    this.form.querySelectorAll("textarea[name], input[type=text][name]").forEach(function (el) { sent[el.name] = el.value; });
    return sent;
  };

  Controller.prototype.save = function (keepalive) {
    var self = this;
    clearTimeout(this.timer);
    clearTimeout(this.retryTimer);
    if (this.state === "conflict" || this.state === "idle" || !this.pending()) return this.inFlight;
    var waiting = call("waiting", this);
    if (waiting) { this.say(waiting, "waiting"); return null; }
    if (this.inFlight) {  // sent after the one on its way, whatever its outcome
      this.queued = true;
      return this.inFlight.then(function () { return self.inFlight; });
    }
    this.queued = false;
    this.sentEdits = this.edits;
    this.sentValues = this.values();
    var sentText = this.snapshot();
    this.state = "saving";
    this.say(CSI.text("saving"), "saving");  // the status is a polite live region
    this.inFlight = CSI.send(this.form, null, keepalive).then(function (outcome) {
      self.inFlight = null;
      self.finished(outcome, sentText);
    });
    return this.inFlight;
  };

  Controller.prototype.finished = function (outcome, sentText) {
    var newer = this.pending();
    if (outcome.ok) {
      this.retries = 0;
      this.clearProblem();
      if (this.version && outcome.body.version != null) this.version.value = outcome.body.version;
      this.base = this.sentValues;
      this.form.dispatchEvent(new CustomEvent("csi:saved", { detail: { sent: sentText } }));
      call("saved", this, outcome.body);
      if (newer) { this.state = "dirty"; this.save(); return; }
      this.state = "idle";
      this.say(outcome.body.saved_at ? "✓ " + outcome.body.saved_at : "✓ " + CSI.text("saved_now"), "");
      return;
    }
    if (outcome.code === "conflict" && outcome.body.theirs) { this.conflict(outcome.body); return; }
    this.state = outcome.code === "signed_out" ? "signed_out" : "error";
    if (newer && outcome.code !== "signed_out" && !CSI.retryAfter(outcome)) {
      this.save();  // what was typed meanwhile may be what was missing: send it, show its answer
      return;
    }
    this.clearProblem();
    this.showErrors(outcome.body.errors);
    this.showProblem(outcome);
    var wait = CSI.retryAfter(outcome);
    if (wait && this.retries < MAX_RETRIES) {
      var self = this;
      this.retries += 1;
      this.retryTimer = setTimeout(function () { self.edits += 1; self.save(); }, wait * this.retries);
    }
  };

  // Save by the button only (the plan's bulk edit): follow where the answer leads, or say why not.
  Controller.prototype.submit = function (submitter) {
    var self = this;
    if (this.inFlight) return;
    this.clearProblem();
    this.state = "saving";
    this.say(CSI.text("saving"), "saving");
    this.inFlight = CSI.send(this.form, submitter).then(function (outcome) {
      self.inFlight = null;
      if (outcome.ok) {
        self.state = "idle";
        if (outcome.body.redirect) { leaving = true; window.location.href = outcome.body.redirect; }
        return;
      }
      self.state = "idle";  // nothing typed is at stake: the choices stay on the page
      self.clearProblem();
      self.showErrors(outcome.body.errors);
      self.showProblem(outcome);
    });
  };

  // --- the page -----------------------------------------------------------------------------

  function busy() {
    return controllers.filter(function (c) { return c.submitOnly ? c.state === "saving" : c.state !== "idle"; });
  }

  // Send what can be sent now; resolves when those requests are answered.
  function flush(keepalive) {
    return Promise.all(busy().map(function (c) {
      if (c.state === "saving") return c.inFlight;
      if (c.state === "dirty" || c.state === "error") { c.edits += 1; return c.save(keepalive); }
      return null;
    }).filter(Boolean));
  }

  CSI.autosave = {
    Controller: Controller,  // merge.js adds the conflict's merge to it
    controllers: controllers,
    busy: busy,
    flush: flush,
    notify: call,
    same: same,
    hook: function (h) { hooks.push(h); if (h.setup) controllers.forEach(function (c) { h.setup(c); }); }
  };

  document.querySelectorAll("form[data-autosave]").forEach(function (form) { controllers.push(new Controller(form)); });
  if (!controllers.length) return;

  // Following a link: save what is pending first, then go; if something cannot be saved, say
  // what and why, and let the next click leave without it.
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest ? ev.target.closest("a[href]") : null;
    if (!link || ev.defaultPrevented || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
    if ((link.target && link.target !== "_self") || link.origin !== window.location.origin) return;
    if (link.pathname === window.location.pathname && link.search === window.location.search && link.hash) return;
    if (leaving || !busy().length) return;
    ev.preventDefault();
    flush().then(function () {
      var left = busy();
      if (!left.length) { leaving = true; window.location.href = link.href; return; }
      leaving = true;  // the next click leaves
      var what = left.map(function (c) { return c.label; }).join(", ");
      CSI.announce(CSI.text("not_saved_leave", { what: what }), true);
      var first = left[0];
      (first.form.closest("article") || first.form).scrollIntoView({ block: "center" });
      if (!first.problem) first.say(CSI.text("not_saved_leave", { what: what }), "failed");
    });
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush(true);
  });

  window.addEventListener("beforeunload", function (ev) {
    if (!leaving && busy().length) { ev.preventDefault(); ev.returnValue = ""; }
  });

  // Signed in again (in another tab): send what waited.
  document.addEventListener("csi:signed-in", function () {
    controllers.forEach(function (c) {
      if (c.state === "signed_out" || c.state === "error") { c.retries = 0; c.edits += 1; c.save(); }
    });
  });
  window.addEventListener("online", function () {
    controllers.forEach(function (c) { if (c.state === "error") { c.edits += 1; c.save(); } });
  });
})();
