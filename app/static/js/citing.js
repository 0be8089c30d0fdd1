// The card's "Cite" buttons: cite a suggested passage without leaving the card.
// Without JavaScript the same forms post and the page comes back at the card.
//
// The card's own pending save goes first, so the cite carries the version that save answered;
// after the cite the card's form takes the new version and shows the citation in a row of its
// own, so the next autosave keeps it and does not conflict with the cite.
(function () {
  "use strict";
  var CSI = window.CSI;
  if (!CSI || !CSI.autosave) return;

  function selfController(article) {
    return CSI.autosave.controllers.filter(function (c) {
      return article.contains(c.form) && c.form.classList.contains("layer-self");
    })[0] || null;
  }

  // A row of the citations list for the new citation: the first empty one, else a copy of the last.
  function freeRow(list) {
    var rows = list.querySelectorAll("[data-row]");
    for (var i = 0; i < rows.length; i++) {
      var choice = rows[i].querySelector("select");
      if (choice && choice.value === "") return rows[i];
    }
    return rows.length ? copyRow(list, rows[rows.length - 1]) : null;
  }

  function copyRow(list, last) {
    var index = list.querySelectorAll("[data-row]").length;
    var copy = last.cloneNode(true);
    copy.querySelectorAll("input, select, textarea, label").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        if (el.hasAttribute(attr)) el.setAttribute(attr, el.getAttribute(attr).replace(/-\d+-([^-]+)$/, "-" + index + "-$1"));
      });
      if (el.tagName !== "LABEL") el.value = "";
    });
    copy.querySelectorAll("[data-quote], .error").forEach(function (el) { el.remove(); });
    last.insertAdjacentElement("afterend", copy);
    return copy;
  }

  function showCitation(c, citation) {
    var list = c.form.querySelector("[data-citations]");
    if (!list) return;
    var rows = Array.prototype.slice.call(list.querySelectorAll("[data-row]"));
    var row = rows.filter(function (r) {
      var choice = r.querySelector("select"), section = r.querySelector("input[type=text]");
      return choice && section && choice.value === String(citation.sop_id) && section.value.trim() === citation.section;
    })[0] || freeRow(list);
    if (!row) return;
    row.querySelector("select").value = String(citation.sop_id);
    row.querySelector("input[type=text]").value = citation.section;
    var quote = row.querySelector("[data-quote]");
    if (citation.quote) {
      if (!quote) {
        quote = document.createElement("blockquote");
        quote.className = "quote";
        quote.setAttribute("data-quote", "");
        row.appendChild(quote);
      }
      quote.textContent = citation.quote;
    }
    if (!freeRowLeft(list)) copyRow(list, row);  // one empty row stays offered, as the page gives
    // The server holds the citation already: it is part of what was saved, not an edit to send.
    c.base.citations = c.valueOf("citations");
  }

  function freeRowLeft(list) {
    return Array.prototype.some.call(list.querySelectorAll("[data-row] select"), function (s) { return s.value === ""; });
  }

  function say(status, text, failed) {
    status.textContent = text;
    status.className = "cite-status" + (failed ? " failed" : "");
    if (failed) CSI.announce(text, true);
  }

  document.querySelectorAll("form[data-cite]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var button = form.querySelector("button");
      if (button.disabled) return;
      button.disabled = true;
      var article = form.closest("article");
      var box = form.closest("[data-suggested]");
      var status = box.querySelector("[data-cite-status]");
      var c = selfController(article);
      var first = c ? (c.inFlight || (c.state === "dirty" ? c.save() : null)) : null;
      say(status, CSI.text("saving"), false);
      Promise.resolve(first).then(function () {
        if (c && c.version) form.querySelector("[data-cite-version]").value = c.version.value;
        return CSI.send(form);
      }).then(function (outcome) {
        button.disabled = false;
        if (!outcome.ok) { say(status, outcome.message, true); return; }
        var body = outcome.body;
        if (c && c.version && body.version != null) c.version.value = body.version;
        box.querySelectorAll("[data-cite-version]").forEach(function (input) { input.value = body.version; });
        if (c) showCitation(c, body.citation);
        var cited = document.createElement("span");
        cited.className = "cited";
        cited.setAttribute("data-cited", "");
        cited.textContent = box.dataset.citedText || "✓";
        form.replaceWith(cited);
        say(status, body.message, false);
        if (c && c.state === "idle" && body.saved_at) c.say("✓ " + body.saved_at, "");
      });
    });
  });
})();
