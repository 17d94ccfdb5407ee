// A Solar Hijri (Jalali) date picker for inputs marked .jalali-date: a month grid, Saturday first,
// that fills the input with a date such as ۱۴۰۵/۰۹/۰۷. Typing still works; the server parses either.
// A year and a month are chosen from two lists (a birth date is decades back), the arrows step a month,
// and the keyboard moves through the days. An input may name the input whose date it may not come
// before (data-not-before, or data-after when it must come after it): the picker then opens on that
// date's month and refuses the days before it; on English pages the browser's own date input gets it
// as its `min`.
import { jalaaliMonthLength, toGregorian, toJalaali } from "./vendor/jalaali.js";

const MONTHS = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"];
const WEEKDAYS = ["ش", "ی", "د", "س", "چ", "پ", "ج"];
const WEEKDAY_NAMES = ["شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه"];
// The years the server reads as Jalali (zones_portal/dates.py); the list offers them up to ten years ahead.
const FIRST_YEAR = 1300;
const LAST_YEAR = 1500;
const YEARS_AHEAD = 10;
// Used only if the page did not send its own words (data-picker-text, from the widget).
const TEXT = { dialog: "انتخاب تاریخ", previous: "ماه قبل", next: "ماه بعد", year: "سال", month: "ماه" };
const PERSIAN = "۰۱۲۳۴۵۶۷۸۹";
const ARABIC = "٠١٢٣٤٥٦٧٨٩";
const NARROW = window.matchMedia("(max-width: 30rem)");

const toPersian = (text) => String(text).replace(/\d/g, (d) => PERSIAN[d]);
const toLatin = (text) =>
  text.replace(/[۰-۹]/g, (d) => PERSIAN.indexOf(d)).replace(/[٠-٩]/g, (d) => ARABIC.indexOf(d));
const pad = (n) => String(n).padStart(2, "0");
const order = ({ jy, jm, jd }) => jy * 10000 + jm * 100 + jd;

function parse(value) {
  const match = toLatin(value || "").trim().match(/^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})$/);
  if (!match) return null;
  const [jy, jm, jd] = match.slice(1).map(Number);
  if (jy < FIRST_YEAR || jy > LAST_YEAR) return null;
  if (jm < 1 || jm > 12 || jd < 1 || jd > jalaaliMonthLength(jy, jm)) return null;
  return { jy, jm, jd };
}

function fromDate(date) {
  return toJalaali(date.getFullYear(), date.getMonth() + 1, date.getDate());
}

function gregorian({ jy, jm, jd }) {
  const { gy, gm, gd } = toGregorian(jy, jm, jd);
  return new Date(gy, gm - 1, gd);
}

const today = () => fromDate(new Date());

function addDays(day, days) {
  const date = gregorian(day);
  date.setDate(date.getDate() + days);
  return fromDate(date);
}

// The same day of another month, or its last day when that month is shorter.
const dayOf = (jy, jm, jd) => ({ jy, jm, jd: Math.min(jd, jalaaliMonthLength(jy, jm)) });

function addMonths({ jy, jm, jd }, months) {
  const index = jy * 12 + (jm - 1) + months;
  return dayOf(Math.floor(index / 12), (index % 12) + 1, jd);
}

// Saturday is the first column.
const column = (day) => (gregorian(day).getDay() + 1) % 7;

// The input whose date this one may not come before, and whether it must come strictly after it.
function lowerBoundOf(input) {
  const name = input.dataset.notBefore || input.dataset.after;
  if (!name) return null;
  const scope = input.form || document;
  const other = scope.querySelector(`[name="${CSS.escape(name)}"]`);
  return other ? { input: other, strict: !input.dataset.notBefore } : null;
}

