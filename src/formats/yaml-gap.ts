// Where go-yaml v3 (sops' YAML library) puts full-line comments that follow the last value of
// one or more nested block maps, before a less indented key or the end of the document. Its
// scanner (scannerc.go yaml_parser_scan_comments) cuts such a run into "foot" pieces wherever a
// line is less indented than the innermost map and starts at another column than the piece, and
// at the first blank line right below the value; the rest is one "head" piece. It then ends each
// map at the first piece that starts at that map's column (yaml_parser_unroll_indent), and a
// piece goes to the first token at or after its mark (parserc.go yaml_parser_unfold_comments):
// the value (its foot: stays in the value's map), the end of a map (that map's last key's foot:
// the end of that map), or the next key (before it, in its map). Heads never go to the end of a
// map, and hold back the pieces after them. sops loads each foot after its key's entry and each
// head before its key's entry, so a comment lands in exactly one map: the one computed here.
// Some comments go-yaml loses (a foot it overwrites with a later one): sops never sees them, so
// they are dropped here too.
// The readers (yaml-line-read.ts, and yaml-cst-read.ts / yaml-read.ts through yaml-gap-tree.ts)
// place the comments of such a run with `gapCloses`.

/** A run of full-line comments (and blank lines) after a value in a block map or sequence. */
export interface Gap {
  /** 0-based line of the value's last character (of its `:` when it is empty): the run follows it. */
  readonly valueLine: number
  /**
   * The value is empty (`key:`): go-yaml's last token is then the `:`, whose foot is not cut at
   * the first blank line right below it as a value's is.
   */
  readonly empty?: boolean
  /** The comments in order: 0-based line and column of their `#`. */
  readonly comments: readonly { readonly line: number; readonly column: number }[]
  /**
   * Columns of the block maps that end in the run, innermost (the value's map) first; the map
   * that goes on (the next key's, or the top-level map at the end of the document) is not one.
   */
  readonly closing: readonly number[]
  /**
   * Which of `closing` are block sequences (none when absent). A piece that ends a sequence is its
   * key's foot in the enclosing map (go-yaml gives it to the next key, which passes it back).
   */
  readonly sequences?: readonly boolean[]
  /**
   * The next key is a sequence's next item (`- x`): the feet that go on go after it, where go-yaml
   * gives them (gapCloses says `closing.length + 1` for those).
   */
  readonly nextItem?: boolean
  /** The next key: its line and column; null at the end of the document. */
  readonly next: { readonly line: number; readonly column: number } | null
  /** At the end of the document: whether the last comment line ends with a line break. */
  readonly finalBreak: boolean
  /** Without that line break: the column where the text ends (gapCloses places nothing without it). */
  readonly endColumn?: number
}

interface Piece {
  /** Where the piece starts (see `at`), its start column plus one (as go-yaml counts). */
  readonly start: number
  readonly col1: number
  /** The token position at or after which the piece is handed out. */
  readonly mark: number
  readonly head: boolean
  /** Indexes into Gap.comments. */
  readonly comments: readonly number[]
}

const WIDE = 1e7
/** A position that orders as the text does (columns are far below WIDE). */
const at = (line: number, column: number): number => line * WIDE + Math.min(column, WIDE - 2)

/** gapCloses' mark for a comment go-yaml drops (sops never sees it). */
export const DROP = -1

/**
 * For each comment of `gap`, how many of the `closing` maps end before it: 0 keeps it in the
 * value's map, `closing.length` puts it in the map that goes on (before the next key, or at the
 * end of the top-level map), DROP when go-yaml loses it: a foot of the value that a later foot
 * overwrites (the end of the value's map, or, when no map ends, a foot before the next key), or
 * a head at the end of the document next to a foot (the document keeps only the foot);
 * `closing.length + 1` after the next item when that is a sequence's (see `nextItem`). Null
 * when the run is not one this follows: the caller keeps its own placement.
 */
