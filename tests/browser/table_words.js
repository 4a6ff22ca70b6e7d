// Every cell of every table on the page, measured as laid out: a word the browser broke across
// lines, a word wider than its cell's content box, or a number parted from its unit.
// Run by Playwright's page.evaluate with {units: [...words]}; returns counts and the first
// offences. Words come from Intl.Segmenter (the browser's own word boundaries); a word is one
// text node's run, so a long web address that the page marks with <wbr> after its punctuation
// may wrap there. Han, kana and hangul text may break between any two characters, as it does in
// print, so its words are not counted.
({units}) => {
  for (const d of document.querySelectorAll('details')) d.open = true;
  const seg = new Intl.Segmenter('en', {granularity: 'word'});
  const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
  const esc = s => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const unitWords = units.slice().sort((a, b) => b.length - a.length).map(esc).join('|');
  // A number and what it counts: 'USD 5.6 billion', '322,000 cases', '1.2–1.5 million'.
  const amount = new RegExp(
    `(?:\\b[A-Z]{3}[ \\u00a0])?\\d[\\d,.]*(?:[–-]\\d[\\d,.]*)?(?:[ \\u00a0](?:${unitWords})\\b)+`, 'gu');
  const lines = range => {
    const tops = [];
    for (const r of range.getClientRects()) {
      if (r.width < 0.5) continue;
      if (!tops.some(t => Math.abs(t - r.top) < r.height / 2)) tops.push(r.top);
    }
    return tops.length;
  };
  const out = {tables: 0, cells: 0, broken: 0, samples: []};
  const note = (table, cell, word, why) => {
    out.broken++;
    if (out.samples.length < 12) out.samples.push({table: table.querySelector('caption')?.textContent?.trim().slice(0, 60)
      || '(no caption)', word: word.slice(0, 60), why, cell: Math.round(cell.getBoundingClientRect().width)});
  };
  for (const table of document.querySelectorAll('.bd-article table')) {
    if (!table.getClientRects().length) continue;
    out.tables++;
    for (const cell of table.querySelectorAll('th, td, caption')) {
      const box = cell.getBoundingClientRect();
      if (!box.width || !box.height) continue;
      out.cells++;
      const cs = getComputedStyle(cell);
      const left = box.left + parseFloat(cs.paddingLeft) + parseFloat(cs.borderLeftWidth);
      const right = box.right - parseFloat(cs.paddingRight) - parseFloat(cs.borderRightWidth);
      let bad = false;
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node && !bad; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!el || el.closest('.visually-hidden') || !el.getClientRects().length) continue;
        for (const s of seg.segment(node.data)) {
          if (!s.isWordLike || cjk.test(s.segment)) continue;
          const r = document.createRange();
          r.setStart(node, s.index);
          r.setEnd(node, s.index + s.segment.length);
          const n = lines(r), rb = r.getBoundingClientRect();
          if (n > 1) { note(table, cell, s.segment, 'broken'); bad = true; break; }
          if (rb.width && (rb.right > right + 1 || rb.left < left - 1)) {
            note(table, cell, s.segment, 'wider than its cell'); bad = true; break;
          }
        }
      }
      if (bad) continue;
      // Numbers with their units on one line (within one text node: the amount is one run).
      const walker2 = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker2.nextNode(); node && !bad; node = walker2.nextNode()) {
        if (!node.parentElement?.getClientRects().length) continue;
        for (const m of node.data.matchAll(amount)) {
          const r = document.createRange();
          r.setStart(node, m.index);
          r.setEnd(node, m.index + m[0].length);
          if (lines(r) > 1) { note(table, cell, m[0], 'number parted from its unit'); bad = true; break; }
        }
      }
    }
  }
  return out;
}
