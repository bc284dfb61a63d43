// 复制到公众号: copy the article as rich text (HTML) so that the WeChat editor keeps its styles,
// and the Weibo caption or the link as plain text. Falls back to a selection and execCommand("copy")
// where the asynchronous clipboard is not offered (a CMS served over plain http).
(function () {
  "use strict";
  function say(button, text) {
    var status = document.querySelector("[data-copy-status]");
    if (status) { status.textContent = text; }
  }
  function copyWithSelection(node) {
    var selection = window.getSelection();
    var range = document.createRange();
    range.selectNodeContents(node);
    selection.removeAllRanges();
    selection.addRange(range);
    var done = document.execCommand("copy");
    selection.removeAllRanges();
    return done;
  }
  function copyHtml(html) {
    var plain = new DOMParser().parseFromString(html, "text/html").body.innerText;
    if (navigator.clipboard && window.ClipboardItem) {
      return navigator.clipboard.write([new ClipboardItem({
        "text/html": new Blob([html], {type: "text/html"}),
        "text/plain": new Blob([plain], {type: "text/plain"})
      })]);
    }
    var holder = document.createElement("div");
    holder.setAttribute("contenteditable", "true");
    holder.style.position = "fixed";
    holder.style.left = "-10000px";
    holder.innerHTML = html;
    document.body.appendChild(holder);
    var done = copyWithSelection(holder);
    holder.remove();
    return done ? Promise.resolve() : Promise.reject(new Error("copy"));
  }
  function copyText(text) {
    if (navigator.clipboard) { return navigator.clipboard.writeText(text); }
    var area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    var done = document.execCommand("copy");
    area.remove();
    return done ? Promise.resolve() : Promise.reject(new Error("copy"));
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy], [data-copy-text]");
    if (!button) { return; }
    var copied;
    if (button.hasAttribute("data-copy-text")) {
      copied = copyText(button.getAttribute("data-copy-text"));
    } else {
      var source = document.getElementById(button.getAttribute("data-copy"));
      copied = source.tagName === "TEMPLATE" ? copyHtml(source.innerHTML) : copyText(source.value);
    }
    copied.then(function () { say(button, button.getAttribute("data-done")); },
                function () { say(button, "浏览器没有允许复制，请手动选中后复制。"); });
  });
})();
