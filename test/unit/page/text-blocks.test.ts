// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { BLOCK_SEPARATOR } from '../../../lib/match/separator';
import { collectTextBlocks, createBlockCollector, hiddenTest, offsetInBlock, partEnd, rangeInBlock, segmentsInBlock, shownLater } from '../../../lib/page/text-blocks';

function page(html: string): HTMLElement {
  document.body.innerHTML = html;
  return document.body;
}

const texts = (html: string): string[] => collectTextBlocks(page(html)).map((b) => b.text);

describe('collectTextBlocks', () => {
  it.each<[string, string, string[]]>([
    ['a name split by inline elements', '<p>Prime minister <a href="#">Haider <em>al-</em>Abadi</a> spoke.</p>', ['Prime minister Haider al-Abadi spoke.']],
    ['one block per paragraph, heading, item, cell', '<h1>A</h1><p>B</p><ul><li>C</li></ul><table><tr><td>D</td></tr></table>', ['A', 'B', 'C', 'D']],
    ['code, pre, forms, scripts', '<p>keep</p><pre>Iraq</pre><code>Iraq</code><textarea>Iraq</textarea><select><option>Iraq</option></select><script>var Iraq</script><button>Iraq</button>', ['keep']],
    ['hidden and aria-hidden', '<p hidden>Iraq</p><div aria-hidden="true"><p>Iraq</p></div><p style="display:none">Iraq</p><p>keep</p>', ['keep']],
    ['invisible or content-hidden blocks', '<p style="visibility:hidden">Iraq</p><div style="content-visibility:hidden"><p>Iraq</p></div><p>keep</p>', ['keep']],
    ['a block inside a hidden inline element', '<a href="#" style="display:none"><div>Iraq</div></a><a href="#"><span><div>keep</div></span></a>', ['keep']],
    ['editable areas', '<div contenteditable="true"><p>Iraq</p></div><div contenteditable="false"><p>keep</p></div>', ['keep']],
    ['its own card, but not its own marks', '<backstory-card><p>Iraq</p></backstory-card><p>A <backstory-mark>Iraq</backstory-mark> war</p>', ['A Iraq war']],
    ['whitespace-only nodes', '<div>\n  <p>x</p>\n</div>', ['x']],
  ])('%s', (_name, html, expected) => {
    expect(texts(html)).toEqual(expected);
  });

  it('asks whether an element is hidden only for blocks that hold something, never for empty ones', () => {
    const asked: string[] = [];
    const c = createBlockCollector(page('<div><img alt=""><br><hr><meta name="x"><p>one</p><div></div><p>two</p></div>'), document, (el) => {
      asked.push(el.tagName);
      return false;
    });
    const read: string[] = [];
    while (!c.done) read.push(...c.next(() => false).map((b) => b.text));
    expect(read).toEqual(['one', 'two']);
    expect(asked).toEqual(['BODY', 'DIV', 'P', 'P']);
  });

  it('tells of the hidden elements it passes by that the page may show later, and of no others', () => {
    const html =
      '<p id="a" style="display:none">Iraq</p><div id="b" hidden><p>Iraq</p></div><p>x <a id="c" hidden>Iraq</a></p>' +
      '<div style="display:none" id="d"><p id="inner" style="display:none">Iraq</p></div><p id="e" style="display:none"></p>' +
      '<div aria-hidden="true"><p id="f" style="display:none">Iraq</p></div><script hidden>var Iraq</script><p>keep</p>';
    const told: string[] = [];
    const c = createBlockCollector(page(html), document, hiddenTest(document), (el) => told.push(el.id));
    const read: string[] = [];
    while (!c.done) read.push(...c.next(() => false).map((b) => b.text));
    expect(read).toEqual(['x ', 'keep']);
    // Not the empty #e, nor what aria-hidden or an outer hidden element holds, nor a script.
    expect(told).toEqual(['a', 'b', 'c', 'd']);
  });

  it('finds the outermost element the page may show again, unless something else keeps the text from being read', () => {
    const body = page('<div id="o" style="display:none"><div id="m" hidden><p id="t">Iraq</p></div></div><div aria-hidden="true"><p id="u" hidden>Iraq</p></div><p id="v">x</p>');
    const isHidden = hiddenTest(document);
    expect(shownLater(document.getElementById('t')!, body, isHidden)?.id).toBe('o');
    expect(shownLater(document.getElementById('u')!, body, isHidden)).toBeUndefined();
    expect(shownLater(document.getElementById('v')!, body, isHidden)).toBeUndefined();
  });

  it('separates the parts of an element that a nested block splits, so no name spans them', () => {
    const blocks = collectTextBlocks(page('<div>Haider <p>middle</p> al-Abadi</div>'));
    const div = blocks.find((b) => b.element.tagName === 'DIV')!;
    expect(div.text).toBe(`Haider ${BLOCK_SEPARATOR} al-Abadi`);
    expect(blocks.map((b) => b.element.tagName).sort()).toEqual(['DIV', 'P']);
  });

  it('reads the same blocks when the walk is cut into the smallest slices', () => {
    const html = Array.from({ length: 60 }, (_, i) => `<section><h2>H${i}</h2><p>a <b>${i}</b> b</p>t${i}<p>c</p></section>`).join('');
    const whole = collectTextBlocks(page(html)).map((b) => [b.element, b.text]);
    const c = createBlockCollector(document.body);
    const sliced: [Element, string][] = [];
    let calls = 0;
    while (!c.done) {
      calls++;
      for (const b of c.next(() => true)) sliced.push([b.element, b.text]);
    }
    expect(calls).toBeGreaterThan(5);
    const key = (x: [Element, string]) => x[1];
    expect(sliced.map(key).sort()).toEqual(whole.map((x) => x[1] as string).sort());
  });
});