class Picker {
  constructor(input) {
    this.input = input;
    this.bound = lowerBoundOf(input);
    this.text = { ...TEXT, ...JSON.parse(input.dataset.pickerText || "{}") };
    this.panel = document.createElement("div");
    this.panel.className = "datepicker";
    this.panel.id = `${input.id || input.name}-picker`;
    this.panel.setAttribute("role", "dialog");
    this.panel.setAttribute("aria-label", this.text.dialog);
    this.panel.hidden = true;
    this.build();
    input.insertAdjacentElement("afterend", this.panel);
    input.setAttribute("autocomplete", "off");
    input.setAttribute("aria-haspopup", "dialog");
    input.setAttribute("aria-controls", this.panel.id);

    // Clicking in the picker keeps the focus where it was (some browsers do not focus buttons on a
    // click); the lists must take it, or they would not open.
    this.panel.addEventListener("mousedown", (event) => {
      if (!(event.target instanceof HTMLSelectElement)) event.preventDefault();
    });
    input.addEventListener("focus", () => {
      if (!this.returning) this.open();
    });
    input.addEventListener("click", () => this.open());
    input.addEventListener("input", () => {
      const typed = parse(input.value);
      if (typed && !this.panel.hidden) this.show(typed);
    });
    input.addEventListener("keydown", (event) => this.inputKey(event));
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.close();
        this.returnFocus();
      }
    });
    // Moving on to another field closes it; moving between the input and the picker does not.
    const leaving = (event) => {
      if (this.redrawing) return;
      const to = event.relatedTarget;
      if (to && to !== input && !this.panel.contains(to)) this.close();
    };
    input.addEventListener("focusout", leaving);
    this.panel.addEventListener("focusout", leaving);
    document.addEventListener("mousedown", (event) => {
      if (!this.panel.hidden && event.target !== input && !this.panel.contains(event.target)) this.close();
    });
  }

  build() {
    const header = document.createElement("div");
    header.className = "datepicker-header";
    this.previous = this.button("›", "datepicker-previous", () => this.show(addMonths(this.active, -1)));
    this.previous.setAttribute("aria-label", this.text.previous);
    this.next = this.button("‹", "datepicker-next", () => this.show(addMonths(this.active, 1)));
    this.next.setAttribute("aria-label", this.text.next);
    this.monthList = document.createElement("select");
    this.monthList.className = "datepicker-month";
    this.monthList.setAttribute("aria-label", this.text.month);
    MONTHS.forEach((name, index) => this.monthList.add(new Option(name, String(index + 1))));
    this.yearList = document.createElement("select");
    this.yearList.className = "datepicker-year";
    this.yearList.setAttribute("aria-label", this.text.year);
    this.monthList.addEventListener("change", () => {
      this.show(dayOf(this.active.jy, Number(this.monthList.value), this.active.jd));
    });
    this.yearList.addEventListener("change", () => {
      this.show(dayOf(Number(this.yearList.value), this.active.jm, this.active.jd));
    });
    header.append(this.previous, this.monthList, this.yearList, this.next);

    const weekdays = document.createElement("div");
    weekdays.className = "datepicker-grid datepicker-weekdays";
    weekdays.setAttribute("aria-hidden", "true"); // each day's button says its weekday in full
    for (const name of WEEKDAYS) {
      const cell = document.createElement("span");
      cell.className = "datepicker-weekday";
      cell.textContent = name;
      weekdays.append(cell);
    }
    this.grid = document.createElement("div");
    this.grid.className = "datepicker-grid datepicker-days";
    this.grid.addEventListener("keydown", (event) => this.gridKey(event));
    this.panel.append(header, weekdays, this.grid);
  }

  // The first day that may be chosen, from the other input's date; null when there is none.
  minimum() {
    const start = this.bound && parse(this.bound.input.value);
    if (!start) return null;
    return this.bound.strict ? addDays(start, 1) : start;
  }

  lastYear() {
    const latest = [today().jy + YEARS_AHEAD, parse(this.input.value)?.jy, this.minimum()?.jy];
    return Math.min(LAST_YEAR, Math.max(...latest.filter(Boolean)));
  }

  clamp(day) {
    const first = this.minimum() || { jy: FIRST_YEAR, jm: 1, jd: 1 };
    const lastYear = this.lastYear();
    const last = { jy: lastYear, jm: 12, jd: jalaaliMonthLength(lastYear, 12) };
    if (order(day) < order(first)) return first;
    if (order(day) > order(last)) return last;
    return day;
  }

  open() {
    if (!this.panel.hidden) return;
    // The date already there, else the first allowed day (the start, for an end), else today.
    this.show(parse(this.input.value) || this.minimum() || today());
    this.panel.hidden = false;
    this.place();
  }

  close() {
    this.panel.hidden = true;
  }

  // Back to the input without opening the picker again.
  returnFocus() {
    this.returning = true;
    this.input.focus({ preventScroll: true });
    this.returning = false;
  }

  // Below the input on wide screens, turned towards the page when it would stick out of the window;
  // on a phone the stylesheet makes it a sheet along the bottom of the screen.
  place() {
    this.panel.classList.remove("datepicker-turned");
    if (NARROW.matches) {
      // The sheet must not hide the input being filled: scroll it up above the sheet.
      const hidden = this.input.getBoundingClientRect().bottom - this.panel.getBoundingClientRect().top;
      if (hidden > 0) window.scrollBy(0, hidden + 8);
      return;
    }
    const box = this.panel.getBoundingClientRect();
    if (box.left < 0 || box.right > document.documentElement.clientWidth) {
      this.panel.classList.add("datepicker-turned");
    }
  }

  inputKey(event) {
    if (event.key === "Escape" && !this.panel.hidden) {
      event.preventDefault();
      this.close();
    } else if (event.key === "ArrowDown") {
      // Into the month, as in a combobox: the arrows then move through the days.
      event.preventDefault();
      this.open();
      this.focusActive();
    } else if (event.key === "Tab" && !event.shiftKey) {
      this.close(); // on to the next field, not through the picker
    }
  }

  gridKey(event) {
    const rtl = getComputedStyle(this.panel).direction === "rtl";
    const day = this.active;
    const moves = {
      ArrowLeft: () => addDays(day, rtl ? 1 : -1),
      ArrowRight: () => addDays(day, rtl ? -1 : 1),
      ArrowUp: () => addDays(day, -7),
      ArrowDown: () => addDays(day, 7),
      Home: () => addDays(day, -column(day)),
      End: () => addDays(day, 6 - column(day)),
      PageUp: () => addMonths(day, event.shiftKey ? -12 : -1),
      PageDown: () => addMonths(day, event.shiftKey ? 12 : 1),
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    this.show(moves[event.key](), true);
  }

  // Draws the month that holds `day`, with `day` as the one the keyboard is on.
  show(day, focus = false) {
    this.active = this.clamp(day);
    this.render();
    if (focus) this.focusActive();
  }

  focusActive() {
    this.grid.querySelector("[tabindex='0']")?.focus();
  }

  pick(day) {
    this.input.value = toPersian(`${day.jy}/${pad(day.jm)}/${pad(day.jd)}`);
    this.input.dispatchEvent(new Event("input", { bubbles: true }));
    this.input.dispatchEvent(new Event("change", { bubbles: true }));
    this.close();
    this.returnFocus();
  }

  render() {
    const { jy: year, jm: month } = this.active;
    const chosen = parse(this.input.value);
    const now = today();
    const minimum = this.minimum();
    const firstYear = minimum ? minimum.jy : FIRST_YEAR;
    const lastYear = this.lastYear();

    this.yearList.replaceChildren();
    for (let y = firstYear; y <= lastYear; y += 1) this.yearList.add(new Option(toPersian(y), String(y)));
    this.yearList.value = String(year);
    for (const option of this.monthList.options) {
      option.disabled = Boolean(minimum) && year === minimum.jy && Number(option.value) < minimum.jm;
    }
    this.monthList.value = String(month);
    this.previous.disabled = year * 12 + month <= firstYear * 12 + (minimum ? minimum.jm : 1);
    this.next.disabled = year === lastYear && month === 12;

    const redrawn = document.createDocumentFragment();
    const offset = column({ jy: year, jm: month, jd: 1 });
    for (let i = 0; i < offset; i += 1) redrawn.append(document.createElement("span"));
    for (let jd = 1; jd <= jalaaliMonthLength(year, month); jd += 1) {
      const day = { jy: year, jm: month, jd };
      const cell = this.button(toPersian(jd), "datepicker-day", () => this.pick(day));
      const weekday = WEEKDAY_NAMES[(offset + jd - 1) % 7];
      cell.setAttribute("aria-label", `${weekday} ${toPersian(jd)} ${MONTHS[month - 1]} ${toPersian(year)}`);
      cell.tabIndex = jd === this.active.jd ? 0 : -1;
      cell.disabled = Boolean(minimum) && order(day) < order(minimum);
      if (chosen && order(chosen) === order(day)) cell.classList.add("chosen");
      if (order(now) === order(day)) {
        cell.classList.add("today");
        cell.setAttribute("aria-current", "date");
      }
      redrawn.append(cell);
    }
    // The focused day goes with the old grid: that is not the person leaving the picker.
    this.redrawing = true;
    this.grid.replaceChildren(redrawn);
    this.redrawing = false;
  }

  button(text, className, action) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.textContent = text;
    element.addEventListener("click", (event) => {
      event.preventDefault();
      action();
    });
    return element;
  }
}

// English pages keep the browser's date input: it already offers years and months, and takes the
// other input's date as its `min`.
function followLowerBound(input) {
  const bound = lowerBoundOf(input);
  if (!bound) return;
  const update = () => {
    const start = bound.input.value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(start)) {
      input.removeAttribute("min");
      return;
    }
    const day = new Date(`${start}T00:00:00Z`);
    if (bound.strict) day.setUTCDate(day.getUTCDate() + 1);
    input.min = day.toISOString().slice(0, 10);
  };
  bound.input.addEventListener("change", update);
  bound.input.addEventListener("input", update);
  update();
}

for (const input of document.querySelectorAll("input.jalali-date")) {
  new Picker(input);
}
for (const input of document.querySelectorAll("input[type='date'][data-not-before], input[type='date'][data-after]")) {
  followLowerBound(input);
}
