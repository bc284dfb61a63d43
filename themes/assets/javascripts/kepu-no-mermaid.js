/* Kepu: what Material's bundle loads, instead of unpkg.com/mermaid, for a .mermaid element. The
   site draws no diagrams and loads nothing from another host: this mermaid draws nothing. */
(function () {
  "use strict";
  window.mermaid = {
    initialize: function () {},
    render: function () { return Promise.resolve({ svg: "", bindFunctions: function () {} }); },
  };
})();
