/* 科普资源库: combine the facets (kind, audience, subject, institute) over the whole library.
   Without JavaScript the facet links lead to one static page per value, and the library's own pages
   (/library/, then /library/page/<n>/) hold every resource, so nothing depends on this.

   What it reads (themes/partials/kepu/listing.html, from the front matter cms/publish writes):
   - [data-kepu-filter]: data-size (P cards a page), data-archived (A archive pages), data-archive (their
     folder, relative to this page), data-total (resources in the library);
   - each option: its value is the facet page's address (what the address's #… keeps), data-members the
     value's members.json: {"n": its library ordinals, ascending, delta-encoded ([0,3,1] = 0, 3, 4),
     "k": the keys of the cards at those ordinals, 4 characters each, run together};
   - each card: data-n, its library ordinal, and data-k, its key (of its address). Ordinal n is on archive
     page ⌊n/P⌋+1 when n < A·P, else on this page;
   - [data-kepu-words]: what it says, in the page's script (the mirror's build converts the template).
   A choice shows the cards in every chosen value, newest first (descending ordinal), P at a time
   (显示更多), each from this page or from the archive page that holds it (fetched from this site, at most
   four at a time). An ordinal is a place, not an identity: when the site was published again since this
   page was loaded, a removal or an old piece inserted moved the ordinals, so each card is shown only if
   its data-k is the key the members.json expects at its ordinal. One that is not (or not found, or its
   archive page gone: 404) is skipped, and the count line says the library was just updated and offers
   刷新 (reload). Another failed load (the network, a 5xx) says so and is tried again at the next choice.
   With no choice the page is as the server made it. If starting fails, the facet links come back.

   The page loads this right after the filter, not at its end: the form takes the place of the facet
   links before anything below them is laid out, so nothing moves when the filter starts. */
