/* 活动: filter a list of events by kind, city and month, in place (cms/events/facets.py).
   Without JavaScript the whole list is there and the form stays hidden.

   The page loads this right after the form, so the form is shown before the list below it is laid
   out. Each item carries data-kind, data-places and data-months (space-separated); the order of
   the list (近期 by start time, then 往期) is the page's and never changes. The choice is kept in
   the address (?kind=…&city=…&month=…), so a filtered view can be shared, and the count below the
   form is announced (aria-live). */
(function () {
  "use strict";
  var form = document.querySelector("form[data-kepu-events]");
  if (!form) return;
  form.hidden = false;
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  var attribute = { kind: "data-kind", city: "data-places", month: "data-months" };

  function start() {
    var items = Array.prototype.slice.call(document.querySelectorAll(".kepu-body li[data-kind]"));
    var lists = items.reduce(function (found, item) {
      if (found.indexOf(item.parentNode) < 0) found.push(item.parentNode);
      return found;
    }, []);
    var count = document.querySelector("[data-kepu-events-count]");

    function matches(item) {
      return selects.every(function (select) {
        if (!select.value) return true;
        return (item.getAttribute(attribute[select.name]) || "").split(" ").indexOf(select.value) >= 0;
      });
    }

    function apply() {
      var shown = 0;
      items.forEach(function (item) {
        item.hidden = !matches(item);
        if (!item.hidden) shown += 1;
      });
      lists.forEach(function (list) {
        var empty = !list.querySelector("li[data-kind]:not([hidden])");
        list.hidden = empty;
        var heading = list.previousElementSibling;
        if (heading && /^H[2-6]$/.test(heading.tagName)) heading.hidden = empty;
      });
      var chosen = selects.filter(function (select) { return select.value; });
      if (count) {
        count.textContent = !chosen.length ? "共 " + items.length + " 场活动"
          : shown ? "筛选出 " + shown + " 场活动（共 " + items.length + " 场）"
          : "没有符合条件的活动（共 " + items.length + " 场）";
      }
      var params = new URLSearchParams(location.search);
      selects.forEach(function (select) {
        if (select.value) params.set(select.name, select.value);
        else params.delete(select.name);
      });
      var query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }

    /* A shared address opens with its choices made. */
    var asked = new URLSearchParams(location.search);
    selects.forEach(function (select) {
      var value = asked.get(select.name);
      if (value && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
        select.value = value;
      }
    });
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    if (selects.some(function (select) { return select.value; })) apply();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
