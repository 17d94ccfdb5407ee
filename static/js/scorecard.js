// The scorecard's wide table: the hint shows only while the table is wider than its box; the far edge
// fades while more columns lie beyond it, and the held first column casts a shadow once scrolled.
// Without scripts the hint simply stays.
for (const table of document.querySelectorAll(".score-table")) {
  const box = table.querySelector(".score-scroll");
  const update = () => {
    const room = box.scrollWidth - box.clientWidth;
    const gone = Math.abs(box.scrollLeft); // scrollLeft runs negative in right-to-left pages
    table.classList.toggle("fits", room <= 1);
    table.classList.toggle("scrolled", gone > 1);
    table.classList.toggle("more", room - gone > 1);
  };
  box.addEventListener("scroll", update, { passive: true });
  if ("ResizeObserver" in window) new ResizeObserver(update).observe(box);
  update();
}
