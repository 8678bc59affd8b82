/* 示范镇人民政府网站公共脚本 */
function setHome(obj) { alert("请使用浏览器菜单设置首页。"); }
function addFavorite() { alert("请按 Ctrl+D 收藏本站。"); }
function toggleElder() { document.body.style.fontSize = document.body.style.fontSize ? "" : "18px"; }
function siteSearch() { alert("演示网站暂不提供站内搜索。"); }
/* TRS WCM pager: page 0 is index.html, page i is index_i.html */
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {
  if (_nPageCount == null || _nPageCount <= 1) { return; }
  var nCurrIndex = _nCurrIndex || 0;
  function pageUrl(i) { return i == 0 ? _sPageName + "." + _sPageExt : _sPageName + "_" + i + "." + _sPageExt; }
  var html = "共" + _nPageCount + "页&nbsp;";
  html += "<a href=\"" + pageUrl(0) + "\">首页</a>&nbsp;";
  html += nCurrIndex > 0 ? "<a href=\"" + pageUrl(nCurrIndex - 1) + "\">上一页</a>&nbsp;" : "上一页&nbsp;";
  for (var i = 0; i < _nPageCount; i++) {
    html += i == nCurrIndex ? "<span class=\"cur\">" + (i + 1) + "</span>&nbsp;" : "<a href=\"" + pageUrl(i) + "\">" + (i + 1) + "</a>&nbsp;";
  }
  html += nCurrIndex < _nPageCount - 1 ? "<a href=\"" + pageUrl(nCurrIndex + 1) + "\">下一页</a>&nbsp;" : "下一页&nbsp;";
  html += "<a href=\"" + pageUrl(_nPageCount - 1) + "\">尾页</a>";
  document.write(html);
}
