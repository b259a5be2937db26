/**
 * A float sum whose result does not depend on the order of its additions, nor on how they were
 * split between accumulators and merged: the sum is kept exactly, as non-overlapping partials
 * (Shewchuk, "Adaptive Precision Floating-Point Arithmetic and Fast Robust Geometric
 * Predicates", 1997), and rounded once when read, as Python's `math.fsum` does (its msum recipe
 * and correctly rounded final step). A sum over pages split between worker threads is then the
 * very float the one-thread pass gives, which a plain `+=` cannot promise (floats do not
 * associate: (0.1 + 0.2) + 0.3 !== 0.1 + (0.2 + 0.3)).
 *
 * Cost: for the values aggregates add (scores and counts) the partials stay one or two long, a
 * few float operations per add.
 */
export class ExactSum {
  /** Non-overlapping, increasing in magnitude; their exact sum is the sum. */
  private partials: number[] = [];
  /** Infinities and NaN are summed apart (IEEE addition), as they have no exact value. */
  private nonFinite = 0;
  private hasNonFinite = false;

  add(value: number): void {
    if (!Number.isFinite(value)) {
      this.nonFinite += value;
      this.hasNonFinite = true;
      return;
    }
    const partials = this.partials;
    let x = value;
    let i = 0;
    for (let j = 0; j < partials.length; j++) {
      let y = partials[j]!;
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[i++] = lo;
      x = hi;
    }
    // partials[i:] = [x], without resizing the array in the usual case of one partial in, one out
    if (i < partials.length) {
      partials[i] = x;
      if (partials.length > i + 1) partials.length = i + 1;
    } else partials.push(x);
  }

  /** Adds everything `other` holds (exactly, so merging in any order gives the same value). */
  addSum(other: ExactSumState): void {
    for (const partial of other.partials) this.add(partial);
    if (other.hasNonFinite) {
      this.nonFinite += other.nonFinite;
      this.hasNonFinite = true;
    }
  }

  /** The exact sum rounded to the nearest float (ties to even). */
  value(): number {
    if (this.hasNonFinite) return this.nonFinite;
    const partials = this.partials;
    let n = partials.length;
    if (n === 0) return 0;
    let hi = partials[--n]!;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = partials[--n]!;
      hi = x + y;
      lo = y - (hi - x);
      if (lo !== 0) break;
    }
    // half-way cases: the partials below decide which way the rounding of hi + lo goes
    if (n > 0 && ((lo < 0 && partials[n - 1]! < 0) || (lo > 0 && partials[n - 1]! > 0))) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
    return hi;
  }

  /** Plain data for another thread, which `addSum` reads. */
  state(): ExactSumState {
    return { partials: [...this.partials], nonFinite: this.nonFinite, hasNonFinite: this.hasNonFinite };
  }
}

export interface ExactSumState {
  partials: number[];
  nonFinite: number;
  hasNonFinite: boolean;
}
