/**
 * Problems found while reading a dataset, gathered so that one message tells the user how many there
 * are and shows the first few, instead of stopping at the first of a thousand identical lines.
 */
import { DatasetError } from '../errors'

/** How many examples a message lists before "… and N more". */
export const EXAMPLES_SHOWN = 5

/** A counted set of occurrences of one kind of problem, keeping the first few examples. */
export class Tally {
  count = 0
  readonly examples: string[] = []

  add(example: string): void {
    this.count++
    if (this.examples.length < EXAMPLES_SHOWN) this.examples.push(example)
  }

  /** "a, b, c" or "a, b, c, d, e and 12 more". */
  list(): string {
    const more = this.count - this.examples.length
    return more > 0 ? `${this.examples.join(', ')} and ${more} more` : this.examples.join(', ')
  }
}

/** Errors gathered over a whole file; `throwIfAny` raises one DatasetError quoting the first few. */
export class ErrorList {
  private readonly tally = new Tally()

  add(message: string): void {
    this.tally.add(message)
  }

  get count(): number {
    return this.tally.count
  }

  throwIfAny(): void {
    const { count, examples } = this.tally
    if (count === 0) return
    if (count === 1) throw new DatasetError(examples[0] ?? '')
    const more = count - examples.length
    const tail = more > 0 ? `\n… and ${more} more` : ''
    throw new DatasetError(`${count} problems:\n${examples.join('\n')}${tail}`)
  }
}
