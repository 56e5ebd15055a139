// Site-wide enhancements. Everything works without this file.
document.documentElement.classList.replace("no-js", "js");

// Move focus to the error summary so screen readers announce it at once.
const summary = document.getElementById("form-errors");
if (summary) summary.focus();
