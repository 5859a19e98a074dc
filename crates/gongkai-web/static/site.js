// 手机上表格显示为卡片：每个单元格前标出它所在列的名称。
document.querySelectorAll("table:not(.calendar)").forEach(function (table) {
  var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
    return th.textContent.trim();
  });
  table.querySelectorAll("tbody tr").forEach(function (row) {
    Array.prototype.forEach.call(row.children, function (cell, i) {
      if (heads[i] && !cell.hasAttribute("data-label")) {
        cell.setAttribute("data-label", heads[i]);
      }
    });
  });
});

// 菜单旁的数字：各项待办，页面载入后再取，不拖慢页面。
(function () {
  var links = document.querySelectorAll("nav a[data-badge]");
  if (!links.length) {
    return;
  }
  fetch("/badges", { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      return response.ok ? response.json() : {};
    })
    .then(function (counts) {
      links.forEach(function (link) {
        var count = counts[link.getAttribute("data-badge")];
        if (count > 0) {
          var badge = document.createElement("span");
          badge.className = "badge";
          badge.setAttribute("aria-label", "待办");
          badge.textContent = count > 99 ? "99+" : String(count);
          link.appendChild(document.createTextNode(" "));
          link.appendChild(badge);
        }
      });
    })
    .catch(function () {});
})();

// 打印视图的“打印”按钮。
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () {
    window.print();
  });
});
