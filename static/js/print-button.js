// A "Print" button for pages worth keeping on paper (the recovery codes). Without scripts it stays
// hidden and the browser's own print command still works.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