(function () {
  "use strict";
  var root = document.querySelector("[data-kepu-filter]");
  var form = root && root.querySelector(".kepu-filter__form");
  if (!form || !window.fetch || !window.DOMParser || !window.Promise) return;
  // The form takes the links' place at once (nothing moves below); they come back if start() fails.
  function swap(filtering) {
    Array.prototype.forEach.call(root.querySelectorAll(".kepu-facet"), function (nav) { nav.hidden = filtering; });
    form.hidden = !filtering;
  }
  swap(true);
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
    if (!list) {
      swap(false);
      return;
    }
    var own = Array.prototype.slice.call(list.children);  // this page's cards, as the server made them
    var here = {};
    own.forEach(function (card) { here[card.getAttribute("data-n")] = card; });
    var members = {};  // members.json URL → Promise of {ordinal: key}
    var pages = {};  // archive page number → Promise of {ordinal: card}, or null: the page is gone (404)
    var run = 0;  // the latest choice; an answer for an older one is dropped
    var matches = [];  // the chosen cards, descending ordinals: {n: ordinal, k: key expected}
    var shown = 0;  // how many of them were looked for
    var stale = false;  // this choice met a card other than expected: the library was published again

    // An error for what is gone since this page was made (a 404): the library was updated.
    function gone(url) {
      var error = new Error(url + " 404");
      error.gone = true;
      return error;
    }

    function ordinals(url) {
      if (!members[url]) {
        members[url] = fetch(url).then(function (response) {
          if (response.status === 404) throw gone(url);
          if (!response.ok) throw new Error(url + " " + response.status);
          return response.json();
        }).then(function (file) {
          var n = 0;
          var keys = {};
          file.n.forEach(function (delta, i) {
            n += delta;
            keys[n] = file.k.substr(i * 4, 4);
          });
          return keys;
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
            if (response.status === 404) return null;  // gone since this page was made: the library was updated
            if (!response.ok) throw new Error(url + " " + response.status);  // tried again by the next choice
            return response.text();
          });
        }).then(function (text) {
          if (text === null) return null;
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

    // The count line: how many match, or that the library changed under this page (with 刷新).
    function report() {
      if (!count) return;
      if (!stale) {
        count.textContent = say("found", matches.length);
        return;
      }
      count.textContent = say("stale") + " ";
      var reload = document.createElement("a");
      reload.className = "kepu-count__reload";
      reload.href = location.href;
      reload.textContent = words.reload;
      reload.addEventListener("click", function (event) {
        event.preventDefault();
        location.reload();
      });
      count.appendChild(reload);
    }

    function failed(mine, error) {
      if (mine !== run) return;
      list.removeAttribute("aria-busy");
      if (error && error.gone) {
        stale = true;
        report();
      } else if (count) {
        count.textContent = say("broken");
      }
    }

    // The next P matches, appended to the list (``replace``: in place of what it shows, once they are
    // at hand, so the list is never empty meanwhile); resolves to the first card added.
    // Only cards that are the ones expected (data-k) are added; any other marks the choice stale.
    function showMore(mine, replace) {
      var current = matches;  // (a newer choice replaces the array: this batch is then dropped)
      var batch = current.slice(shown, shown + size);
      var numbers = [];
      batch.forEach(function (match) {
        var number = where(match.n);
        if (number && numbers.indexOf(number) < 0) numbers.push(number);
      });
      return Promise.all(numbers.map(archivePage)).then(function (found) {
        if (mine !== run || current !== matches) return null;
        shown += batch.length;  // only now: a batch that failed to load is tried again by 显示更多
        if (replace) clear();
        var first = null;
        batch.forEach(function (match) {
          var number = where(match.n);
          var cards = number ? found[numbers.indexOf(number)] : here;
          var card = cards && cards[match.n];
          if (!card || card.getAttribute("data-k") !== match.k) {
            stale = true;
            return;
          }
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
      // Nothing of the last choice stays usable: 显示更多 would add its cards.
      matches = [];
      shown = 0;
      stale = false;
      if (more) more.hidden = true;
      if (!options.length) {
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
        sets.sort(function (a, b) { return Object.keys(a).length - Object.keys(b).length; });
        var found = [];
        Object.keys(sets[0]).forEach(function (n) {
          var k = sets[0][n];
          if (!sets.every(function (set) { return n in set; })) return;
          // Two files of different publishes may disagree on which card an ordinal is.
          if (sets.some(function (set) { return set[n] !== k; })) stale = true;
          else found.push({n: Number(n), k: k});
        });
        matches = found.sort(function (a, b) { return b.n - a.n; });
        shown = 0;
        return showMore(mine, true);
      }).then(function () {
        if (mine !== run) return;
        list.removeAttribute("aria-busy");
        older.forEach(function (el) { el.hidden = true; });
        report();
      }).catch(function (error) { failed(mine, error); });
    }

    if (more) {
      var loading = false;  // one batch at a time, so that batches come in their order
      more.addEventListener("click", function () {
        if (loading) return;
        loading = true;
        var mine = run;
        showMore(mine).then(function (first) {
          loading = false;
          if (mine === run) report();  // (a card of this batch may have been stale)
          // The reader goes on from the first card added (the button may be gone).
          var link = first && first.querySelector("a");
          if (link) link.focus();
        }).catch(function (error) {
          loading = false;
          failed(mine, error);
        });
      });
    }

    // A filtered view can be shared: its choices are in the address (#…).
    location.hash.replace(/^#/, "").split("&").filter(Boolean).forEach(function (part) {
      var value;
      try {
        value = decodeURIComponent(part);
      } catch (error) {
        return;  // not one of ours (#%, a cut-off #%E4%B8): skipped
      }
      selects.forEach(function (select) {
        if (Array.prototype.some.call(select.options, function (o) { return o.value === value; })) select.value = value;
      });
    });
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    if (chosen().length) apply();
  }

  function begin() {
    try {
      start();
    } catch (error) {
      swap(false);  // the facet links work without the script
      throw error;
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", begin);
  else begin();
})();
