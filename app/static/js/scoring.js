// Requirement cards: autosave each layer's form, keyboard shortcuts, N/A justification.
// Without JavaScript the same forms post normally; this file only makes them quicker to use.
//
// One controller per form: states idle, dirty, saving, conflict, error. One request in
// flight per form; edits made meanwhile are sent with the next request, carrying the
// version the server returned. Pending input is flushed before leaving the page.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var controllers = [];

  function Controller(form) {
    this.form = form;
    this.state = "idle";
    this.inFlight = false;
    this.queued = false;
    this.edits = 0;  // counts changes; a save covers the edits made before it was sent
    this.timer = null;
    this.status = form.querySelector("[data-status]");
    this.version = form.querySelector('input[name$="-version"]');
    this.bind();
    this.toggleNA();
  }

  Controller.prototype.say = function (text, kind) {
    this.status.textContent = text;
    this.status.className = "save-status" + (kind ? " " + kind : "");
  };

  Controller.prototype.pick = function (value) {
    return this.form.querySelector('input[type=radio][name$="-score"][value="' + value + '"]');
  };

  Controller.prototype.isNA = function () {
    var na = this.pick("na");
    return na && na.checked;
  };

  Controller.prototype.toggleNA = function () {
    var box = this.form.querySelector(".na-only");
    if (box) box.hidden = !this.isNA();
    var scored = this.form.querySelector(".scored-only");
    if (scored) {
      var checked = this.form.querySelector('input[type=radio][name$="-score"]:checked');
      scored.hidden = !checked || !/^\d+$/.test(checked.value);
    }
  };

  // N/A without a justification is not sent: the user is still typing it.
  Controller.prototype.waitingForJustification = function () {
    if (!this.isNA()) return false;
    var just = this.form.querySelector('textarea[name$="-na_justification"]');
    return just && !just.value.trim();
  };

  Controller.prototype.bind = function () {
    var self = this, form = this.form;
    form.addEventListener("change", function (ev) {
      if (ev.target.type === "radio") self.toggleNA();
      if (ev.target.tagName === "TEXTAREA" || ev.target.type === "text") return;  // saved on input
      self.changed(0);
    });
    form.addEventListener("input", function (ev) {
      if (ev.target.tagName !== "TEXTAREA" && ev.target.type !== "text") return;
      self.changed(900);
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      self.changed(0, true);
    });
  };

  Controller.prototype.changed = function (delay, force) {
    var self = this;
    if (this.state === "conflict" && !force) return;
    this.state = "dirty";
    this.edits += 1;
    clearTimeout(this.timer);
    if (this.waitingForJustification()) {
      this.say(this.form.dataset.naText || "Say why it does not apply; it is saved once you write it.", "");
      return;
    }
    this.say("…", "");
    this.timer = setTimeout(function () { self.save(); }, delay);
  };

  Controller.prototype.clearErrors = function () {
    this.form.querySelectorAll(".error.js-error, .theirs").forEach(function (el) { el.remove(); });
    this.form.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
  };

  Controller.prototype.showErrors = function (errors) {
    var form = this.form;
    Object.keys(errors || {}).forEach(function (name) {
      var input = form.querySelector('[name$="-' + name + '"]') || form.querySelector('[name*="-' + name + '-"]');
      var holder = input ? (input.closest(".field") || input.closest("fieldset")) : null;
      if (!holder) return;
      holder.classList.add("has-error");
      [].concat(errors[name]).forEach(function (msg) {
        if (typeof msg !== "string") return;
        var small = document.createElement("small");
        small.className = "error js-error";
        small.setAttribute("role", "alert");
        small.textContent = msg;
        holder.appendChild(small);
      });
    });
  };

  Controller.prototype.save = function (keepalive) {
    var self = this;
    clearTimeout(this.timer);
    if (this.state !== "dirty" || this.waitingForJustification()) return null;
    if (this.inFlight) { this.queued = true; return null; }
    this.inFlight = true;
    this.queued = false;
    this.sentEdits = this.edits;
    this.state = "saving";
    this.clearErrors();
    this.say(this.form.dataset.savingText || "Saving…", "saving");
    var request = fetch(this.form.action, {
      method: "POST",
      body: new FormData(this.form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin",
      keepalive: !!keepalive
    }).then(function (res) {
      return res.json().then(function (body) { return { status: res.status, body: body }; });
    }).then(function (r) {
      self.inFlight = false;
      if (r.body.ok) {
        self.saved(r.body);
      } else if (r.status === 409 && r.body.theirs) {
        self.conflict(r.body);
      } else {
        self.state = "error";
        self.showErrors(r.body.errors);
        self.say(r.body.message, "failed");
      }
    }).catch(function () {
      self.inFlight = false;
      self.state = "error";
      self.say(self.form.dataset.offlineText || "Not saved: the server did not answer. Your input is still here; try Save again.", "failed");
    });
    return request;
  };

  Controller.prototype.saved = function (body) {
    this.version.value = body.version;
    if (this.edits !== this.sentEdits) {  // edits made while this request was on its way
      this.state = "dirty";
      if (this.queued) this.save();  // else their own timer sends them
      return;
    }
    this.state = "idle";
    this.say("✓ " + body.saved_at, "");
    var rec = this.form.querySelector("[data-rec]");
    if (rec && "recommendation" in body) {
      rec.hidden = !body.recommendation;
      rec.querySelector("[data-rec-text]").textContent = body.recommendation || "";
    }
    var card = this.form.closest("article");
    var meta = document.querySelector('[data-section-meta="' + card.dataset.section + '"]');
    if (meta && body.section) meta.textContent = body.section.answered + "/" + body.section.total + (body.section.score !== "–" ? " · " + body.section.score : "");
    if (body.section) updateProgress("section", body.section);
    if (body.overall) {
      updateProgress("overall", body.overall);
      var overall = document.querySelector("[data-overall-score]");
      if (overall) overall.textContent = body.overall.score;
    }
  };

  // Someone else saved first: show their values beside ours and let the user choose.
  Controller.prototype.conflict = function (body) {
    var self = this;
    this.state = "conflict";
    this.serverVersion = body.version;
    this.say(body.message, "failed");
    var box = document.createElement("div");
    box.className = "theirs";
    box.setAttribute("role", "alert");
    var title = document.createElement("strong");
    title.textContent = this.form.dataset.theirsText || "Their values";
    box.appendChild(title);
    var list = document.createElement("dl");
    body.theirs.forEach(function (item) {
      if (!item.value) return;
      var dt = document.createElement("dt"); dt.textContent = item.label;
      var dd = document.createElement("dd"); dd.textContent = item.value;
      list.appendChild(dt); list.appendChild(dd);
    });
    box.appendChild(list);
    var take = document.createElement("button");
    take.type = "button";
    take.textContent = this.form.dataset.takeText || "Take theirs";
    take.addEventListener("click", function () {
      self.state = "idle";
      window.location.hash = self.form.closest("article").id;
      window.location.reload();
    });
    var keep = document.createElement("button");
    keep.type = "button";
    keep.textContent = this.form.dataset.keepText || "Keep mine";
    keep.addEventListener("click", function () {
      self.version.value = self.serverVersion;
      box.remove();
      self.state = "dirty";
      self.save();
    });
    box.appendChild(take);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(keep);
    this.status.parentNode.insertAdjacentElement("afterend", box);
  };

  function updateProgress(key, summary) {
    document.querySelectorAll('[data-progress="' + key + '"]').forEach(function (box) {
      var bar = box.querySelector("progress");
      bar.value = summary.answered;
      bar.max = summary.total || 1;
      var format = box.dataset.format || "{done} / {total}";
      box.querySelector(".progress-text").textContent = format.replace("{done}", summary.answered).replace("{total}", summary.total);
    });
  }

  function busy() {
    return controllers.filter(function (c) { return c.state !== "idle"; });
  }

  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    controllers.push(new Controller(form));
  });

  // Leaving for another section: send what is pending first, then go.
  document.querySelectorAll("a[data-leave], nav.sections a, nav.tabs a, nav.filters a").forEach(function (link) {
    link.addEventListener("click", function (ev) {
      var pending = busy();
      if (!pending.length) return;
      ev.preventDefault();
      var requests = pending.map(function (c) { return c.state === "dirty" ? c.save() : null; }).filter(Boolean);
      Promise.all(requests).then(function () {
        if (!busy().length) window.location.href = link.href;
        else busy()[0].form.closest("article").scrollIntoView({ block: "center" });
      });
    });
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") busy().forEach(function (c) { if (c.state === "dirty") c.save(true); });
  });

  window.addEventListener("beforeunload", function (ev) {
    if (busy().length) { ev.preventDefault(); ev.returnValue = ""; }
  });

  var cards = Array.prototype.slice.call(document.querySelectorAll("article.req"));
  function focusCard(card) {
    if (!card) return;
    card.scrollIntoView({ block: "start", behavior: "smooth" });
    var checked = card.querySelector("input[type=radio]:checked") || card.querySelector("input[type=radio]") || card;
    checked.focus({ preventScroll: true });
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t.tagName === "TEXTAREA" || t.tagName === "SELECT" || (t.tagName === "INPUT" && t.type !== "radio" && t.type !== "checkbox")) return;
    var card = t.closest ? t.closest("article.req") : null;
    var key = ev.key.toLowerCase();
    if (key === "j" || key === "k") {
      var i = card ? cards.indexOf(card) : -1;
      focusCard(cards[key === "j" ? i + 1 : Math.max(i - 1, 0)]);
      ev.preventDefault();
      return;
    }
    if (!card) return;
    var form = (t.closest && t.closest("form[data-autosave]")) || card.querySelector("form[data-autosave]");
    if (!form) return;
    var value = key === "n" ? "na" : key;
    var radio = form.querySelector('input[type=radio][name$="-score"][value="' + value + '"]');
    if (radio) {
      radio.checked = true;
      radio.focus();
      radio.dispatchEvent(new Event("change", { bubbles: true }));
      if (value === "na") { var just = form.querySelector('textarea[name$="-na_justification"]'); if (just) just.focus(); }
      ev.preventDefault();
    }
  });
})();
