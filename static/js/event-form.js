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

// The planned activity it delivers: while the category or the start date change, the activities of the
// same category and Solar Hijri quarter move into the "Suggested" group at the top of the list, as the
// server orders them when it sends the form back. Each option says its category, year and quarter.
const activity = form?.elements.planned_activity;
const SUGGESTING = ["category", "starts_at_0"];

// Persian and Arabic-Indic digits read as Latin ones.
const latin = (text) =>
  text.replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0)).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660));

// The Solar Hijri year and quarter of the typed date: 1405/09/07 as typed in Persian, or 2026-11-28
// (read through the browser's Persian calendar); null while the date is not whole.
const quarterOf = (text) => {
  const [year, month, day] = (latin(text || "").match(/\d+/g) || []).map(Number);
  if (!year || !month || !day) return null;
  if (year < 1700) return month >= 1 && month <= 12 ? { year, quarter: Math.ceil(month / 3) } : null;
  const parts = new Intl.DateTimeFormat("en-u-ca-persian-nu-latn", { year: "numeric", month: "numeric", timeZone: "UTC" })
    .formatToParts(new Date(Date.UTC(year, month - 1, day)));
  const part = (type) => parseInt(parts.find((p) => p.type === type)?.value, 10);
  return Number.isNaN(part("month")) ? null : { year: part("year"), quarter: Math.ceil(part("month") / 3) };
};

if (activity instanceof HTMLSelectElement) {
  const blank = [...activity.options].filter((option) => !option.dataset.category);
  const offered = [...activity.options]
    .filter((option) => option.dataset.category)
    .sort((a, b) => Number(a.dataset.order) - Number(b.dataset.order));

  const group = (label, options) => {
    const element = document.createElement("optgroup");
    element.label = label;
    element.append(...options);
    return element;
  };

  const suggest = () => {
    const chosen = activity.value;
    const category = form.elements.category?.value || "";
    const when = quarterOf(form.elements.starts_at_0?.value);
    const fits = (option) =>
      category !== "" &&
      option.dataset.category === category &&
      (!when || (Number(option.dataset.year) === when.year && Number(option.dataset.quarter) === when.quarter));
    const suggested = offered.filter(fits);
    const others = offered.filter((option) => !fits(option));
    if (suggested.length) {
      activity.replaceChildren(
        ...blank,
        group(activity.dataset.suggestedLabel, suggested),
        ...(others.length ? [group(activity.dataset.othersLabel, others)] : []),
      );
    } else {
      activity.replaceChildren(...blank, ...others);
    }
    activity.value = chosen; // moving the options never changes the person's choice
  };

  form.addEventListener("change", (event) => {
    if (SUGGESTING.includes(event.target.name)) suggest();
  });
}
