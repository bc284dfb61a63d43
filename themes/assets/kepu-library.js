/* 科普资源库: combine the facets (kind, audience, subject, institute) on one page.
   Without JavaScript the facet links lead to one static page per value, so nothing depends on this. */
(function () {
  "use strict";
  var root = document.querySelector("[data-kepu-filter]");
  if (!root) return;
  var cards = Array.prototype.slice.call(document.querySelectorAll(".kepu-cards--library > li"));
  var count = document.querySelector("[data-kepu-count]");
  var form = document.createElement("form");
  form.className = "kepu-filter__form";
  form.setAttribute("aria-label", "筛选资源");
  var selects = [];

  Array.prototype.forEach.call(root.querySelectorAll(".kepu-facet"), function (nav, index) {
    var field = document.createElement("div");
    var label = document.createElement("label");
    label.textContent = nav.querySelector(".kepu-facet__name").textContent.trim();
    label.htmlFor = "kepu-facet-" + index;
    var select = document.createElement("select");
    select.id = label.htmlFor;
    select.add(new Option("全部", ""));
    Array.prototype.forEach.call(nav.querySelectorAll("a[data-value]"), function (link) {
      var number = link.querySelector("span");
      var name = link.firstChild.textContent.trim();
      select.add(new Option(name + (number ? "（" + number.textContent + "）" : ""), link.getAttribute("data-value")));
    });
    field.appendChild(label);
    field.appendChild(select);
    form.appendChild(field);
    selects.push(select);
    nav.hidden = true;
  });
  var reset = document.createElement("button");
  reset.type = "reset";
  reset.className = "md-button kepu-filter__reset";
  reset.textContent = "清除筛选";
  form.appendChild(reset);
  root.insertBefore(form, root.firstChild);

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
})();
