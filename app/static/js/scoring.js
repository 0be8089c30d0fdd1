// Requirement cards: what autosave (autosave.js) needs to know about them, and the keys.
// Without JavaScript the same forms post normally; this file only makes them quicker to use.
//
// N/A waits for its justification, and a disagreement or a query waits for its comment: they
// are saved together, never one without the other. After a save the card updates its
// section's progress, the checklist's advice for the level, and asks whether a 0 whose note
// says the document was not seen meant "not evidenced". The citation rows' lists of documents
// are filled from the page's template.
(function () {
  "use strict";
  // A citation row comes with the documents by their codes (a blank row) or with its own and
  // "—" (a row that cites one): the unit's register, named in full, is sent once, in the page's
  // template, and every row takes it here.
  var documents = document.getElementById("documents");
  if (documents) {
    document.querySelectorAll("[data-citations] select").forEach(function (select) {
      var value = select.value;
      select.replaceChildren(documents.content.cloneNode(true));
      Array.prototype.forEach.call(select.options, function (o) { o.defaultSelected = o.value === value; });
      select.value = value;
    });
  }

  var CSI = window.CSI;
  if (!CSI || !CSI.autosave) return;

  function pick(form, value) {
    return form.querySelector('input[type=radio][name$="-score"][value="' + value + '"]');
  }

  // The score chosen: a card picks it with radio buttons, a row of the table with a select.
  function chosen(form) {
    var select = form.querySelector('select[name$="-score"]');
    if (select) return select.value;
    var checked = form.querySelector('input[type=radio][name$="-score"]:checked');
    return checked ? checked.value : "";
  }

  function isNA(form) { return chosen(form) === "na"; }

  function toggleNA(form) {
    var box = form.querySelector(".na-only");
    if (box) box.hidden = !isNA(form);
    var scored = form.querySelector(".scored-only");
    if (scored) scored.hidden = !/^\d+$/.test(chosen(form));
  }

  function empty(form, suffix) {
    var field = form.querySelector('textarea[name$="-' + suffix + '"]');
    return field && !field.value.trim();
  }

  // A line a card shows only when it applies (the checklist's recommendation for the level, the
  // question whether "not evidenced" was meant): the server writes it in the card when it
  // applies at load; after a save it comes from the page's template, once, above the Save button.
  function part(form, key) {
    var shown = form.querySelector("[data-" + key + "]");
    if (shown) return shown;
    var template = document.getElementById("card-parts");
    var model = template && template.content.querySelector("[data-" + key + "]");
    var save = form.querySelector(".save-row");
    if (!model || !save) return null;
    var line = model.cloneNode(true);
    line.hidden = true;
    var card = form.closest("[data-req]");
    var button = line.querySelector("[data-mark-ne]");
    if (button && card) button.name = card.dataset.req + "-as";
    var ask = key === "rec" && form.querySelector("[data-ask-ne]");
    (ask || save).before(line);
    return line;
  }

  function updateProgress(key, summary) {
    document.querySelectorAll('[data-progress="' + key + '"]').forEach(function (box) {
      var bar = box.querySelector("progress");
      bar.value = summary.answered;
      bar.max = summary.total || 1;
      var format = box.dataset.format || "{done} / {total}";
      box.querySelector(".progress-text").textContent = format.replace("{done}", summary.answered).replace("{total}", summary.total);
    });
  }

  CSI.autosave.hook({
    setup: function (c) {
      toggleNA(c.form);
      c.form.addEventListener("change", function (ev) {
        if (ev.target.type === "radio" || /-score$/.test(ev.target.name)) toggleNA(c.form);
      });
      // "Mark as not evidenced": choose it on the card and save (without JavaScript it posts).
      c.form.addEventListener("click", function (ev) {
        if (!ev.target.closest || !ev.target.closest("[data-mark-ne]")) return;
        ev.preventDefault();
        var ne = pick(c.form, "ne");
        if (!ne) return;
        ne.checked = true;
        ne.dispatchEvent(new Event("change", { bubbles: true }));
        ne.focus();
      });
    },

    // What a card waits for before it sends anything, said on the card.
    waiting: function (c) {
      var form = c.form;
      if (isNA(form) && empty(form, "na_justification")) return CSI.text("wait_na");
      var stance = form.querySelector('input[type=radio][name$="-stance"]:checked');
      if (stance && (stance.value === "disagree" || stance.value === "query") && empty(form, "comment")) return CSI.text("wait_comment");
      return null;
    },

    setValue: function (c, field) { if (field === "score") toggleNA(c.form); },

    saved: function (c, body) {
      var form = c.form;
      var rec = body.recommendation ? part(form, "rec") : form.querySelector("[data-rec]");
      if (rec && "recommendation" in body) {
        rec.hidden = !body.recommendation;
        rec.querySelector("[data-rec-text]").textContent = body.recommendation || "";
      }
      var ask = body.asks_not_evidenced ? part(form, "ask-ne") : form.querySelector("[data-ask-ne]");
      if (ask && "asks_not_evidenced" in body) ask.hidden = !body.asks_not_evidenced;
      var card = form.closest("[data-section]");  // a card's article, or a row of the table
      var meta = card && document.querySelector('nav.sections a[href$="?section=' + card.dataset.section + '"] > span');
      if (meta && body.section) meta.textContent = body.section.answered + "/" + body.section.total + (body.section.score !== "–" ? " · " + body.section.score : "");
      if (body.section) updateProgress("section", body.section);
      if (body.overall) {
        updateProgress("overall", body.overall);
        var overall = document.querySelector("[data-overall-score]");
        if (overall) overall.textContent = body.overall.score;
      }
    }
  });

  // Keys: 0-3 score the card in focus, N marks N/A, E not evidenced; J and K move between cards.
  var cards = Array.prototype.slice.call(document.querySelectorAll("article.req"));
  function focusCard(card) {
    if (!card) return;
    card.scrollIntoView({ block: "start", behavior: "smooth" });
    var checked = card.querySelector("input[type=radio]:checked") || card.querySelector("input[type=radio]") || card;
    checked.focus({ preventScroll: true });
  }
  if (location.hash === "#first-card" || location.hash === "#last-card") {
    focusCard(cards[location.hash === "#first-card" ? 0 : cards.length - 1]);
  }
  var KEYS = { n: "na", e: "ne" };
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t.tagName === "TEXTAREA" || t.tagName === "SELECT" || (t.tagName === "INPUT" && t.type !== "radio" && t.type !== "checkbox")) return;
    var card = t.closest ? t.closest("article.req") : null;
    var key = ev.key.toLowerCase();
    if (key === "j" || key === "k") {
      var i = card ? cards.indexOf(card) : -1;
      var to = key === "j" ? i + 1 : i - 1;
      // Past the last card of a section's page, or before its first: on to the next or previous page,
      // where the first (or last) card takes the focus.
      var pager = to >= cards.length || (to < 0 && card) ? document.querySelector(key === "j" ? "a[rel=next]" : "a[rel=prev]") : null;
      if (pager) {
        pager.href = pager.href.split("#")[0] + (key === "j" ? "#first-card" : "#last-card");
        pager.click();
      } else {
        focusCard(cards[Math.min(Math.max(to, 0), cards.length - 1)]);
      }
      ev.preventDefault();
      return;
    }
    if (!card) return;
    var form = (t.closest && t.closest("form[data-autosave]")) || card.querySelector("form[data-autosave]");
    if (!form) return;
    var value = KEYS[key] || key;
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
