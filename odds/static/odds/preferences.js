// The header's odds style and time zone selects: each choice is kept in a cookie (read by
// ViewerPreferencesMiddleware on every request) and the page is drawn again with it.
(function () {
  "use strict";
  const YEAR = 365 * 24 * 3600;
  const ZONE = /^[A-Za-z0-9_+\-/]{1,64}$/;

  function remember(name, value) {
    document.cookie = `${name}=${value}; path=/; max-age=${YEAR}; SameSite=Lax`;
  }

  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }

  function firstTimeInThisTab() {
    try {
      if (sessionStorage.getItem("odds-zone-taken")) {
        return false;
      }
      sessionStorage.setItem("odds-zone-taken", "1");
      return true;
    } catch (error) {
      return false; // storage refused: never reload
    }
  }

  function start() {
    const form = document.getElementById("odds-preferences");
    if (!form) {
      return;
    }
    form.addEventListener("submit", (event) => event.preventDefault());
    form.addEventListener("change", (event) => {
      const select = event.target;
      if (select.tagName === "SELECT" && ZONE.test(select.value)) {
        remember(select.name, select.value);
        window.location.reload();
      }
    });
    // Until the viewer picks a zone, times follow the browser's: taken once into the
    // cookie, and the page drawn again in it (once per tab, so a browser that refuses
    // cookies cannot loop).
    if (form.dataset.zoneChosen) {
      return;
    }
    const zone = browserZone();
    if (!ZONE.test(zone)) {
      return;
    }
    remember(document.getElementById("odds-zone-select").name, zone);
    if (zone !== form.dataset.zone && firstTimeInThisTab()) {
      window.location.reload();
    }
  }

  document.addEventListener("DOMContentLoaded", start);
})();