describe('offsets and ranges', () => {
  it('maps offsets in a block read whole (its text nodes found when first asked for)', () => {
    const [block] = collectTextBlocks(page('<p>Met <a href="#">Haider <em>al-</em>Abadi</a> in <b>Baghdad</b>.</p>'));
    expect(block!.text).toBe('Met Haider al-Abadi in Baghdad.');
    const start = block!.text.indexOf('Haider');
    expect(rangeInBlock(block!, start, start + 'Haider al-Abadi'.length, document).toString()).toBe('Haider al-Abadi');
    expect(block!.nodes.map((n) => n.data)).toEqual(['Met ', 'Haider ', 'al-', 'Abadi', ' in ', 'Baghdad', '.']);
  });

  it('looks a long block\'s text nodes up a part at a time when asked to', () => {
    const [block] = collectTextBlocks(page(`<div>${Array.from({ length: 1000 }, (_, i) => `<span>Part ${i}. </span>`).join('')}</div>`));
    let asked = 0;
    // stop() is asked every 256 nodes: the first answer "stop" leaves the lookup to the next call
    expect(block!.loadNodes!(() => ++asked >= 1)).toBe(false);
    expect(asked).toBe(1);
    while (!block!.loadNodes!(() => true));
    expect(block!.nodes).toHaveLength(1000);
    expect(block!.starts.at(-1)).toBe(block!.text.lastIndexOf('Part 999'));
    const start = block!.text.indexOf('Part 500');
    expect(rangeInBlock(block!, start, start + 8, document).toString()).toBe('Part 500');
  });

  it('cuts a long text into parts at a sentence\'s end, a line break, or else white space', () => {
    const text = 'The talks went on at length. Haider al-Abadi met Gen. Soleimani on Jan. 3 in Baghdad. Then Iraq voted.';
    // the last sentence end in the part's second half; not after "Gen." or "Jan." (an abbreviation, or no capital after it)
    expect(text.slice(0, partEnd(text, 0, 56))).toBe('The talks went on at length. ');
    expect(text.slice(0, partEnd(text, 0, 100))).toBe('The talks went on at length. Haider al-Abadi met Gen. Soleimani on Jan. 3 in Baghdad. ');
    expect(text.slice(0, partEnd(text, 0, 75))).toBe('The talks went on at length. Haider al-Abadi met Gen. Soleimani on Jan. 3 ');
    expect(partEnd(text, 0, 1000)).toBe(text.length);
    expect(partEnd(text, 19, 1000)).toBe(text.length);
    const lines = 'Iraq and Syria\nmore words here';
    expect(lines.slice(0, partEnd(lines, 0, 20))).toBe('Iraq and Syria\n');
    // no sentence end in the second half: the last white space; none at all: the limit
    expect('Haider al-Abadi met the Badr Organization'.slice(0, partEnd('Haider al-Abadi met the Badr Organization', 0, 30))).toBe('Haider al-Abadi met the Badr ');
    expect(partEnd('x'.repeat(100), 0, 30)).toBe(30);
    // not inside a surrogate pair
    expect(partEnd('😀'.repeat(50), 0, 31)).toBe(30);
  });

  it('trusts no node of a block whose text the page changed after it was read', () => {
    const [block] = collectTextBlocks(page('<p>Iraq and <em>Syria</em></p>'));
    document.querySelector('em')!.firstChild!.nodeValue = 'Syria and Jordan';
    expect(block!.nodes).toEqual([]);
  });

  it('maps a span of block text to the DOM and back', () => {
    const [block] = collectTextBlocks(page('<p>The <a>Badr</a> Organization and <em>Asa’ib</em> Ahl al-Haq.</p>'));
    const text = block!.text;
    const start = text.indexOf('Badr');
    const end = start + 'Badr Organization'.length;
    expect(rangeInBlock(block!, start, end, document).toString()).toBe('Badr Organization');
    expect(segmentsInBlock(block!, start, end).map((s) => s.node.data.slice(s.start, s.end))).toEqual(['Badr', ' Organization']);
    const em = document.querySelector('em')!.firstChild!;
    expect(offsetInBlock(block!, em, 2)).toBe(text.indexOf('Asa’ib') + 2);
    expect(offsetInBlock(block!, document.createTextNode('x'), 0)).toBe(-1);
  });
});
