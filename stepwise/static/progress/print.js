// A "Print" button for the summary and report pages (no inline script: CSP forbids it).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
}
