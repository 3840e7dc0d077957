// The print page of the whole book (print/): runs after mkdocs-print-site's own
// script, which copies the table of contents on DOMContentLoaded.
// - A section of the navigation whose pages are all left out of the print page
//   (the API reference) would print as an empty title page: remove it, and its
//   line in the contents and in the sidebar.
// - Folded blocks (exercise solutions) are opened, so that they are printed.
document.addEventListener("DOMContentLoaded", () => {
  for (const section of document.querySelectorAll("#print-site-page section.md-section")) {
    if (section.querySelector("section.print-page")) continue;
    for (const link of document.querySelectorAll("a[href]")) {  // the contents, the sidebar
      if (link.hash === `#${section.id}`) (link.closest("li") ?? link).remove();
    }
    section.remove();
  }
  for (const details of document.querySelectorAll("#print-site-page details")) {
    details.open = true;
  }
});
