// Conflicts on autosaved forms: someone saved first. A three-way merge, field by field, of the
// values as loaded or last saved (the base), theirs (the 409 answer) and mine: a field only they
// changed takes theirs, a field only I changed keeps mine, a field we both changed is mine to
// choose. "Keep mine" sends only what I changed; nothing I did not change is written over.
// Loaded after autosave.js, which calls conflict() when a save answers 409 conflict.
(function () {
  "use strict";
  var CSI = window.CSI;
  if (!CSI || !CSI.autosave) return;
  var Controller = CSI.autosave.Controller;
  var same = CSI.autosave.same;
  var call = CSI.autosave.notify;

  // Server values as the form holds them (numbers as text, nothing as "").
  function normal(raw) {
    if (Array.isArray(raw)) return raw.map(function (row) { return [].concat(row).map(function (x) { return x == null ? "" : String(x); }); });
    return raw == null || raw === false ? "" : String(raw);
  }

  Controller.prototype.shown = function (field, raw) {
    var controls = this.controls(field);
    if (Array.isArray(raw)) {
      return raw.map(function (row) {
        return row.map(function (value, i) {
          var control = controls.filter(function (c) { return /-0-[^-]+$/.test(c.name); })[i];
          if (control && control.tagName === "SELECT") {
            var opt = control.querySelector('option[value="' + CSS.escape(value) + '"]');
            return opt ? opt.textContent.split(" · ")[0] : value;
          }
          return value;
        }).filter(Boolean).join(field === "citations" ? " § " : ", ");
      }).join("; ") || "–";
    }
    if (controls.length && controls[0].type === "radio") {
      var match = controls.filter(function (c) { return c.value === raw; })[0];
      return match ? match.parentNode.textContent.trim() : "–";
    }
    if (controls.length && controls[0].hasAttribute("data-multi")) {  // the elements ticked, numbered from 1
      return raw ? raw.split(",").map(function (i) { return Number(i) + 1; }).join(", ") : "–";
    }
    if (controls.length && controls[0].type === "checkbox") return raw ? "✓" : "–";
    if (controls.length && controls[0].tagName === "SELECT") {
      var opt = controls[0].querySelector('option[value="' + CSS.escape(raw) + '"]');
      return opt && raw ? opt.textContent : "–";
    }
    return raw || "–";
  };

  Controller.prototype.setValue = function (field, raw) {
    raw = normal(raw);
    if (this.lists.indexOf(field) >= 0) {
      var holder = this.form.querySelector('[data-list="' + field + '"]');
      var rows = holder.querySelectorAll("[data-row]");
      while (rows.length < raw.length + 1 && rows.length) {  // one blank row stays below
        var copy = rows[rows.length - 1].cloneNode(true);
        var index = rows.length;
        copy.querySelectorAll("[name], [id], label[for]").forEach(function (el) {
          ["name", "id", "for"].forEach(function (attr) {
            if (el.hasAttribute(attr)) el.setAttribute(attr, el.getAttribute(attr).replace(/-\d+-([^-]+)$/, "-" + index + "-$1"));
          });
        });
        rows[rows.length - 1].insertAdjacentElement("afterend", copy);
        rows = holder.querySelectorAll("[data-row]");
      }
      Array.prototype.forEach.call(rows, function (row, i) {
        var controls = row.querySelectorAll("input, select, textarea");
        Array.prototype.forEach.call(controls, function (control, j) {
          control.value = i < raw.length && raw[i][j] != null ? raw[i][j] : "";
        });
      });
    } else {
      this.controls(field).forEach(function (control) {
        if (control.type === "radio") control.checked = control.value === raw;
        else if (control.hasAttribute("data-multi")) control.checked = raw.split(",").indexOf(control.value) >= 0;
        else if (control.type === "checkbox") control.checked = raw !== "";
        else control.value = raw;
      });
    }
    call("setValue", this, field);
  };


  // --- conflicts: a three-way merge, field by field ----------------------------------------

  Controller.prototype.conflict = function (body) {
    var self = this, box = null;
    this.state = "conflict";
    this.clearProblem();
    var mine = this.values();
    var items = body.theirs.map(function (item) {
      var theirs = normal(item.raw);
      var base = self.base[item.field] === undefined ? theirs : self.base[item.field];
      var current = mine[item.field] === undefined ? theirs : mine[item.field];
      return {
        field: item.field, label: item.label, raw: item.raw, theirs: theirs, mine: current,
        mineChanged: !same(current, base), theirsChanged: !same(theirs, base)
      };
    });
    var differing = items.filter(function (item) { return !same(item.theirs, item.mine); });

    function resolve(choose) {
      if (box) box.remove();
      self.version.value = body.version;
      items.forEach(function (item) { self.base[item.field] = item.theirs; });
      differing.forEach(function (item) { if (choose(item) === "theirs") self.setValue(item.field, item.theirs); });
      self.state = "dirty";
      self.edits += 1;
      self.sentEdits = -1;
      if (same(self.values(), self.base)) {  // nothing of mine is left to send
        self.state = "idle";
        self.sentEdits = self.edits;
        self.say("", "");
        return;
      }
      self.save();
    }

    if (!differing.length) { resolve(function () { return "mine"; }); return; }
    this.say(CSI.text("not_saved"), "failed");
    box = document.createElement("div");
    box.className = "theirs";
    box.setAttribute("role", "alert");
    var title = document.createElement("p");
    title.textContent = body.message;
    box.appendChild(title);
    var strong = document.createElement("strong");
    strong.textContent = CSI.text("their_values");
    box.appendChild(strong);
    var table = document.createElement("table");
    table.className = "list merge";
    var group = "merge-" + Math.random().toString(36).slice(2);
    differing.forEach(function (item, n) {
      var row = table.insertRow();
      var head = row.insertCell();
      head.textContent = item.label;
      if (item.mineChanged && item.theirsChanged) {
        var both = document.createElement("small");
        both.className = "both-changed";
        both.textContent = " (" + CSI.text("both") + ")";
        head.appendChild(both);
      }
      ["theirs", "mine"].forEach(function (side) {
        var cell = row.insertCell();
        var label = document.createElement("label");
        var radio = document.createElement("input");
        radio.type = "radio";
        radio.name = group + "-" + n;
        radio.value = side;
        radio.checked = side === (item.mineChanged ? "mine" : "theirs");
        label.appendChild(radio);
        label.appendChild(document.createTextNode(" " + self.shown(item.field, item[side]) + " (" + CSI.text(side) + ")"));
        cell.appendChild(label);
      });
      item.row = row;
    });
    box.appendChild(table);
    var merge = document.createElement("button");
    merge.type = "button";
    merge.textContent = CSI.text("merge");
    merge.addEventListener("click", function () {
      resolve(function (item) { return item.row.querySelector('input[value="theirs"]').checked ? "theirs" : "mine"; });
    });
    var take = document.createElement("button");
    take.type = "button";
    take.textContent = CSI.text("take");
    take.addEventListener("click", function () {
      box.remove();
      self.version.value = body.version;
      items.forEach(function (item) { self.setValue(item.field, item.theirs); self.base[item.field] = item.theirs; });
      self.state = "idle";
      self.sentEdits = self.edits;
      self.say("", "");
      self.form.dispatchEvent(new CustomEvent("csi:saved", { detail: { sent: self.snapshot() } }));
    });
    var keep = document.createElement("button");
    keep.type = "button";
    keep.textContent = CSI.text("keep");
    // Keep what I changed; everything I did not touch takes their values.
    keep.addEventListener("click", function () { resolve(function (item) { return item.mineChanged ? "mine" : "theirs"; }); });
    [merge, take, keep].forEach(function (b) { box.appendChild(b); box.appendChild(document.createTextNode(" ")); });
    var anchor = (this.status && (this.status.closest(".save-row") || this.status.parentNode)) || this.form.lastElementChild;
    anchor.insertAdjacentElement("afterend", box);
  };

})();
