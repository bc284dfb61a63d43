/* 复制链接: copy the page's address (the button's data-kepu-copy, its canonical URL) to the clipboard.
   The button is hidden in the page and shown only where the browser offers the clipboard, so a
   reader without JavaScript never sees a button that does nothing. */
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) return;
  Array.prototype.forEach.call(document.querySelectorAll("[data-kepu-copy]"), function (button) {
    var status = button.parentNode.querySelector("[data-kepu-copy-status]");
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-kepu-copy")).then(function () {
        if (status) status.textContent = "链接已复制";
      }, function () {
        if (status) status.textContent = "无法复制，请从地址栏复制";
      });
    });
  });
})();
