// A Solar Hijri (Jalali) date picker for inputs marked .jalali-date: a month grid, Saturday first,
// that fills the input with a date such as ۱۴۰۵/۰۹/۰۷. Typing still works; the server parses either.
import { jalaaliMonthLength, toGregorian, toJalaali } from "./vendor/jalaali.js";

const MONTHS = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"];
const WEEKDAYS = ["ش", "ی", "د", "س", "چ", "پ", "ج"];
const PERSIAN = "۰۱۲۳۴۵۶۷۸۹";
const ARABIC = "٠١٢٣٤٥٦٧٨٩";

const toPersian = (text) => String(text).replace(/\d/g, (d) => PERSIAN[d]);
const toLatin = (text) =>
  text.replace(/[۰-۹]/g, (d) => PERSIAN.indexOf(d)).replace(/[٠-٩]/g, (d) => ARABIC.indexOf(d));
const pad = (n) => String(n).padStart(2, "0");

function parse(value) {
  const match = toLatin(value || "").trim().match(/^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})$/);
  if (!match) return null;
  const [jy, jm, jd] = match.slice(1).map(Number);
  if (jm < 1 || jm > 12 || jd < 1 || jd > jalaaliMonthLength(jy, jm)) return null;
  return { jy, jm, jd };
}

function today() {
  const now = new Date();
  return toJalaali(now.getFullYear(), now.getMonth() + 1, now.getDate());
}

class Picker {
  constructor(input) {
    this.input = input;
    this.panel = document.createElement("div");
    this.panel.className = "datepicker";
    this.panel.setAttribute("role", "dialog");
    this.panel.hidden = true;
    input.insertAdjacentElement("afterend", this.panel);
    // Clicking in the picker keeps the focus in the input (some browsers do not focus buttons on click).
    this.panel.addEventListener("mousedown", (event) => event.preventDefault());
    input.setAttribute("autocomplete", "off");
    input.addEventListener("focus", () => this.open());
    input.addEventListener("click", () => this.open());
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.close();
    });
    // Moving on to another field closes it; a click inside the picker does not.
    input.addEventListener("focusout", (event) => {
      if (!this.panel.contains(event.relatedTarget)) this.close();
    });
    document.addEventListener("mousedown", (event) => {
      if (!this.panel.hidden && event.target !== input && !this.panel.contains(event.target)) this.close();
    });
  }

  open() {
    const chosen = parse(this.input.value) || today();
    this.year = chosen.jy;
    this.month = chosen.jm;
    this.render();
    this.panel.hidden = false;
  }

  close() {
    this.panel.hidden = true;
  }

  shift(months) {
    const index = this.year * 12 + (this.month - 1) + months;
    this.year = Math.floor(index / 12);
    this.month = (index % 12) + 1;
    this.render();
  }

  pick(day) {
    this.input.value = toPersian(`${this.year}/${pad(this.month)}/${pad(day)}`);
    this.input.dispatchEvent(new Event("input", { bubbles: true }));
    this.input.dispatchEvent(new Event("change", { bubbles: true }));
    this.close();
    this.input.focus({ preventScroll: true });
  }

  render() {
    const chosen = parse(this.input.value);
    const now = today();
    const { gy, gm, gd } = toGregorian(this.year, this.month, 1);
    const offset = (new Date(gy, gm - 1, gd).getDay() + 1) % 7; // Saturday first
    const length = jalaaliMonthLength(this.year, this.month);
    this.panel.replaceChildren();

    const header = document.createElement("div");
    header.className = "datepicker-header";
    const previous = this.button("›", "datepicker-previous", () => this.shift(-1));
    previous.setAttribute("aria-label", "ماه قبل");
    const next = this.button("‹", "datepicker-next", () => this.shift(1));
    next.setAttribute("aria-label", "ماه بعد");
    const title = document.createElement("strong");
    title.textContent = `${MONTHS[this.month - 1]} ${toPersian(this.year)}`;
    header.append(previous, title, next);

    const grid = document.createElement("div");
    grid.className = "datepicker-grid";
    for (const name of WEEKDAYS) {
      const cell = document.createElement("span");
      cell.className = "datepicker-weekday";
      cell.textContent = name;
      grid.append(cell);
    }
    for (let i = 0; i < offset; i += 1) grid.append(document.createElement("span"));
    for (let day = 1; day <= length; day += 1) {
      const cell = this.button(toPersian(day), "datepicker-day", () => this.pick(day));
      if (chosen && chosen.jy === this.year && chosen.jm === this.month && chosen.jd === day) {
        cell.classList.add("chosen");
      }
      if (now.jy === this.year && now.jm === this.month && now.jd === day) cell.classList.add("today");
      grid.append(cell);
    }
    this.panel.append(header, grid);
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

for (const input of document.querySelectorAll("input.jalali-date")) {
  new Picker(input);
}
