// Scoring page: autosave each requirement card, keyboard shortcuts, N/A justification toggle.
// Without JavaScript the same forms post normally; this file only makes them quicker to use.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var pending = 0;

  function statusOf(form) { return form.querySelector("[data-status]"); }
  function say(form, text, kind) {
    var el = statusOf(form);
    el.textContent = text;
    el.className = "save-status" + (kind ? " " + kind : "");
  }

  function isNA(form) {
    var na = form.querySelector('input[type=radio][value="na"]');
    return na && na.checked;
  }
  function toggleNA(form) {
    var box = form.querySelector(".na-only");
    if (box) box.hidden = !isNA(form);
  }

  function clearErrors(form) {
    form.querySelectorAll(".error.js-error").forEach(function (el) { el.remove(); });
    form.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
  }
  function showErrors(form, errors) {
    Object.keys(errors || {}).forEach(function (name) {
      var input = form.querySelector('[name$="-' + name + '"]');
      var holder = input ? (input.closest(".field") || input.closest("fieldset")) : null;
      if (!holder) return;
      holder.classList.add("has-error");
      errors[name].forEach(function (msg) {
        var small = document.createElement("small");
        small.className = "error js-error";
        small.setAttribute("role", "alert");
        small.textContent = msg;
        holder.appendChild(small);
      });
    });
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

  function save(form, overwrite) {
    if (form.dataset.conflict && !overwrite) return;
    var version = form.querySelector('input[name$="-version"]');
    if (overwrite && form.dataset.serverVersion) version.value = form.dataset.serverVersion;
    delete form.dataset.conflict;
    clearErrors(form);
    say(form, form.dataset.savingText || "Saving…", "saving");
    pending += 1;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (res) {
      return res.json().then(function (body) { return { status: res.status, body: body }; });
    }).then(function (r) {
      var body = r.body;
      if (body.ok) {
        version.value = body.version;
        say(form, "✓ " + body.saved_at, "");
        var rec = form.querySelector("[data-rec]");
        if (rec) {
          rec.hidden = !body.recommendation;
          rec.querySelector("[data-rec-text]").textContent = body.recommendation || "";
        }
        var meta = document.querySelector('[data-section-meta="' + form.closest("article").dataset.section + '"]');
        if (meta) meta.textContent = body.section.answered + "/" + body.section.total + (body.section.score !== "–" ? " · " + body.section.score : "");
        updateProgress("section", body.section);
        updateProgress("overall", body.overall);
        var overall = document.querySelector("[data-overall-score]");
        if (overall) overall.textContent = body.overall.score;
        return;
      }
      showErrors(form, body.errors);
      if (r.status === 409 && body.version) {
        form.dataset.conflict = "1";
        form.dataset.serverVersion = body.version;
        say(form, body.message, "failed");
        var keep = document.createElement("button");
        keep.type = "button";
        keep.textContent = form.dataset.keepText || "Keep mine";
        keep.addEventListener("click", function () { keep.remove(); save(form, true); });
        statusOf(form).appendChild(document.createTextNode(" "));
        statusOf(form).appendChild(keep);
      } else {
        say(form, body.message, "failed");
      }
    }).catch(function () {
      say(form, form.dataset.offlineText || "Not saved: the server did not answer. Your input is still here; try Save again.", "failed");
    }).finally(function () { pending -= 1; });
  }

  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    var timer = null;
    toggleNA(form);
    form.addEventListener("change", function (ev) {
      if (ev.target.type === "radio") toggleNA(form);
      if (ev.target.tagName === "TEXTAREA" || ev.target.type === "text") return;  // saved on input
      clearTimeout(timer);
      save(form);
    });
    form.addEventListener("input", function (ev) {
      if (ev.target.tagName !== "TEXTAREA" && ev.target.type !== "text") return;
      clearTimeout(timer);
      say(form, "…", "");
      timer = setTimeout(function () { save(form); }, 900);
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      clearTimeout(timer);
      save(form, !!form.dataset.conflict);
    });
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
    if (t.tagName === "TEXTAREA" || t.tagName === "SELECT" || (t.tagName === "INPUT" && t.type !== "radio")) return;
    var card = t.closest ? t.closest("article.req") : null;
    var key = ev.key.toLowerCase();
    if (key === "j" || key === "k") {
      var i = card ? cards.indexOf(card) : -1;
      focusCard(cards[key === "j" ? i + 1 : Math.max(i - 1, 0)]);
      ev.preventDefault();
      return;
    }
    if (!card) return;
    var value = key === "n" ? "na" : key;
    var radio = card.querySelector('input[type=radio][value="' + value + '"]');
    if (radio) {
      radio.checked = true;
      radio.focus();
      radio.dispatchEvent(new Event("change", { bubbles: true }));
      if (value === "na") { var just = card.querySelector('textarea[name$="-na_justification"]'); if (just) just.focus(); }
      ev.preventDefault();
    }
  });

  window.addEventListener("beforeunload", function (ev) {
    if (pending > 0) { ev.preventDefault(); ev.returnValue = ""; }
  });
})();
