// Lists of rows (the consultation's participants): a new blank row appears once the last one
// is typed in, since an autosaved page is not reloaded to offer more.
(function () {
  "use strict";
  document.querySelectorAll("[data-list][data-grow]").forEach(function (list) {
    var max = Number(list.dataset.grow) || 40;
    list.addEventListener("input", function (ev) {
      var rows = list.querySelectorAll("[data-row]");
      var last = rows[rows.length - 1];
      if (!last || !last.contains(ev.target) || rows.length >= max) return;
      var copy = last.cloneNode(true);
      var index = rows.length;
      copy.querySelectorAll("input, select, textarea").forEach(function (el) {
        ["name", "id"].forEach(function (attr) {
          if (el.hasAttribute(attr)) el.setAttribute(attr, el.getAttribute(attr).replace(/-\d+-([^-]+)$/, "-" + index + "-$1"));
        });
        if (el.hasAttribute("aria-label")) el.setAttribute("aria-label", el.getAttribute("aria-label").replace(/\d+/, String(index + 1)));
        el.value = "";
      });
      last.insertAdjacentElement("afterend", copy);
    });
  });
})();
