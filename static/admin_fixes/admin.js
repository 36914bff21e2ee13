// The inspection console's accessibility fixes, applied to what Django's own scripts add
// to the page after it loads (so, watched by a MutationObserver):
// - select2 (the admin's autocomplete) draws a combobox and a textbox without a name:
//   they take the text of the field's label (axe "aria-input-field-name");
// - the filter widget's search icons carry aria-label on a plain span, which ARIA
//   forbids without a role: they are images (axe "aria-prohibited-attr").
(function () {
  "use strict";
  function fix(root) {
    root.querySelectorAll(".select2-selection[role=combobox]:not([aria-label])").forEach(function (box) {
      var rendered = box.querySelector("[id^=select2-][id$=-container]");
      var fieldId = rendered ? rendered.id.replace(/^select2-/, "").replace(/-container$/, "") : "";
      var label = fieldId ? document.querySelector('label[for="' + fieldId + '"]') : null;
      if (!label) return;
      var name = label.textContent.replace(/[:\s]+$/, "").trim();
      box.setAttribute("aria-label", name);
      if (rendered && rendered.getAttribute("role")) rendered.setAttribute("aria-label", name);
    });
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }
  function start() {
    fix(document);
    new MutationObserver(function () { fix(document); }).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
