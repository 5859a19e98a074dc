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
