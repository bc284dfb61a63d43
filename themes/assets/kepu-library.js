/* 科普资源库: combine the facets (kind, audience, subject, institute) on one page.
   Without JavaScript the facet links lead to one static page per value, so nothing depends on this.

   The page loads this right after the filter (themes/partials/kepu/listing.html), not at its end:
   the form the page holds (hidden) takes the place of the facet links before anything below them
   is laid out, so nothing on the page moves when the filter starts. */
(function () {
  "use strict";
  var root = document.querySelector("[data-kepu-filter]");
  var form = root && root.querySelector(".kepu-filter__form");
  if (!form) return;
  Array.prototype.forEach.call(root.querySelectorAll(".kepu-facet"), function (nav) { nav.hidden = true; });
  form.hidden = false;
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));

  function start() {
    var cards = Array.prototype.slice.call(document.querySelectorAll(".kepu-cards--library > li"));
    var count = document.querySelector("[data-kepu-count]");

    function apply() {
      var chosen = selects.map(function (s) { return s.value; }).filter(Boolean);
      var shown = 0;
      cards.forEach(function (card) {
        var filed = (card.getAttribute("data-in") || "").split(" ");
        var match = chosen.every(function (value) { return filed.indexOf(value) >= 0; });
        card.hidden = !match;
        if (match) shown += 1;
      });
      if (count) {
        count.textContent = chosen.length ? "筛选出 " + shown + " 份资源（共 " + cards.length + " 份）"
                                          : "共 " + cards.length + " 份资源";
      }
      var hash = chosen.map(encodeURIComponent).join("&");
      history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
    }

    // A filtered view can be shared: its choices are in the address (#…).
    location.hash.replace(/^#/, "").split("&").filter(Boolean).forEach(function (part) {
      var value = decodeURIComponent(part);
      selects.forEach(function (select) {
        if (Array.prototype.some.call(select.options, function (o) { return o.value === value; })) select.value = value;
      });
    });
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    apply();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
