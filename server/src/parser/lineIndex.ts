/** Converts between UTF-16 offsets and zero-based line/character positions (LSP's model). */
import type { ChangedRegion } from './changedRegion';

export interface Position {
  line: number;
  character: number;
}

export class LineIndex {
  /**
   * The offset where each line starts. A typed array: a 50k-line file's index is rebuilt at
   * every keystroke, and as an array of numbers it was 400 KB the garbage collector copied.
   */
  private readonly lineStarts: Int32Array;

  /** `lineStarts`: the offsets of the text's lines, when already known (see edited()). */
  constructor(private readonly text: string, lineStarts?: Int32Array) {
    if (lineStarts) {
      this.lineStarts = lineStarts;
      return;
    }
    // Room for lines of 32 characters on average; more lines grow it.
    const starts = new LineStarts((text.length >> 5) + 16);
    starts.push(0);
    this.lineStarts = lineStartsOf(text, 0, text.length, starts);
  }

  /**
   * The index of `text`, this index's text after `edit`: the line starts before the edit are
   * kept, those after it moved, and only the inserted text is searched for line breaks. A
   * keystroke in a 50k-line file searched all of its 1.5 MB again (issue #15).
   */
  edited(text: string, edit: ChangedRegion): LineIndex {
    const old = this.lineStarts;
    // Starts at or before the edit's start (their line breaks come before it): those of its line and the lines above.
    const kept = this.lineAt(edit.start) + 1;
    // Starts whose line break lies at or past the removed text's end, moved by what the edit added.
    let after = kept;
    while (after < old.length && old[after] <= edit.oldEnd) after++;
    const starts = new LineStarts(old.length + 16);
    starts.append(old.subarray(0, kept));
    lineStartsOf(text, edit.start, edit.newEnd, starts);
    const moved = starts.append(old.subarray(after));
    const delta = edit.newEnd - edit.oldEnd;
    for (let i = moved; i < starts.length; i++) starts.values[i] += delta;
    return new LineIndex(text, starts.done());
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineAt(clamped);
    return { line, character: clamped - this.lineStarts[line] };
  }

  /** Whether positionAt(offset) is `position`, without building a Position. */
  isAt(offset: number, position: Position): boolean {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineAt(clamped);
    return line === position.line && clamped - this.lineStarts[line] === position.character;
  }

  /** The zero-based line of an offset: positionAt(offset).line without building a Position. */
  lineAt(offset: number): number {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= clamped) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.text.length;
    const lineStart = this.lineStarts[position.line];
    const nextStart = position.line + 1 < this.lineStarts.length ? this.lineStarts[position.line + 1] : this.text.length;
    return Math.min(lineStart + Math.max(0, position.character), nextStart);
  }

  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))];
  }
}

/** A growing list of line starts. */
class LineStarts {
  values: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.values = new Int32Array(Math.max(16, capacity));
  }

  push(value: number): void {
    if (this.length === this.values.length) this.grow(this.length + 1);
    this.values[this.length++] = value;
  }

  /** Appends `values`; returns where they start. */
  append(values: Int32Array): number {
    const at = this.length;
    if (at + values.length > this.values.length) this.grow(at + values.length);
    this.values.set(values, at);
    this.length += values.length;
    return at;
  }

  done(): Int32Array {
    return this.values.subarray(0, this.length);
  }

  private grow(needed: number): void {
    const bigger = new Int32Array(Math.max(needed, this.values.length * 2));
    bigger.set(this.values.subarray(0, this.length));
    this.values = bigger;
  }
}

/**
 * Adds to `starts` the start of each line whose line break lies in [from, to) of `text`, and
 * returns them all. indexOf searches much faster than a loop over every character.
 */
function lineStartsOf(text: string, from: number, to: number, starts: LineStarts): Int32Array {
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts.done();
}
