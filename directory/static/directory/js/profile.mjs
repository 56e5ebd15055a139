// Organisation and service pages: a print button (shown only with JavaScript).
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
