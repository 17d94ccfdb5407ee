// Conflict warnings on the event form while it is filled: when the dates, the category or the host
// zone change, the portal is asked (a moment after the last keystroke) which approved events the
// event would clash with, and its answer fills a live region that screen readers announce. Without
// scripts the form works as before: the event's page shows the warnings once it is saved.
const region = document.getElementById("live-conflicts");
const form = region?.closest("form");
const WATCHED = ["category", "host_zone", "starts_at_0", "starts_at_1", "ends_at_0", "ends_at_1"];
const DELAY = 400; // milliseconds after the last change

if (region && form) {
  let timer = null;
  let latest = 0;

  const ask = async () => {
    const url = new URL(region.dataset.url, window.location.href);
    const data = new FormData(form);
    for (const name of WATCHED) {
      const value = data.get(name);
      if (value) url.searchParams.set(name, value);
    }
    const asked = ++latest;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      // A session that ran out answers with the sign-in page (a redirect fetch follows): never paste
      // that, or any other page, into the form.
      if (!response.ok || response.redirected) return;
      const html = (await response.text()).trim();
      if (asked === latest) region.innerHTML = html; // an older answer never overwrites a newer one
    } catch {
      // Offline or the portal unreachable: the warnings still show on the event's page after saving.
    }
  };

  const later = (event) => {
    if (!WATCHED.includes(event.target.name)) return;
    clearTimeout(timer);
    timer = setTimeout(ask, DELAY);
  };
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  if (WATCHED.some((name) => form.elements[name]?.value)) ask(); // an edit, or a form sent back with errors
}
