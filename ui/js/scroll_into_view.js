// Bring the element marked by the last .pkir-scroll-target (its data-key names a Streamlit
// container key) into view: a record opened from a table row or a chart point is shown below them.
(function () {
  const doc = document;
  const marks = doc.querySelectorAll(".pkir-scroll-target");
  const mark = marks[marks.length - 1];
  if (!mark) return;
  const selector = ".st-key-" + CSS.escape(mark.dataset.key);
  let tries = 0;
  (function scroll() {
    const target = doc.querySelector(selector);
    if (target) {
      target.scrollIntoView({ block: "start", behavior: "smooth" });
      // once more when the record has been drawn in full (the page may not have been tall enough)
      setTimeout(() => target.scrollIntoView({ block: "start", behavior: "smooth" }), 600);
    } else if (tries++ < 40) {
      setTimeout(scroll, 50);
    }
  })();
})();
