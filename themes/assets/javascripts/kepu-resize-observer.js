/* Kepu: what Material's bundle loads, instead of unpkg.com/resize-observer-polyfill, in a browser
   without ResizeObserver (old Android WebViews, in-app browsers). A small stand-in: it reports an
   element's size when it is first observed and whenever the window changes size. */
(function () {
  "use strict";
  if (window.ResizeObserver) return;
  function entry(target) {
    var rect = target.getBoundingClientRect();
    var size = [{ inlineSize: rect.width, blockSize: rect.height }];
    return { target: target, contentRect: rect, borderBoxSize: size, contentBoxSize: size };
  }
  function ResizeObserver(callback) {
    var self = this;
    this.callback = callback;
    this.targets = [];
    this.onResize = function () { self.report(self.targets); };
  }
  ResizeObserver.prototype.report = function (targets) {
    if (targets.length) this.callback(targets.map(entry), this);
  };
  ResizeObserver.prototype.observe = function (target) {
    var self = this;
    if (this.targets.indexOf(target) >= 0) return;
    this.targets.push(target);
    if (this.targets.length === 1) window.addEventListener("resize", this.onResize);
    requestAnimationFrame(function () { if (self.targets.indexOf(target) >= 0) self.report([target]); });
  };
  ResizeObserver.prototype.unobserve = function (target) {
    this.targets = this.targets.filter(function (t) { return t !== target; });
    if (!this.targets.length) window.removeEventListener("resize", this.onResize);
  };
  ResizeObserver.prototype.disconnect = function () {
    this.targets = [];
    window.removeEventListener("resize", this.onResize);
  };
  window.ResizeObserver = ResizeObserver;
})();