export function gapCloses(gap: Gap): number[] | null {
  if (gap.next === null && !gap.finalBreak && gap.endColumn === undefined) return null
  // No map ends only before a next key of the value's own map.
  if (gap.closing.length === 0 && gap.next === null) return null
  const pieces = cut(gap)
  const ends = mapEnds(gap, pieces)
  const m = gap.closing.length
  const closes: number[] = new Array<number>(gap.comments.length).fill(m)
  const valueStart = at(gap.valueLine, 0)
  let q = 0
  // Called only while q < pieces.length.
  const give = (c: number): void => {
    for (const i of (pieces[q] as Piece).comments) closes[i] = c
    q++
  }
  const drop = (lost: readonly Piece[]): void => {
    for (const p of lost) for (const i of p.comments) closes[i] = DROP
  }
  while (q < pieces.length && (pieces[q] as Piece).mark <= valueStart) give(0)
  const atValue = pieces.slice(0, q)
  for (const [j, end] of ends.entries()) {
    let here = 0
    while (q < pieces.length && (pieces[q] as Piece).mark <= end && !(pieces[q] as Piece).head) {
      give(Math.min(gap.sequences?.[j] === true ? j + 1 : j, m))
      here++
    }
    // The end of the value's map sets its last key's foot: the value's own foot is lost (a
    // sequence's end sets the foot of the key it belongs to instead; an empty value has no foot of
    // its own: go-yaml keeps its pieces for the end of the map, with the others).
    if (j === 0 && here > 0 && gap.sequences?.[0] !== true && gap.empty !== true) drop(atValue)
  }
  const rest = pieces.slice(q)
  // Before the next item of a sequence a foot goes to that item, after it (AFTER_NEXT).
  if (gap.next !== null && gap.nextItem === true)
    for (const p of rest) if (!p.head) for (const i of p.comments) closes[i] = m + 1
  // Before the next key of the value's map a later foot is its last key's foot too.
  if (m === 0 && rest.some((p) => !p.head)) drop(atValue)
  // At the document end a head and a foot both go to the document, which keeps only the foot.
  if (gap.next === null && rest.some((p) => !p.head)) drop(rest.filter((p) => p.head))
  return closes
}

/** yaml_parser_scan_comments over the run: foot pieces, then at most one head piece. */
function cut(gap: Gap): Piece[] {
  const pieces: Piece[] = []
  const first = gap.comments[0]
  if (first === undefined) return pieces
  // The innermost open block: the value's map (the next key's when no map ends).
  const nextIndent = Math.max(0, gap.closing[0] ?? gap.next?.column ?? 0)
  const footLine = gap.valueLine > 0 ? gap.valueLine + 1 : -1
  let mark = at(gap.valueLine, 0)
  let text: number[] = []
  let startLine = first.line
  let col1 = first.column + 1
  let recentEmpty = false
  let firstEmpty = first.line === gap.valueLine + 1
  const foot = (end: number): void => {
    pieces.push({ start: at(startLine, col1 - 1), col1, mark, head: false, comments: text })
    mark = end
    text = []
  }
  const dedent = (line: number, column: number): void => {
    if (text.length > 0 && column < nextIndent && column + 1 !== col1) foot(at(line, column))
  }
  const blank = (line: number): void => {
    if (!recentEmpty && firstEmpty && text.length > 0) {
      const dedented = col1 - 1 < nextIndent
      if ((startLine === footLine && gap.empty !== true) || dedented) {
        if (dedented) mark = at(startLine, col1 - 1)
        foot(at(line, 0))
      }
    }
    firstEmpty = false
    recentEmpty = true
  }
  let line = first.line
  for (const [i, c] of gap.comments.entries()) {
    for (; line < c.line; line++) blank(line)
    dedent(c.line, c.column)
    if (text.length === 0) {
      startLine = c.line
      col1 = c.column + 1
    }
    text.push(i)
    recentEmpty = false
    line = c.line + 1
  }
  if (gap.next !== null) {
    for (; line < gap.next.line; line++) blank(line)
    dedent(gap.next.line, gap.next.column)
  } else blank(line)
  if (text.length > 0)
    pieces.push({
      start: at(startLine, col1 - 1),
      col1,
      mark: at(startLine, col1 - 1),
      head: true,
      comments: text,
    })
  return pieces
}

/**
 * yaml_parser_unroll_indent: where each ending map's end token stands, innermost first. A map
 * ends at the first piece that starts at its column, else where the map inside it ended (at
 * first: right after the value). At the end of the document the top-level map ends too, in a
 * second unroll (yaml_parser_fetch_stream_end) that starts from the end of the text. The first
 * unroll ends the maps more indented than the column the scanner stopped at: the start of a
 * line, but without a final line break the end of the last line, so that the maps at or below
 * that column end in the second unroll.
 */
function mapEnds(gap: Gap, pieces: readonly Piece[]): number[] {
  const first = (column: number): number | undefined => pieces.find((p) => p.col1 === column + 1)?.start
  const ends: number[] = []
  const stop = gap.next === null && !gap.finalBreak ? (gap.endColumn ?? 0) : -1
  let end = at(gap.valueLine, WIDE - 1)
  let second = false
  for (const column of gap.closing) {
    if (column <= stop && !second) {
      second = true
      end = Infinity
    }
    end = first(column) ?? end
    ends.push(end)
  }
  if (gap.next === null) ends.push(first(0) ?? (second ? end : Infinity))
  return ends
}
