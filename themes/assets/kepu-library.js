/* 科普资源库: combine the facets (kind, audience, subject, institute) over the whole library.
   Without JavaScript the facet links lead to one static page per value, and the library's own pages
   (/library/, then /library/page/<n>/) hold every resource, so nothing depends on this.

   What it reads (themes/partials/kepu/listing.html, from the front matter cms/publish writes):
   - [data-kepu-filter]: data-size (P cards a page), data-archived (A archive pages), data-archive (their
     folder, relative to this page), data-total (resources in the library);
   - each option: its value is the facet page's address (what the address's #… keeps), data-members the
     value's members.json: its library ordinals, ascending, delta-encoded ([0,3,1] = 0, 3, 4);
   - each card: data-n, its library ordinal. Ordinal n is on archive page ⌊n/P⌋+1 when n < A·P, else on
     this page;
   - [data-kepu-words]: what it says, in the page's script (the mirror's build converts the template).
   A choice shows the cards in every chosen value, newest first (descending ordinal), P at a time
   (显示更多), each from this page or from the archive page that holds it (fetched from this site, at most
   four at a time). A card not found where its ordinal says (the site was published again meanwhile and
   ordinals moved) is skipped. With no choice the page is as the server made it.

   The page loads this right after the filter, not at its end: the form takes the place of the facet
   links before anything below them is laid out, so nothing moves when the filter starts. */
