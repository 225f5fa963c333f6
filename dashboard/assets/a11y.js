// Repairs two accessibility defects of Dash 4's own components, which their props cannot reach, and
// keeps <html> in the language of the page (the server writes it on each load; see shell.html_lang):
// - dcc.Dropdown puts a focus-redirecting <input tabindex=0 aria-hidden=true> beside its button: a tab
//   stop that screen readers are told does not exist (axe: aria-hidden-focus). With tabindex=-1 it
//   still passes a label's click on to the button, and Tab goes straight to the button.
// - dcc.RadioItems writes role=listbox/option around native radio buttons: an option holding a radio
//   is a control inside a control (axe: nested-interactive). The radios say everything by themselves,
//   so the group becomes a radiogroup and the labels plain labels.
(function () {
  function repair(root) {
    root.querySelectorAll(".dash-dropdown-focus-target[tabindex='0']").forEach(function (e) {
      e.setAttribute("tabindex", "-1");
    });
    // RadioItems only: a Dropdown's open list shares the markup, and there role=option is what its
    // keyboard handling and screen readers expect
    root.querySelectorAll(".dash-radioitems[role=listbox]").forEach(function (group) {
      group.setAttribute("role", "radiogroup");
    });
    root.querySelectorAll(".dash-radioitems > label[role], .dash-radioitems > label[aria-selected]")
      .forEach(function (label) {
        label.removeAttribute("role");
        label.removeAttribute("aria-selected");
      });
    var page = document.getElementById("root");
    if (page && page.lang && document.documentElement.lang !== page.lang) {
      document.documentElement.lang = page.lang;
      document.documentElement.dir = page.dir;
    }
  }
  var queued = false;
  new MutationObserver(function () {  // once a frame at most: maps and charts change the page often
    if (!queued) {
      queued = true;
      requestAnimationFrame(function () { queued = false; repair(document); });
    }
  }).observe(document.documentElement, {
    subtree: true, childList: true, attributes: true,
    attributeFilter: ["tabindex", "role", "aria-selected", "lang"],
  });
})();
