// Root font size for Taro's px → rem (designWidth 750: 40px at 750 wide, kept within 20–40px). A file of its own,
// not an inline script: the server's Content-Security-Policy (script-src 'self') refuses inline scripts, and a
// page without this runs at 77% of its designed size.
((win) => {
  function setRootFontSize() {
    var root = win.document.documentElement;
    var rect = root.getBoundingClientRect();
    var sides = [rect.width, rect.height].filter(Boolean);
    var width = Math.min.apply(Math, sides);
    var size = (40 * width) / 750;
    root.style.fontSize = `${Math.min(40, Math.max(20, size))}px`;
  }
  win.addEventListener('resize', () => {
    setRootFontSize();
    setTimeout(setRootFontSize, 500);
  });
  setRootFontSize();
})(window);