(function () {
  "use strict";
  var root = document.querySelector("[data-kepu-filter]");
  var form = root && root.querySelector(".kepu-filter__form");
  if (!form || !window.fetch || !window.DOMParser || !window.Promise) return;
  Array.prototype.forEach.call(root.querySelectorAll(".kepu-facet"), function (nav) { nav.hidden = true; });
  form.hidden = false;
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  var size = Number(root.getAttribute("data-size")) || 1;
  var archived = Number(root.getAttribute("data-archived")) || 0;
  var total = root.getAttribute("data-total");
  var archive = new URL(root.getAttribute("data-archive") || "page/", document.baseURI);
  var words = JSON.parse(root.querySelector("[data-kepu-words]").textContent);
  function say(key, n) {
    return words[key].replace("{n}", n).replace("{total}", total);
  }

  function start() {
    var list = document.querySelector(".kepu-cards--library");
    var count = document.querySelector("[data-kepu-count]");
    var more = document.querySelector("[data-kepu-more]");
    var older = Array.prototype.slice.call(document.querySelectorAll(".kepu-older"));
    if (!list) return;
    var own = Array.prototype.slice.call(list.children);  // this page's cards, as the server made them
    var here = {};
    own.forEach(function (card) { here[card.getAttribute("data-n")] = card; });
    var members = {};  // members.json URL → Promise of its ordinals, ascending
    var pages = {};  // archive page number → Promise of {ordinal: card}
    var run = 0;  // the latest choice; an answer for an older one is dropped
    var matches = [];  // the chosen cards' ordinals, descending
    var shown = 0;  // how many of them were looked for

    function ordinals(url) {
      if (!members[url]) {
        members[url] = fetch(url).then(function (response) {
          if (!response.ok) throw new Error(url + " " + response.status);
          return response.json();
        }).then(function (deltas) {
          var n = 0;
          return deltas.map(function (delta) { n += delta; return n; });
        });
        members[url].catch(function () { delete members[url]; });  // tried again at the next choice
      }
      return members[url];
    }

    // At most four archive pages in flight.
    var active = 0;
    var waiting = [];
    function limited(task) {
      return new Promise(function (resolve, reject) {
        waiting.push(function () {
          active += 1;
          task().then(resolve, reject).then(function () {
            active -= 1;
            if (waiting.length) waiting.shift()();
          });
        });
        if (active < 4) waiting.shift()();
      });
    }

    // A card's links and pictures are relative to the page it came from.
    function rebase(card, base) {
      ["href", "src"].forEach(function (name) {
        Array.prototype.forEach.call(card.querySelectorAll("[" + name + "]"), function (el) {
          el.setAttribute(name, new URL(el.getAttribute(name), base).href);
        });
      });
      Array.prototype.forEach.call(card.querySelectorAll("[srcset]"), function (el) {
        el.setAttribute("srcset", el.getAttribute("srcset").split(",").map(function (part) {
          var bits = part.trim().split(/\s+/);
          bits[0] = new URL(bits[0], base).href;
          return bits.join(" ");
        }).join(", "));
      });
    }

    function archivePage(number) {
      if (!pages[number]) {
        var url = new URL(number + "/", archive).href;
        pages[number] = limited(function () {
          return fetch(url).then(function (response) {
            return response.ok ? response.text() : "";  // gone since this page was made: its cards are skipped
          });
        }).then(function (text) {
          var found = {};
          var doc = new DOMParser().parseFromString(text, "text/html");
          Array.prototype.forEach.call(doc.querySelectorAll(".kepu-cards--library > li[data-n]"), function (card) {
            rebase(card, url);
            found[card.getAttribute("data-n")] = card;
          });
          return found;
        });
        pages[number].catch(function () { delete pages[number]; });
      }
      return pages[number];
    }

    function where(n) {
      return n < archived * size ? Math.floor(n / size) + 1 : 0;  // 0: this page
    }

    function clear() {
      while (list.firstChild) list.removeChild(list.firstChild);
    }

    function failed(mine) {
      if (mine !== run) return;
      list.removeAttribute("aria-busy");
      if (count) count.textContent = say("broken");
    }

    // The next P matches, appended to the list (``replace``: in place of what it shows, once they are
    // at hand, so the list is never empty meanwhile); resolves to the first card added.
    function showMore(mine, replace) {
      var batch = matches.slice(shown, shown + size);
      var numbers = [];
      batch.forEach(function (n) {
        var number = where(n);
        if (number && numbers.indexOf(number) < 0) numbers.push(number);
      });
      return Promise.all(numbers.map(archivePage)).then(function (found) {
        if (mine !== run) return null;
        shown += batch.length;  // only now: a batch that failed to load is tried again by 显示更多
        if (replace) clear();
        var first = null;
        batch.forEach(function (n) {
          var number = where(n);
          var card = number ? found[numbers.indexOf(number)][n] : here[n];
          if (!card) return;
          card = card.ownerDocument === document ? card : document.importNode(card, true);
          list.appendChild(card);
          first = first || card;
        });
        if (more) more.hidden = shown >= matches.length;
        return first;
      });
    }

    function chosen() {
      return selects.map(function (s) { return s.options[s.selectedIndex]; })
        .filter(function (option) { return option && option.value; });
    }

    function apply() {
      var options = chosen();
      var hash = options.map(function (o) { return encodeURIComponent(o.value); }).join("&");
      history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
      var mine = ++run;
      if (!options.length) {
        matches = [];
        clear();
        own.forEach(function (card) { list.appendChild(card); });
        list.removeAttribute("aria-busy");
        older.forEach(function (el) { el.hidden = false; });
        if (more) more.hidden = true;
        if (count) count.textContent = say("all");
        return;
      }
      list.setAttribute("aria-busy", "true");
      Promise.all(options.map(function (o) {
        return ordinals(new URL(o.getAttribute("data-members"), document.baseURI).href);
      })).then(function (sets) {
        if (mine !== run) return null;
        sets.sort(function (a, b) { return a.length - b.length; });
        var others = sets.slice(1).map(function (set) {
          var has = {};
          set.forEach(function (n) { has[n] = true; });
          return has;
        });
        matches = sets[0].filter(function (n) {
          return others.every(function (has) { return has[n]; });
        }).reverse();
        shown = 0;
        return showMore(mine, true);
      }).then(function () {
        if (mine !== run) return;
        list.removeAttribute("aria-busy");
        older.forEach(function (el) { el.hidden = true; });
        if (count) count.textContent = say("found", matches.length);
      }).catch(function () { failed(mine); });
    }

    if (more) {
      var loading = false;  // one batch at a time, so that batches come in their order
      more.addEventListener("click", function () {
        if (loading) return;
        loading = true;
        var mine = run;
        showMore(mine).then(function (first) {
          loading = false;
          // The reader goes on from the first card added (the button may be gone).
          var link = first && first.querySelector("a");
          if (link) link.focus();
        }).catch(function () {
          loading = false;
          failed(mine);
        });
      });
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
    if (chosen().length) apply();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
