/**
 * RFC 4180 fields of one CSV line, for the header and for messages (the row loop in csv.ts scans
 * bytes itself). A field may be wrapped in double quotes, with blanks around them; inside, a comma is
 * text and `""` is one quote. A line break inside quotes is not supported: files are split into
 * ranges at line breaks (scan-lines.ts), so a quote left open at the end of the line is an error.
 */

const COMMA = 44;
const QUOTE = 34;
const SPACE = 32;
const TAB = 9;

/** The fields of a quoted or plain line; for a bad line, a message saying what is wrong (a string). */
export function splitFields(line: string): string[] | { readonly error: string } {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && isBlank(line.charCodeAt(i))) i++;
    if (line.charCodeAt(i) === QUOTE) {
      let text = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) return { error: `field ${out.length + 1}: the quote it opens is not closed on this line` };
        text += line.slice(j, q);
        if (line.charCodeAt(q + 1) !== QUOTE) {
          j = q + 1;
          break;
        }
        text += '"';
        j = q + 2;
      }
      while (j < line.length && isBlank(line.charCodeAt(j))) j++;
      if (j < line.length && line.charCodeAt(j) !== COMMA)
        return { error: `field ${out.length + 1}: text after its closing quote` };
      out.push(text);
      i = j;
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      out.push(line.slice(i, end).trim());
      i = end;
    }
    if (i >= line.length) return out;
    i++;
  }
}

/** The number of fields in bytes [from, to), commas inside double quotes not counted. */
export function countFields(buf: Uint8Array, from: number, to: number): number {
  let found = 1;
  let quoted = false;
  for (let i = from; i < to; i++) {
    const c = buf[i];
    if (c === QUOTE) quoted = !quoted;
    else if (c === COMMA && !quoted) found++;
  }
  return found;
}

/**
 * The end of the quoted field whose opening quote is at `open` in bytes [open, to): the index of the
 * closing quote, or -1 when the line ends first. `escapes` is set when the text holds a `""`.
 */
export function closingQuote(buf: Uint8Array, open: number, to: number): { at: number; escapes: boolean } {
  let escapes = false;
  for (let i = open + 1; i < to; i++) {
    if (buf[i] !== QUOTE) continue;
    if (buf[i + 1] === QUOTE && i + 1 < to) {
      escapes = true;
      i++;
      continue;
    }
    return { at: i, escapes };
  }
  return { at: -1, escapes };
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}
