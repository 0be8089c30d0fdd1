// Elements ticked on a card (fieldset[data-ticks]): the level they give, said beside them as
// they change. The score follows the ticks until the person picks another level; then the
// reason field is shown, and the card waits for the reason before it saves. Without
// JavaScript the same checkboxes post, and the server says when a reason is missing.
//
// The rule is the checklist's (app/domain/checklist.py, level_from_elements): 3 every element
// met; 2 every essential one and at least half; 1 at least one; nothing ticked: not ticked.
(function () {
  "use strict";
  var CSI = window.CSI;
  if (!CSI || !CSI.autosave) return;

  function boxes(box) { return Array.prototype.slice.call(box.querySelectorAll("input[type=checkbox][data-multi]")); }

  function level(box) {
    var all = boxes(box);
    var ticked = all.filter(function (b) { return b.checked; }).length;
    if (!ticked) return null;
    if (ticked === all.length) return 3;
    var essentials = all.every(function (b) { return b.checked || !b.hasAttribute("data-essential"); });
    return essentials && 2 * ticked >= all.length ? 2 : 1;
  }

  function chosen(form) {
    var checked = form.querySelector('input[type=radio][name$="-score"]:checked');
    return checked ? checked.value : "";
  }

  function radio(form, value) {
    return form.querySelector('input[type=radio][name$="-score"][value="' + value + '"]');
  }

  function needsReason(c) {
    var lv = level(c.ticks.box), value = chosen(c.form);
    return lv !== null && /^\d+$/.test(value) && value !== String(lv);
  }

  function reasonEmpty(c) {
    var text = c.form.querySelector('textarea[name$="-level_reason"]');
    return !text || !text.value.trim();
  }

  // The line under the ticks and the reason field, as the ticks and the score stand.
  function show(c) {
    var t = c.ticks, lv = level(t.box);
    var line = t.box.querySelector("[data-ticks-give]");
    if (line) {
      var pick = lv === null ? null : radio(c.form, lv);
      line.hidden = !pick;
      var format = (t.box.closest("[data-give-format]") || t.box).dataset.giveFormat || "%(level)s";  // said once a page
      if (pick) line.textContent = format.replace("%(level)s", pick.parentNode.textContent.trim());
    }
    if (t.reason) t.reason.hidden = !needsReason(c) && reasonEmpty(c);
  }

  function follows(c) {
    var lv = level(c.ticks.box), value = chosen(c.form);
    return lv === null || value === "" || value === String(lv);
  }

  CSI.autosave.hook({
    setup: function (c) {
      var box = c.form.querySelector("[data-ticks]");
      if (!box) return;
      c.ticks = { box: box, reason: c.form.querySelector(".level-reason"), following: true, setting: false };
      c.ticks.following = follows(c);
      box.addEventListener("change", function (ev) {
        if (!ev.target.hasAttribute("data-multi")) return;
        var lv = level(box);
        if (c.ticks.following && lv !== null) {
          var pick = radio(c.form, lv);
          if (pick && !pick.checked) {
            pick.checked = true;
            c.ticks.setting = true;
            pick.dispatchEvent(new Event("change", { bubbles: true }));
            c.ticks.setting = false;
          }
        }
        show(c);
      });
      c.form.addEventListener("change", function (ev) {
        if (ev.target.type !== "radio" || !/-score$/.test(ev.target.name) || c.ticks.setting) return;
        c.ticks.following = follows(c);  // another level than the ticks': the score stops following
        show(c);
      });
      c.form.addEventListener("input", function (ev) { if (/-level_reason$/.test(ev.target.name || "")) show(c); });
      show(c);
    },

    waiting: function (c) {
      if (c.ticks && needsReason(c) && reasonEmpty(c)) return CSI.text("wait_reason");
      return null;
    },

    setValue: function (c, field) {
      if (!c.ticks || (field !== "ticks" && field !== "score")) return null;
      c.ticks.following = follows(c);
      show(c);
      return null;
    },

    saved: function (c, body) {
      // N/A, not evidenced and to verify on site clear the ticks on the server: so here.
      if (!c.ticks || !("ticks" in body) || body.ticks !== null) return null;
      var any = boxes(c.ticks.box).some(function (b) { return b.checked; });
      if (any && c.edits === c.sentEdits) {
        boxes(c.ticks.box).forEach(function (b) { b.checked = false; });
        c.base.ticks = "";
        c.ticks.following = true;
        show(c);
      }
      return null;
    }
  });
})();
