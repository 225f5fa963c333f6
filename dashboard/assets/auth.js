// When a session ends (idle, signed out elsewhere, account disabled) Dash's requests get 401:
// go to the sign-in page and come back here afterwards, instead of leaving a page that no longer updates.
(function () {
  var original = window.fetch;
  window.fetch = function () {
    return original.apply(this, arguments).then(function (response) {
      if (response.status === 401 && response.url.indexOf("/_dash-") !== -1) {
        var here = window.location.pathname + window.location.search;
        window.location.href = "/login?next=" + encodeURIComponent(here);
      }
      return response;
    });
  };
})();
