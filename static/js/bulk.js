// The queue's bulk selection: "select all on this page" and the count of selected cases. The
// checkboxes belong to the #bulk form (form="bulk"), which works without this script too.
(function () {
  function picks() { return document.querySelectorAll("input.bulk-pick"); }
  function update() {
    var chosen = document.querySelectorAll("input.bulk-pick:checked").length;
    var label = document.querySelector("[data-bulk-count]");
    if (label) { label.textContent = chosen ? chosen + " selected" : "Select cases below"; }
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-bulk-all]")) {
      picks().forEach(function (box) { box.checked = target.checked; });
    }
    if (target.matches("[data-bulk-all], input.bulk-pick")) { update(); }
  });
  document.addEventListener("htmx:afterSwap", update);
})();
