// What a card opens on demand: "What each level looks like" and "Guidance, evidence and
// references" come with the page as a closed <details> holding only a link to their own page
// (app/web/assessments/on_demand.py). The first time one is opened its text is fetched and put
// in place of the link. While it comes the details says "Loading…"; if it cannot come, it says
// so beside the same link, the rest of the page untouched, and opening it again tries again.
//
// Without JavaScript the link opens the same text on a page of its own.
(function () {
  "use strict";

  function text(key, fallback) {
    var CSI = window.CSI;
    return CSI && CSI.text ? CSI.text(key) : fallback;
  }

  function line(className, words) {
    var p = document.createElement("p");
    p.className = className;
    p.setAttribute("role", "status");
    p.textContent = words;
    return p;
  }

  function load(details) {
    if (details.dataset.state) return;  // loading, or loaded
    var holder = details.querySelector(".on-demand");
    var link = holder && holder.querySelector("a[href]");
    if (!link) return;
    details.dataset.state = "loading";
    var waiting = line("on-demand", text("loading", "Loading…"));
    holder.replaceWith(waiting);
    fetch(link.href, { headers: { "X-Fragment": "1" }, credentials: "same-origin" })
      .then(function (res) {
        // A session that ended answers with the sign-in page: not the text asked for.
        if (!res.ok || res.redirected) throw new Error("HTTP " + res.status);
        return res.text();
      })
      .then(function (html) {
        var fragment = document.createElement("template");
        fragment.innerHTML = html;
        waiting.replaceWith(fragment.content);
        details.dataset.state = "loaded";
      })
      .catch(function () {
        var failed = line("on-demand failed", text("not_loaded", "This could not be loaded.") + " ");
        failed.appendChild(link);
        waiting.replaceWith(failed);
        delete details.dataset.state;
      });
  }

  // "toggle" does not bubble: listen while it goes down to the details.
  document.addEventListener("toggle", function (ev) {
    var details = ev.target;
    if (details.open && details.matches && details.matches("details[data-on-demand]")) load(details);
  }, true);
})();
