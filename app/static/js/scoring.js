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
    this.touched = {};  // fields changed since the last save that succeeded
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
      if (ev.target.name) self.touched[fieldOf(ev.target.name)] = true;
      if (ev.target.type === "radio") self.toggleNA();
      if (ev.target.tagName === "TEXTAREA" || ev.target.type === "text") return;  // saved on input
      self.changed(0);
    });
    form.addEventListener("input", function (ev) {
      if (ev.target.tagName !== "TEXTAREA" && ev.target.type !== "text") return;
      if (ev.target.name) self.touched[fieldOf(ev.target.name)] = true;
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
    this.touched = {};
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

  // The form's field a control belongs to: "AAA-01-rv-comment" -> "comment", citation rows -> "citations".
  function fieldOf(name) {
    if (/-citations-\d+-/.test(name)) return "citations";
    var parts = name.split("-");
    return parts[parts.length - 1];
  }

  Controller.prototype.controls = function (field) {
    return Array.prototype.filter.call(this.form.elements, function (el) {
      return el.name && fieldOf(el.name) === field && !/-version$|-next$|csrf_token$/.test(el.name);
    });
  };

  Controller.prototype.valueOf = function (field) {
    if (field === "citations") {
      return Array.prototype.map.call(this.form.querySelectorAll(".citation-row"), function (row) {
        var sop = row.querySelector("select"), section = row.querySelector("input");
        return [sop && sop.value ? Number(sop.value) : null, section ? section.value : ""];
      }).filter(function (pair) { return pair[0] !== null; });
    }
    var controls = this.controls(field);
    if (controls.length && controls[0].type === "radio") {
      var checked = controls.filter(function (c) { return c.checked; })[0];
      return checked ? checked.value : "";
    }
    return controls.length ? controls[0].value : "";
  };

  Controller.prototype.shown = function (field, raw) {
    if (field === "citations") {
      var form = this.form;
      return raw.map(function (pair) {
        var option = form.querySelector('.citation-row select option[value="' + pair[0] + '"]');
        return (option ? option.textContent.split(" · ")[0] : "?") + (pair[1] ? " § " + pair[1] : "");
      }).join("; ") || "–";
    }
    var controls = this.controls(field);
    if (controls.length && controls[0].type === "radio") {
      var match = controls.filter(function (c) { return c.value === raw; })[0];
      return match ? match.parentNode.textContent.trim() : "–";
    }
    if (controls.length && controls[0].tagName === "SELECT") {
      var opt = controls[0].querySelector('option[value="' + raw + '"]');
      return opt && raw ? opt.textContent : "–";
    }
    return raw || "–";
  };

  Controller.prototype.setValue = function (field, raw) {
    if (field === "citations") {
      var rows = this.form.querySelectorAll(".citation-row");
      var holder = this.form.querySelector("[data-citations]");
      while (rows.length < raw.length + 1 && rows.length) {  // one blank row stays below
        var copy = rows[rows.length - 1].cloneNode(true);
        var index = rows.length;
        copy.querySelectorAll("[name], [id], label[for]").forEach(function (el) {
          ["name", "id", "for"].forEach(function (attr) {
            if (el.hasAttribute(attr)) el.setAttribute(attr, el.getAttribute(attr).replace(/-citations-\d+-/, "-citations-" + index + "-"));
          });
        });
        rows[rows.length - 1].insertAdjacentElement("afterend", copy);
        rows = this.form.querySelectorAll(".citation-row");
      }
      Array.prototype.forEach.call(rows, function (row, i) {
        row.querySelector("select").value = i < raw.length ? String(raw[i][0]) : "";
        row.querySelector("input").value = i < raw.length ? raw[i][1] : "";
      });
      if (!holder) return;
      return;
    }
    this.controls(field).forEach(function (control) {
      if (control.type === "radio") control.checked = control.value === raw;
      else control.value = raw == null ? "" : raw;
    });
    if (field === "score") this.toggleNA();
  };

  // Someone else saved first: their values beside yours, field by field. Take theirs, keep
  // yours, or choose per field; a field you did not touch defaults to theirs, so nothing you
  // did not see is written over.
  Controller.prototype.conflict = function (body) {
    var self = this;
    this.state = "conflict";
    this.serverVersion = body.version;
    this.say(body.message, "failed");
    var differing = body.theirs.filter(function (item) {
      return JSON.stringify(item.raw || "") !== JSON.stringify(self.valueOf(item.field) || "");
    });
    var box = document.createElement("div");
    box.className = "theirs";
    box.setAttribute("role", "alert");
    var title = document.createElement("strong");
    title.textContent = this.form.dataset.theirsText || "Their values";
    box.appendChild(title);
    var table = document.createElement("table");
    table.className = "list merge";
    differing.forEach(function (item, n) {
      var row = table.insertRow();
      row.insertCell().textContent = item.label;
      ["theirs", "mine"].forEach(function (side) {
        var cell = row.insertCell();
        var label = document.createElement("label");
        var radio = document.createElement("input");
        radio.type = "radio";
        radio.name = "merge-" + self.form.action + "-" + n;
        radio.value = side;
        radio.checked = side === (self.touched[item.field] ? "mine" : "theirs");
        label.appendChild(radio);
        label.appendChild(document.createTextNode(" " + (side === "theirs" ? self.shown(item.field, item.raw) + " (" + (self.form.dataset.theirsWord || "theirs") + ")" : self.shown(item.field, self.valueOf(item.field)) + " (" + (self.form.dataset.mineWord || "mine") + ")")));
        cell.appendChild(label);
      });
      item.row = row;
    });
    box.appendChild(table);
    function finish(save) {
      box.remove();
      self.version.value = self.serverVersion;
      self.touched = {};
      if (save) { self.state = "dirty"; self.edits += 1; self.save(); }
      else { self.state = "idle"; self.say("", ""); }
    }
    var merge = document.createElement("button");
    merge.type = "button";
    merge.textContent = this.form.dataset.mergeText || "Save these choices";
    merge.addEventListener("click", function () {
      differing.forEach(function (item) {
        var theirs = item.row.querySelector('input[value="theirs"]').checked;
        if (theirs) self.setValue(item.field, item.raw);
      });
      finish(true);
    });
    var take = document.createElement("button");
    take.type = "button";
    take.textContent = this.form.dataset.takeText || "Take theirs";
    take.addEventListener("click", function () {
      body.theirs.forEach(function (item) { self.setValue(item.field, item.raw); });
      finish(false);
    });
    var keep = document.createElement("button");
    keep.type = "button";
    keep.textContent = this.form.dataset.keepText || "Keep mine";
    keep.addEventListener("click", function () { finish(true); });
    [merge, take, keep].forEach(function (b) { box.appendChild(b); box.appendChild(document.createTextNode(" ")); });
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
