// "Still holds" on the re-check cards of an upgraded draft: confirm a carried answer without
// leaving the page, with the button or the H key on a card in focus, then go on to the next
// card still to re-check. Without JavaScript the button posts its form and the page reloads.
//
// The confirmation carries the version the card's own form holds (its autosave keeps it
// current), and gives the card's form the new version back, so the next save is no conflict.
(function () {
  "use strict";
  var WAIT_MS = 150, WAIT_TRIES = 40;  // at most six seconds behind the card's own save

  function ownVersion(card) {
    return card.querySelector('form.layer-self input[name$="-version"]');
  }

  // Whether the card's own form is still saving or about to: its status shows "…" or "Saving…".
  function saving(card) {
    var status = card.querySelector("form.layer-self [data-status]");
    return !!status && (status.classList.contains("saving") || status.textContent.trim() === "…");
  }

  function nextToCheck(card) {
    var cards = Array.prototype.slice.call(document.querySelectorAll("article.req"));
    for (var i = cards.indexOf(card) + 1; i < cards.length; i++) {
      var button = cards[i].querySelector("form[data-still-holds] button");
      if (button) return button;
    }
    return null;
  }

  function say(form, text, failed) {
    var status = form.querySelector("[data-confirm-status]");
    status.textContent = text;
    status.classList.toggle("failed", !!failed);
  }

  function confirmed(form, card, body) {
    var version = ownVersion(card);
    if (version) {
      version.value = body.version;
      // For a card controller that keeps the version elsewhere: the card's form has a new one.
      version.form.dispatchEvent(new CustomEvent("recheck:confirmed", { bubbles: true, detail: { version: body.version } }));
    }
    form.querySelector('input[name="version"]').value = body.version;
    var tag = card.querySelector(".tag-recheck");
    if (tag) tag.remove();
    var box = form.closest("[data-carried]");
    box.classList.remove("to-recheck");
    var wording = box.querySelector("details.wording");
    if (wording) wording.open = false;
    var hint = form.querySelector(".hint");
    if (hint) hint.remove();
    var next = nextToCheck(card);
    form.querySelector("button").remove();
    say(form, body.message + " " + body.left_text, false);
    if (next) {
      next.closest("article.req").scrollIntoView({ block: "start" });
      next.focus({ preventScroll: true });
    } else {
      // The page's last card to re-check: "Next" goes on to the list's next page, where the keys
      // go on from its first card (as J does).
      var pager = document.querySelector("nav.pager a[rel=next]");
      if (pager) {
        pager.href = pager.href.split("#")[0] + "#first-card";
        pager.focus();
      }
    }
  }

  function send(form, tries) {
    var card = form.closest("article.req");
    var button = form.querySelector("button");
    if (!button || button.disabled && tries === 0) return;
    button.disabled = true;
    if (saving(card) && tries < WAIT_TRIES) {
      setTimeout(function () { send(form, tries + 1); }, WAIT_MS);
      return;
    }
    var version = ownVersion(card);
    if (version && version.value) form.querySelector('input[name="version"]').value = version.value;
    // CSI.send (session.js) renews an expired form token, and says "signed out" the way every
    // page does, offering to sign in again in a new tab; the answer's message says what to do.
    window.CSI.send(form).then(function (outcome) {
      if (outcome.ok) {
        confirmed(form, card, outcome.body);
      } else {
        button.disabled = false;
        say(form, outcome.message || form.dataset.failedText, true);
      }
    });
  }

  document.querySelectorAll("form[data-still-holds]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      send(form, 0);
    });
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.key.toLowerCase() !== "h") return;
    var t = ev.target;
    if (t.tagName === "TEXTAREA" || t.tagName === "SELECT" || (t.tagName === "INPUT" && t.type !== "radio" && t.type !== "checkbox")) return;
    var card = t.closest ? t.closest("article.req") : null;
    var form = card ? card.querySelector("form[data-still-holds]") : null;
    if (!form || !form.querySelector("button")) return;
    ev.preventDefault();
    send(form, 0);
  });
})();
