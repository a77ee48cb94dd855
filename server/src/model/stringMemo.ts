/**
 * Strings made from strings, kept one per input: the structures a configuration holds by the
 * thousand (its paths' identity keys, their lower-cased header names, the printed paths of its
 * file references) hold a few spellings many times over, and each made copy was a string of its
 * own (issue #15). Forgets everything once `limit` inputs are kept: an editor session that is
 * typed into makes new inputs without end.
 */
export class StringMemo {
  private readonly made = new Map<string, string>();

  constructor(private readonly make: (input: string) => string, private readonly limit = 10_000) {}

  /** The string made from `input`, the one made before when there is one. */
  get(input: string): string {
    let made = this.made.get(input);
    if (made === undefined) {
      if (this.made.size >= this.limit) this.made.clear();
      made = this.make(input);
      this.made.set(input, made);
    }
    return made;
  }
}
