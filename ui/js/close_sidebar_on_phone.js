// After the reader chose another page on a narrow screen, fold the sidebar that covers the page.
// Streamlit lays the sidebar over the page below its "md" breakpoint (768 px); wider screens keep it.
(function () {
  if (!window.matchMedia("(max-width: 767.98px)").matches) return;
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  if (!sidebar || sidebar.getBoundingClientRect().right <= 0) return; // already folded
  const holder = document.querySelector('[data-testid="stSidebarCollapseButton"]');
  const button = holder && (holder.tagName === "BUTTON" ? holder : holder.querySelector("button"));
  if (button) button.click();
})();
