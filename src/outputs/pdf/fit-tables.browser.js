// Runs in the print page (page.evaluate, as a string: nothing of the build's
// JavaScript reaches the page), before Chromium prints it. A table too wide
// for the text column would be cut off at the right edge of the page; one
// whose columns are squeezed prints a character per line. So every cell is
// given room for a few characters (or all of its text, when shorter), and a
// table that does not fit then is made to, in this order, stopping as soon
// as it does:
//   1. its text is set smaller and its cells tighter, down to a limit;
//   2. long unbroken words and addresses in its cells may break anywhere;
//   3. its columns are split over several tables, each repeating the first
//      column, one after the other ("(continued)" in their captions).
// Returns what was done to each table that did not fit, for the warnings.
// Arguments: { width: text column in CSS px, continued: caption text,
// minScale: smallest font scale }.
(options) => {
  const notes = [];
  const body = document.body;
  const saved = body.style.width;
  body.style.width = `${options.width}px`;
  const cellsOf = (table) => Array.from(table.querySelectorAll('th, td'));
  const fits = (table) => table.getBoundingClientRect().width <= table.parentElement.getBoundingClientRect().width + 0.5;
  // No column of single characters: a cell whose text is short keeps it on
  // one line; a longer one gets room for 4 em a line (Chromium's table
  // layout honours a cell's width there, not its min-width).
  const giveRoom = (table) => {
    const cells = cellsOf(table);
    for (const cell of cells) {
      cell.style.whiteSpace = '';
      cell.style.width = '';
    }
    table.style.whiteSpace = 'nowrap';
    const range = document.createRange();
    const sizes = cells.map((cell) => {
      range.selectNodeContents(cell);
      return { line: range.getBoundingClientRect().width, em: parseFloat(getComputedStyle(cell).fontSize) };
    });
    table.style.whiteSpace = '';
    cells.forEach((cell, i) => {
      const { line, em } = sizes[i];
      if (line <= 4 * em) cell.style.whiteSpace = 'nowrap';
      else cell.style.width = `${Math.ceil(4 * em)}px`;
    });
  };
  const tables = Array.from(document.querySelectorAll('.article-body table'));
  for (const table of tables) {
    giveRoom(table);
    if (fits(table)) continue;
    const rows = Array.from(table.rows);
    const columns = Math.max(0, ...rows.map((row) => Array.from(row.cells).reduce((n, cell) => n + cell.colSpan, 0)));
    const note = { line: Number(table.dataset.line) || undefined, columns, scale: 1, wrapped: false, parts: 1 };
    notes.push(note);
    // 1. Smaller text, tighter cells.
    const base = parseFloat(getComputedStyle(table).fontSize);
    for (let step = 1; !fits(table); step++) {
      const scale = Math.round((1 - 0.07 * step) * 100) / 100;
      if (scale < options.minScale) break;
      table.style.fontSize = `${(base * scale).toFixed(2)}px`;
      for (const cell of cellsOf(table)) cell.style.padding = '0.25em 0.35em';
      note.scale = scale;
      giveRoom(table);
    }
    if (fits(table)) continue;
    // 2. Long words (addresses, identifiers) may break; numbers stay whole.
    for (const cell of cellsOf(table)) {
      if (/[^\s\d.,%+\-−]{16,}/.test(cell.textContent || '')) {
        cell.style.overflowWrap = 'anywhere';
        note.wrapped = true;
      }
    }
    if (note.wrapped) giveRoom(table);
    if (fits(table)) continue;
    // 3. Split the columns, by the widths they need.
    table.style.width = 'min-content';
    const widths = [];
    for (const row of rows) {
      let col = 0;
      for (const cell of Array.from(row.cells)) {
        const w = cell.getBoundingClientRect().width / cell.colSpan;
        for (let k = 0; k < cell.colSpan; k++) widths[col + k] = Math.max(widths[col + k] || 0, w);
        col += cell.colSpan;
      }
    }
    table.style.width = '';
    const available = table.parentElement.getBoundingClientRect().width - 2;
    const groups = [];
    let group = [];
    let used = widths[0] || 0;
    for (let c = 1; c < widths.length; c++) {
      if (group.length && used + widths[c] > available) {
        groups.push(group);
        group = [];
        used = widths[0] || 0;
      }
      group.push(c);
      used += widths[c];
    }
    if (group.length) groups.push(group);
    if (groups.length < 2) continue;
    const parts = groups.map((cols, i) => {
      const keep = new Set([0, ...cols]);
      const copy = table.cloneNode(true);
      // Ids (link targets) stay with the first part only.
      if (i > 0) for (const el of [copy, ...Array.from(copy.querySelectorAll('[id]'))]) el.removeAttribute('id');
      for (const row of Array.from(copy.rows)) {
        let col = 0;
        for (const cell of Array.from(row.cells)) {
          const span = cell.colSpan;
          let kept = false;
          for (let k = 0; k < span; k++) kept = kept || keep.has(col + k);
          if (!kept) cell.remove();
          col += span;
        }
      }
      if (i > 0) {
        let caption = copy.querySelector('caption');
        if (!caption) {
          caption = document.createElement('caption');
          copy.insertBefore(caption, copy.firstChild);
        } else caption.append(' ');
        caption.append(options.continued);
        caption.classList.add('table-continued');
      }
      copy.classList.add('table-part');
      return copy;
    });
    table.replaceWith(...parts);
    note.parts = parts.length;
  }
  body.style.width = saved;
  return notes;
};
